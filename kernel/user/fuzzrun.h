// Running one fuzzing child under a watchdog, for sysfuzz and execfuzz.
// Each fuzzer is a program of its own, so the shared code is kept here as
// static functions rather than in the C library every program links.

// fork, retrying for a while: the zombies of earlier children may fill the
// process table until init has reaped them.
static int
fuzz_fork(const char *prog)
{
  int i, pid;

  for(i = 0; i < 200; i++){
    if((pid = fork()) >= 0)
      return pid;
    sleep(10);
  }
  printf("%s: fork keeps failing\n", prog);
  exit(1);
}

// Wait for the child pid, killing it if it is still running after ms
// milliseconds. Returns its exit status (-1 if none came back) and sets
// *timedout when the watchdog had to kill it.
static int
fuzz_wait(const char *prog, int pid, int ms, int *timedout)
{
  int dog, w, st, n, result = -1;

  if((dog = fuzz_fork(prog)) == 0){
    if(sleep(ms) == 0){
      kill(pid);
      exit(0);
    }
    exit(1);
  }
  *timedout = 0;
  for(n = 0; n < 2 && (w = wait(&st)) >= 0; n++){
    if(w == pid){
      result = st;
      kill(dog);
    } else if(w == dog && st == 0){
      *timedout = 1;
    }
  }
  return result;
}
