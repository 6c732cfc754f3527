// selecttest: the lab-4 tests' guest helper for select().
//
//   selecttest HOST PORT NONCE
//
// Connects to the test's server on the host, says NONCE, then waits in
// select() on three descriptors at once: that socket, a pipe, and the
// console (standard input), with no timeout. After each wake it reports
// on the socket which of them select() said were ready and what a read of
// each returned:
//
//   ready N sock|pipe|cons...   select's count and the ready descriptors
//   got KIND HEX                what one read of it returned, in hex
//
// The host makes the events happen, one at a time: it sends on the
// socket, types a line on the console, or has a child write to the pipe.
// Lines the host sends on the socket are also commands:
//
//   p MS NONCE    a child sleeps MS milliseconds, then writes NONCE to
//                 the pipe and exits
//   t MS          report "t0", select() over all three with an MS
//                 millisecond timeout while nothing happens, then report
//                 "t1 RC BITS" (its return value, and whether any set bit
//                 was left in the sets): the host times the gap
//   r N           race: N times, a child (busy on the other CPU) writes a
//                 byte to a second pipe a random moment (a spin of a few
//                 microseconds) after this process let it go and went
//                 into select() on that pipe;
//                 then report "raced I late K": I rounds done, K of them
//                 woken only by their 1 s timeout although the byte came
//                 at once. A select() that can lose a wakeup between
//                 looking and sleeping is late here. To widen that
//                 window, the pipe is the first of the descriptors
//                 select() looks at, and the rest of the process's
//                 descriptors follow it: copies of a pipe nobody writes
//   q             quit
//
// Anything else on the socket is just data. The host decides what is
// right; this program says what it saw.

#include "types.h"
#include "stat.h"
#include "user.h"

static int ctl, pfd[2];
static const char *names[3] = { "sock", "pipe", "cons" };

static void
hexout(const char *kind, char *buf, int n)
{
  static const char digits[] = "0123456789abcdef";
  char line[600];
  int i, m;

  m = 0;
  strcpy(line, "got ");
  strcpy(line + 4, kind);
  m = 4 + strlen(kind);
  line[m++] = ' ';
  for(i = 0; i < n && m < sizeof(line) - 3; i++){
    line[m++] = digits[(buf[i] >> 4) & 0xf];
    line[m++] = digits[buf[i] & 0xf];
  }
  line[m++] = '\n';
  write(ctl, line, m);
}

static void
pipechild(int ms, char *nonce)
{
  if(fork() == 0){
    sleep(ms);
    write(pfd[1], nonce, strlen(nonce));
    exit(0);
  }
}

static void
timeout(int ms)
{
  fd_set rd, wr;
  struct timeval tv;
  int rc, left;

  FD_ZERO(&rd);
  FD_SET(ctl, &rd);
  FD_SET(pfd[0], &rd);
  FD_SET(0, &rd);
  FD_ZERO(&wr);
  tv.tv_sec = ms / 1000;
  tv.tv_usec = (ms % 1000) * 1000;
  write(ctl, "t0\n", 3);
  rc = select(ctl > pfd[0] ? ctl + 1 : pfd[0] + 1, &rd, &wr, 0, &tv);
  left = rd.bits[0] | wr.bits[0];
  fprintf(ctl, "t1 %d %d\n", rc, left != 0);
}

static void
race(int n)
{
  int a[2], b[2], c[2], i, st, max, late, t0, done;
  volatile int spin;
  uint x = 2463534242u;
  struct timeval tv;
  fd_set rd, idle;
  char ch;

  if(pipe(a) < 0 || pipe(b) < 0 || pipe(c) < 0)
    exit(1);
  FD_ZERO(&idle);
  max = a[0] + 1;
  while((i = dup(c[0])) >= 0){          // until the descriptors run out
    FD_SET(i, &idle);
    if(i >= max)
      max = i + 1;
  }
  if(fork() == 0){
    // The child polls for the go rather than sleeping in read(): a CPU
    // that went idle would only pick it up at its next timer tick, or
    // after the parent slept, never in the parent's window.
    close(b[1]);                        // so the parent's close ends us
    for(i = 0; i < n; i++){
      do {
        FD_ZERO(&rd);
        FD_SET(b[0], &rd);
        tv.tv_sec = tv.tv_usec = 0;
      } while(select(b[0] + 1, &rd, 0, 0, &tv) == 0);
      if(read(b[0], &ch, 1) != 1)
        exit(1);
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      for(spin = x % 2000; spin > 0; spin--)
        ;
      write(a[1], "x", 1);
    }
    exit(0);
  }
  late = 0;
  for(done = 0; done < n && late == 0; done++){
    write(b[1], "g", 1);                // the child may go
    rd = idle;
    FD_SET(a[0], &rd);
    tv.tv_sec = 1;
    tv.tv_usec = 0;
    t0 = uptime();
    if(select(max, &rd, 0, 0, &tv) < 0 || read(a[0], &ch, 1) != 1)
      break;
    if(uptime() - t0 >= 500)
      late++;                           // woken by the timeout alone
  }
  close(b[1]);                          // ends a child still reading b
  wait(&st);
  for(i = 0; i < max; i++)
    if(FD_ISSET(i, &idle))
      close(i);
  close(a[0]); close(a[1]); close(b[0]); close(c[0]); close(c[1]);
  fprintf(ctl, "raced %d late %d\n", done, late);
}

// Commands in what the socket brought; returns 1 on "q".
static int
commands(char *line)
{
  char *sp;

  if(line[0] == 'q')
    return 1;
  if(line[0] == 'p' && line[1] == ' ' && (sp = strchr(line + 2, ' ')) != 0)
    pipechild(atoi(line + 2), sp + 1);
  else if(line[0] == 't' && line[1] == ' ')
    timeout(atoi(line + 2));
  else if(line[0] == 'r' && line[1] == ' ')
    race(atoi(line + 2));
  return 0;
}

int
main(int argc, char *argv[])
{
  static uchar host[INADDR_LEN];
  static char line[512];
  char buf[256], *nl;
  int fds[3], i, n, k, max, len = 0;
  fd_set rd;
  char *s;

  if(argc != 4){
    fprintf(2, "usage: selecttest HOST PORT NONCE\n");
    exit(1);
  }
  s = argv[1];
  for(i = 0; i < 4; i++){
    host[i] = atoi(s);
    while(*s && *s != '.')
      s++;
    if(*s)
      s++;
  }
  if((ctl = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
     connect(ctl, host, atoi(argv[2]), INADDR_LEN) < 0 || pipe(pfd) < 0){
    fprintf(2, "selecttest: cannot connect to the host\n");
    exit(1);
  }
  fprintf(ctl, "%s\n", argv[3]);
  fds[0] = ctl;
  fds[1] = pfd[0];
  fds[2] = 0;
  max = (ctl > pfd[0] ? ctl : pfd[0]) + 1;
  for(;;){
    FD_ZERO(&rd);
    for(i = 0; i < 3; i++)
      FD_SET(fds[i], &rd);
    n = select(max, &rd, 0, 0, 0);
    fprintf(ctl, "ready %d%s%s%s\n", n, FD_ISSET(ctl, &rd) ? " sock" : "",
            FD_ISSET(pfd[0], &rd) ? " pipe" : "", FD_ISSET(0, &rd) ? " cons" : "");
    if(n <= 0)
      exit(1);
    for(i = 0; i < 3; i++){
      if(!FD_ISSET(fds[i], &rd))
        continue;
      if((k = read(fds[i], buf, sizeof(buf))) <= 0)
        exit(0);
      hexout(names[i], buf, k);
      if(i != 0)
        continue;
      if(len + k >= sizeof(line))
        len = 0;
      memmove(line + len, buf, k);
      len += k;
      line[len] = 0;
      while((nl = strchr(line, '\n')) != 0){
        *nl = 0;
        if(commands(line))
          exit(0);
        len -= nl + 1 - line;
        memmove(line, nl + 1, len + 1);
      }
    }
  }
}
