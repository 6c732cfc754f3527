// What sysfuzz and execfuzz share: a small deterministic random-number
// generator (so a seed reproduces a run exactly) and the way each runs one
// child under a watchdog. Each fuzzer is a program of its own, so the
// shared code is kept here as static functions rather than in the C
// library every program links.

// xorshift32: never 0 once seeded with a non-zero state.
static uint rngstate;

static uint
rnd(void)
{
  uint x = rngstate;

  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  rngstate = x;
  return x;
}

// A number in [0, n).
static uint
below(uint n)
{
  return n ? rnd() % n : 0;
}

static int
chance(int percent)
{
  return below(100) < percent;
}

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

#define FUZZ_KILLGRACE 3000  // ms a killed process may take to end
#define FUZZ_STUCK     (-2)  // fuzz_wait: the child did not end when killed

// Wait for the child pid, killing it if it is still running after ms
// milliseconds. Returns its exit status (-1 if none came back) and sets
// *timedout when the watchdog had to kill it. A kill must end any system
// call, however long it would wait: if the child is still there
// FUZZ_KILLGRACE ms after it, the watchdog says so, and fuzz_wait stops
// waiting and returns FUZZ_STUCK.
static int
fuzz_wait(const char *prog, int pid, int ms, int *timedout)
{
  int dog, w, st, n, result = -1;
  uint start = uptime();

  if((dog = fuzz_fork(prog)) == 0){
    if(sleep(ms) < 0)
      exit(1);
    kill(pid);
    sleep(FUZZ_KILLGRACE);
    printf("%s: unexpected: pid %d still running %d ms after its watchdog killed it\n",
           prog, pid, FUZZ_KILLGRACE);
    exit(2);
  }
  *timedout = 0;
  for(n = 0; n < 2 && (w = wait(&st)) >= 0; n++){
    if(w == pid){
      result = st;
      *timedout = uptime() - start >= ms;
      kill(dog);
    } else if(w == dog && st == 2){
      return FUZZ_STUCK;
    }
  }
  return result;
}

// Pages a new process can still get: a child grows its heap until sbrk
// fails and reports how far it got in its exit status. Compared before
// and after a run, it shows whether the kernel lost memory.
static int
fuzz_freepages(const char *prog)
{
  int pid, n, st;

  if((pid = fuzz_fork(prog)) == 0){
    n = 0;
    while(sbrk(64 * 4096) != (char*)-1)     // 4096: a page
      n += 64;
    while(sbrk(4096) != (char*)-1)
      n++;
    exit(n);
  }
  if(wait(&st) != pid)
    return -1;
  return st;
}
