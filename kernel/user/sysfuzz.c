// sysfuzz: random system calls against the kernel's system-call boundary.
//
//   sysfuzz SEED ITERATIONS
//
// Whatever a process passes to a system call, the kernel must answer with
// a result or -1 and go on: no panic, no hang, nothing lost. sysfuzz makes
// ITERATIONS random calls to test that. Every choice comes from a
// xorshift32 generator seeded with SEED, so a run that finds a bug can be
// repeated exactly (the kernel's own timing aside).
//
// The calls are made in batches of BATCH by a child process: a batch that
// ends its own process (kill of itself, a fault) costs only that batch.
// The parent forks the child and a watchdog that kills it after WATCHDOG
// ms, in case a call blocks, and waits for both. A child that finishes
// exits with 1000 plus the number of calls it made, which the parent sums.
//
// Arguments come from classes of values that have broken kernels before:
// 0, -1, small numbers, INT_MIN and INT_MAX, kernel addresses, the last
// bytes of the process's memory, the bytes just past its end (mapped,
// since the page is rounded up, yet outside the process), page 0, the
// guard page under the stack, valid buffers, open and closed descriptors,
// strings that run off the end of memory, over-long paths, argv arrays
// without a terminator. Most calls are "typed": each argument is of a
// class that suits it, so the call gets past its first check. Some use
// any class for any argument, some use a call number that does not exist,
// and some are made with the stack pointer so near the end of memory that
// the arguments themselves cannot be read.
//
// The child also judges the answers (check()): a call that accepts a
// pointer outside the process, a descriptor that is not open, a path that
// is not a string in its memory, or an exec that does not fail (every
// exec here names something that is no program) is a kernel bug. The
// child prints "sysfuzz: unexpected: ..." and exits with BUGSTATUS.
//
// What the fuzzer never does, so that the machine stays usable: kill
// anything but itself, its own children and pids that cannot exist; exec
// a real program; touch files outside the scratch directory /fz (no path
// with a ".." component or absolute outside /fz, no chdir out of it);
// write more than a few bytes to the console; make more than MAXFORKS
// processes per batch (each grandchild exits at once); block where it can
// tell a call would (an empty pipe, the console). /fz is emptied every
// CLEANEVERY batches and removed at the end.
//
// "Nothing lost" is measured, not assumed: before and after the run the
// parent counts the memory pages a process can still get (a child grows
// its heap until sbrk fails) and the free disk blocks and inodes (it
// fills /fz until writes and creates fail), and prints both.
// LAB 4: BEGIN
//
// Sockets, select and seek (socket.h). The child keeps a picture of each
// socket it holds (TCP or UDP, bound, listening, connected, or unknown)
// and fuzzes the calls with families, types, protocols, ports, flags,
// addresses (a table, the end of memory, bad pointers; lengths 0, 3, 4,
// 5, huge, negative), descriptor sets and their max, timeouts (null,
// zero, negative, huge) and seek offsets. What it must not block in is
// defused: recv and read that could wait get MSG_DONTWAIT or a bad
// buffer, accept only runs when select says a connection is queued,
// TCP connect only goes to 10.0.2.2 (the host answers at once), select's
// timeouts are short.
//
// Blocking is tested on purpose by blockers: the child forks a keeper,
// which forks the blocker, a copy of the child with all its sockets, to
// make one call that waits (connect to an address that never answers,
// accept, recv, a large send, select with no timeout) while the child
// goes on using the same sockets. The keeper kills the blocker after a
// few hundred ms; if it has not ended KILLGRACE ms later, the keeper
// reports it. A blocker's dup'd sockets are never waited on by the child.
//
// Where packets may go: only to the host's port PORT (the third argument,
// which tests/test_fuzz.py serves; without it 1, which refuses) at
// 10.0.2.2, and to addresses in 10.0.2.0/24 that nobody answers. Never
// other host ports, slirp's DNS, broadcasts or the outside world: the
// machine shares its host with other runs. The host may connect to
// LISTENPORT, which the child binds and accepts on. At the end the
// parent also compares the kernel's count of open sockets ("sockets N"
// in /dev/netinfo), when the kernel prints one.
// LAB 4: END

#include "types.h"
#include "stat.h"
#include "fcntl.h"
#include "param.h"
#include "fs.h"
#include "syscall.h"
#include "traps.h"
#include "user.h"
// LAB 5: BEGIN
#include "nfs.h"
// LAB 5: END
#include "fuzz.h"

#define BATCH       100         // calls per child
#define WATCHDOG    2000        // ms a batch may take before it is killed
#define MAXFORKS    6           // forks per batch
#define CLEANEVERY  10          // batches between emptyings of /fz
#define NUMLIMIT    41          // call numbers 0..40 are drawn
#define BUGSTATUS   999         // a child's exit status after a bad answer
#define NOPID       (1 << 24)   // no pid this large exists
#define PGSIZE      4096
#define KERNBASE    0x80000000U
#define HEAPSIZE    (16 * 1024)
#define VBUFSIZE    8192
#define NELEM(a)    (sizeof(a) / sizeof((a)[0]))
#define PGROUNDUP(a)    (((a) + PGSIZE - 1) & ~(PGSIZE - 1))
#define NARG        7           // argument words a call may take

// What the child knows about each of its descriptors. A read from the
// console or from an empty pipe would block; so would a write to a full
// pipe. K_DEVNB is a device opened with O_NONBLOCK (reads return at
// once, writes still go to the console). K_UNKNOWN is a descriptor the
// fuzzer cannot classify.
enum { K_NONE, K_FILE, K_CONS, K_DEVNB, K_PIPER, K_PIPEW, K_UNKNOWN,
// LAB 4: BEGIN
  K_SOCK,
// LAB 4: END
};

#define NPIPE 8
struct fdinfo {
  char kind;
  char pipe;      // index into pipes[] for K_PIPER, K_PIPEW
// LAB 4: BEGIN
  char sid;       // K_SOCK: which socket (dup'd descriptors share it)
  char udp;       // K_SOCK: SOCK_DGRAM
  char sk;        // K_SOCK: SK_NEW, SK_BOUND, ...
  char busy;      // K_SOCK: a blocker shares it; never wait on it
  int sent;       // K_SOCK: bytes sent that may wait for the peer
// LAB 4: END
};

// One system call: its number, its argument words and, when the
// stack pointer is moved (badstack), where it goes and how many argument
// slots the kernel can still read there.
struct call {
  uint num;
  uint a[NARG];
  int badstack;
  uint sp;
  int nslots;     // readable argument slots (NARG unless badstack)
};

// Arguments each call needs. A call whose needed slots cannot all be
// read must fail.
static char nargs[NUMLIMIT] = {
  [SYS_fork] 0, [SYS_exit] 1, [SYS_wait] 1, [SYS_kill] 1, [SYS_getpid] 0,
  [SYS_sbrk] 1, [SYS_sleep] 1, [SYS_uptime] 0, [SYS_exec] 2, [SYS_open] 2,
  [SYS_close] 1, [SYS_read] 3, [SYS_write] 3, [SYS_dup] 1, [SYS_pipe] 1,
  [SYS_fstat] 2, [SYS_mknod] 3, [SYS_mkdir] 1, [SYS_chdir] 1, [SYS_link] 2,
  [SYS_unlink] 1,
// LAB 4: BEGIN
  [SYS_seek] 2, [SYS_select] 5, [SYS_socket] 3, [SYS_bind] 4,
  [SYS_listen] 1, [SYS_connect] 4, [SYS_accept] 4, [SYS_send] 4,
  [SYS_recv] 4, [SYS_sendto] 7, [SYS_recvfrom] 7,
// LAB 4: END
};

// How often each call is chosen (exit, which ends the batch, is chosen
// separately and rarely). A call with no weight does not exist.
static char weight[NUMLIMIT] = {
  [SYS_fork] 2, [SYS_exit] 0, [SYS_wait] 3, [SYS_kill] 2, [SYS_getpid] 1,
  [SYS_sbrk] 6, [SYS_sleep] 1, [SYS_uptime] 1, [SYS_exec] 5, [SYS_open] 12,
  [SYS_close] 8, [SYS_read] 10, [SYS_write] 12, [SYS_dup] 5, [SYS_pipe] 3,
  [SYS_fstat] 5, [SYS_mknod] 3, [SYS_mkdir] 4, [SYS_chdir] 4, [SYS_link] 4,
  [SYS_unlink] 6,
// LAB 4: BEGIN
  [SYS_seek] 5, [SYS_select] 8, [SYS_socket] 16, [SYS_bind] 8,
  [SYS_listen] 4, [SYS_connect] 6, [SYS_accept] 5, [SYS_send] 6,
  [SYS_recv] 6, [SYS_sendto] 5, [SYS_recvfrom] 5,
// LAB 4: END
};

// Paths the typed calls use. All lie inside /fz; ".." only names
// directories that exist, so creating through it fails.
static char *paths[] = {
  "f0", "f1", "f2", "d0", "d0/f", "d0/d", "d0/d/g", "c1", "n2", "dx",
  "nope", "", ".", "..", "d0/..", "f0/x", "/fz", "/fz/f0", "/fz/d0",
  "/fz/d0/f", "///fz//f1", "zzzzzzzzzzzzzz", "zzzzzzzzzzzzzzz",
  "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
  "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy",
};
// Directories chdir may go to (and things it must refuse).
static char *chdirpaths[] = {
  "/fz", "/fz/d0", "d0", "d0/d", ".", "f0", "nope", "", "c1", "/fz/f0",
};

static int seed;

// The child's picture of itself.
static uint guardpg;            // the guard page under the stack
static uint heapfloor;          // never shrink memory below this
static uint cursz;              // current end of memory
static int mypid;
static int lastkid;             // last grandchild's pid
static int lastfd;              // last descriptor the kernel handed out
static int nforks;
static int ncalls;
static int tally;               // what the lab's own checks count (lab 4:
                                // socket calls that worked)
static int batchno;
static uint lastuptime;
static struct fdinfo fds[NOFILE];
static int pipebytes[NPIPE];    // bytes queued in each pipe the child made
static int npipes;

static char vbuf[VBUFSIZE];     // a valid buffer with random strings in it
static char bigstr[PGSIZE + 8]; // exec argument strings near PGSIZE long
static uint argvbuf[MAXARG + 8];
static char longpath[MAXPATH + 64];
static char pattern[PGSIZE];    // the parent checks it after every batch
// LAB 5: BEGIN
// Remote paths (nfs.h) on the test's nfsd at 10.0.2.2:nfsport (the
// fourth argument), whose
// export is scratch space, and remote paths that must be refused without
// reaching a server: malformed, or on ports where nothing listens.
#define NRPATH 16
static char rpaths[NRPATH][48];
static int nfsport;

static int
isrpath(const char *s)
{
  int i;

  for(i = 0; i < NRPATH; i++)
    if(s == rpaths[i])
      return 1;
  return 0;
}

// The kernel keeps one connection to nfsd open (a socket) from the first
// remote call on, and drops it when a call is killed midway; one remote
// call before each count of sockets makes sure it is there both times.
static void
nfsconnect(void)
{
  if(nfsport)
    close(open(rpaths[0], O_RDONLY));
}

static void
setuprpaths(void)
{
  static char *rest[] = {
    ":/", ":/r0", ":/r1", ":/rd", ":/rd/r2", ":/rd/", ":/../r3",
    ":/r0/x", "://r1", ":/rd/..", ":/.",
  };
  static char *bad[] = {
    "10.0.2.2:1:/r0", "10.0.2.2::/r0", "10.0.2.2:99999:/r0",
    "10.0.2.256:/r0", "10.0.2.2:0:/",
  };
  char port[8];
  int i, n, p;

  n = 0;
  for(p = nfsport; p > 0; p /= 10)
    n++;
  port[n] = 0;
  for(p = nfsport; p > 0; p /= 10)
    port[--n] = '0' + p % 10;
  for(i = 0; i < NELEM(rest); i++){
    strcpy(rpaths[i], "10.0.2.2:");
    strcpy(rpaths[i] + strlen(rpaths[i]), port);
    strcpy(rpaths[i] + strlen(rpaths[i]), rest[i]);
  }
  for(; i < NRPATH; i++)
    strcpy(rpaths[i], bad[i - NELEM(rest)]);
}
// LAB 5: END
// LAB 4: BEGIN

static void socktyped(struct call *c);
static void sockdefuse(struct call *c);
static void socktrack(struct call *c, int r);
// LAB 4: END

// ---------------------------------------------------------------- memory

// The end of the user-accessible region holding address a, or 0 if a is
// not user-accessible: [0x1000, guard page) holds the program, then come
// the guard page, the stack page and the heap up to cursz.
static uint
regionend(uint a)
{
  if(a >= PGSIZE && a < guardpg)
    return guardpg;
  if(a >= guardpg + PGSIZE && a < cursz)
    return cursz;
  return 0;
}

// May the kernel touch [p, p+n)? n > 0.
static int
rangeok(uint p, uint n)
{
  uint end = regionend(p);

  return end != 0 && n <= end - p;
}

// Is there a NUL-terminated string shorter than max at p?
static int
strok(uint p, uint max)
{
  uint end = regionend(p), q;

  if(end == 0)
    return 0;
  for(q = p; q < end; q++)
    if(*(char*)q == 0)
      return q - p < max;
  return 0;
}

// An address no access of one byte or more may use.
static uint
badaddr(void)
{
  static uint kaddrs[] = {
    0x80000000, 0x80100000, 0x800F0000, 0x8FFFFFF0, 0xEFFFF000, 0xFEC00000,
    0xFEE00000, 0xFFFFF000,
  };

  switch(below(9)){
  case 0:  return 0;
  case 1:  return below(PGSIZE);                       // page 0
  case 2:  return guardpg + below(PGSIZE);             // guard page
  case 3:  return cursz + below(PGROUNDUP(cursz) - cursz + 1);  // just past the end
  case 4:  return PGROUNDUP(cursz) + below(64 * PGSIZE);
  case 5:  return 0x7FFFF000 + below(PGSIZE);          // top of user space
  case 6:  return kaddrs[below(NELEM(kaddrs))];
  case 7:  return 0xFFFFFFFF - below(16);
  default: return KERNBASE + below(0x7FFFFFFF);
  }
}

// An address with n valid bytes after it where possible. The heap and
// vbuf may be overwritten by the kernel; the stack and data may not.
static uint
goodbuf(uint n)
{
  uint heap = guardpg + 2 * PGSIZE;

  if(n <= VBUFSIZE && chance(70))
    return (uint)vbuf + below(VBUFSIZE - n + 1);
  if(n <= cursz - heap)
    return cursz - n - below(cursz - heap - n + 1);
  return (uint)vbuf;
}

// A buffer for n bytes: mostly good, sometimes crossing the end of
// memory, sometimes bad.
static uint
ptrfor(uint n)
{
  int r = below(100);

  if(r < 70)
    return goodbuf(n);
  if(r < 82)
    return cursz - 1 - below(8);
  return badaddr();
}

// A string whose last bytes are the last bytes of memory, so it has no
// terminator inside the process (or, sometimes, just has one).
static uint
endstr(void)
{
  uint k = 1 + below(16);
  char *s = (char*)(cursz - k);

  memset(s, 'e', k);
  if(chance(20))
    s[k - 1] = 0;
  return (uint)s;
}

// A string of about PGSIZE bytes (exec refuses arguments that long).
static uint
pagestr(void)
{
  uint len = PGSIZE - 2 + below(4);

  memset(bigstr, 'q', sizeof(bigstr));
  bigstr[len] = 0;
  return (uint)bigstr;
}

// A pointer into vbuf, which holds short random strings.
static uint
vbufstr(void)
{
  vbuf[VBUFSIZE - 1] = 0;
  return (uint)vbuf + below(VBUFSIZE);
}

static uint
pathval(void)
{
  int r = below(100);

// LAB 5: BEGIN
  if(nfsport && r < 12)
    return (uint)rpaths[below(NRPATH)];
// LAB 5: END
  if(r < 62)
    return (uint)paths[below(NELEM(paths))];
  if(r < 70)
    return vbufstr();
  if(r < 80)
    return endstr();
  if(r < 85)
    return (uint)longpath + below(64);
  return badaddr();
}

// An argv array for exec: null, bad, full of odd strings, unterminated,
// longer than MAXARG, or running off the end of memory.
static uint
argvval(void)
{
  uint n, i, *end;

  switch(below(6)){
  case 0:  return 0;
  case 1:  return badaddr();
  case 2:  // ends exactly at the end of memory, with no terminator
    n = 1 + below(3);
    end = (uint*)(cursz - 4 * n);
    for(i = 0; i < n; i++)
      end[i] = (uint)paths[below(NELEM(paths))];
    return (uint)end;
  default:
    n = below(NELEM(argvbuf));
    for(i = 0; i < NELEM(argvbuf); i++){
      switch(below(6)){
      case 0:  argvbuf[i] = badaddr(); break;
      case 1:  argvbuf[i] = endstr(); break;
      case 2:  argvbuf[i] = pagestr(); break;
      case 3:  argvbuf[i] = vbufstr(); break;
      default: argvbuf[i] = (uint)paths[below(NELEM(paths))]; break;
      }
    }
    if(n < NELEM(argvbuf) && chance(80))
      argvbuf[n] = 0;
    return (uint)argvbuf;
  }
}

// ---------------------------------------------------------------- values

static uint
intval(void)
{
  switch(below(10)){
  case 0:  return 0;
  case 1:  return -1;
  case 2:  return 1;
  case 3:  return below(17);
  case 4:  return 0x7FFFFFFF;
  case 5:  return 0x80000000;
  case 6:  return -(int)below(17);
  case 7:  return PGSIZE << below(8);
  default: return rnd();
  }
}

// A size for read and write.
static uint
sizeval(void)
{
  switch(below(10)){
  case 0:  return 0;
  case 1:  return 1;
  case 2:  return below(64);
  case 3:
  case 4:  return below(600);
  case 5:  return below(VBUFSIZE + 1);
  case 6:  return PGSIZE;
  case 7:  return -1;
  case 8:  return 0x7FFFFFFF;
  default: return rnd();
  }
}

static uint
fdval(void)
{
  int i, start;

  switch(below(10)){
  case 0:
  case 1:  return below(NOFILE);
  case 2:
  case 3:
  case 4:  return lastfd;
  case 5:
  case 6:  // an open one, not the console if possible
    start = below(NOFILE);
    for(i = 0; i < NOFILE; i++)
      if(fds[(start + i) % NOFILE].kind != K_NONE && fds[(start + i) % NOFILE].kind != K_CONS)
        return (start + i) % NOFILE;
    for(i = 0; i < NOFILE; i++)
      if(fds[(start + i) % NOFILE].kind != K_NONE)
        return (start + i) % NOFILE;
    return start;
  case 7:  return NOFILE + below(4);
  case 8:  return -1 - below(3);
  default: return chance(50) ? 0x7FFFFFFF : 0x80000000;
  }
}

static uint
pidval(void)
{
  switch(below(8)){
  case 0:  return chance(15) ? mypid : lastkid;
  case 1:  return lastkid;
  case 2:  return 0;
  case 3:  return -1;
  case 4:  return 0x80000000;
  case 5:  return 0x7FFFFFFF;
  case 6:  return -(int)below(1000);
  default: return NOPID + below(1000);
  }
}

static uint
sbrkval(void)
{
  switch(below(12)){
  case 0:  return 0;
  case 1:  return 1 + below(8);
  case 2:  return -(int)(1 + below(8));
  case 3:  return PGSIZE;
  case 4:  return -PGSIZE;
  case 5:  return below(65536);
  case 6:  return -(int)below(cursz - heapfloor + 1);
  case 7:  return 0x80000000;
  case 8:  return 0x7FFFFFFF;
  case 9:  return KERNBASE - cursz + 1 + below(PGSIZE);  // just past KERNBASE
  case 10: return -(int)cursz - 1 - below(PGSIZE);       // below 0
  default: return rnd();
  }
}

static uint
modeval(void)
{
  static uint modes[] = {
    O_RDONLY, O_WRONLY, O_RDWR, O_CREATE|O_RDWR, O_CREATE|O_WRONLY|O_TRUNC,
    O_RDWR|O_TRUNC, O_NONBLOCK|O_RDWR, O_NONBLOCK, O_WRONLY|O_RDWR,
    O_CREATE, -1,
  };

  if(chance(10))
    return rnd();
  return modes[below(NELEM(modes))];
}

static uint
majorval(void)
{
  static uint majors[] = { 0, 1, 2, 3, 9, 10, -1, 0x7FFF, 0x8000, 0x10001, 0x80000000 };

  return majors[below(NELEM(majors))];
}

static uint
minorval(void)
{
  static uint minors[] = { 0, 1, 2, -1, 0x7FFF, 0x8000, 0xFFFF, 0x10000 };

  return minors[below(NELEM(minors))];
}

// A random word, but not an address inside this program or its stack,
// which the kernel may legitimately overwrite.
static uint
wildval(void)
{
  uint v = rnd();

  if(v >= PGSIZE && v < guardpg + 2 * PGSIZE)
    v |= KERNBASE;
  return v;
}

// Any value at all, for calls whose arguments are not typed.
static uint
anyval(void)
{
  switch(below(8)){
  case 0:  return intval();
  case 1:  return badaddr();
  case 2:  return goodbuf(below(64));
  case 3:  return cursz - 1 - below(8);
  case 4:  return pathval();
  case 5:  return fdval();
  case 6:  return sizeval();
  default: return wildval();
  }
}

// ---------------------------------------------------------------- making calls

// The child's exit status after n calls: 1000 + n + 128 * tally.
static int
batchstatus(int n)
{
  return 1000 + n + 128 * tally;
}

// Does the kernel have call num?
static int
exists(uint num)
{
  return num == SYS_exit || (num < NUMLIMIT && weight[num] > 0);
}

// A call number that does not exist.
static uint
nocall(void)
{
  static uint oddnums[] = { 0xFFFFFFFF, 0x80000000, 64, 256 + SYS_fork, 1000, 0x7FFFFFFF };
  uint n;

  if(chance(20))
    return oddnums[below(NELEM(oddnums))];
  n = below(NUMLIMIT);
  while(exists(n))
    n = (n + 1) % NUMLIMIT;
  return n;
}

static int
pickcall(void)
{
  int i, total, r;

  total = 0;
  for(i = 0; i < NUMLIMIT; i++)
    total += weight[i];
  r = below(total);
  for(i = 0; i < NUMLIMIT; i++){
    if(r < weight[i])
      return i;
    r -= weight[i];
  }
  return SYS_getpid;
}

// Arguments that suit call c->num.
static void
typedargs(struct call *c)
{
  uint *a = c->a;

  switch(c->num){
  case SYS_wait:   a[0] = chance(40) ? 0 : ptrfor(4); break;
  case SYS_pipe:   a[0] = ptrfor(8); break;
  case SYS_read:
  case SYS_write:  a[0] = fdval(); a[2] = sizeval(); a[1] = ptrfor(a[2]); break;
  case SYS_kill:   a[0] = pidval(); break;
  case SYS_exec:   a[0] = pathval(); a[1] = argvval(); break;
  case SYS_fstat:  a[0] = fdval(); a[1] = ptrfor(sizeof(struct stat)); break;
  case SYS_chdir:
    a[0] = chance(75) ? (uint)chdirpaths[below(NELEM(chdirpaths))] : pathval();
    break;
  case SYS_dup:
  case SYS_close:  a[0] = fdval(); break;
  case SYS_sbrk:   a[0] = sbrkval(); break;
  case SYS_sleep:  a[0] = chance(80) ? below(3) : intval(); break;
  case SYS_open:   a[0] = pathval(); a[1] = modeval(); break;
  case SYS_mknod:  a[0] = pathval(); a[1] = majorval(); a[2] = minorval(); break;
  case SYS_mkdir:
  case SYS_unlink: a[0] = pathval(); break;
  case SYS_link:   a[0] = pathval(); a[1] = pathval(); break;
// LAB 4: BEGIN
  default:         socktyped(c); break;
// LAB 4: END
  }
}

// Does path p (a user pointer) stay inside /fz? Pointers the kernel must
// refuse count as safe: if it accepts one, check() says so.
static int
pathinside(uint p, int forchdir)
{
  char *s, *c;
  uint end = regionend(p), q;
  int i;

  if(end == 0)
    return 1;
  for(q = p; q < end && *(char*)q; q++)
    ;
  if(q == end)
    return 1;                         // unterminated: must be refused
  s = (char*)p;
  for(i = 0; i < NELEM(paths); i++)
    if(s == paths[i] && !forchdir)
      return 1;
// LAB 5: BEGIN
  if(isrpath(s))
    return 1;                         // scratch on nfsd, or refused
// LAB 5: END
  if(*s == '/'){
    while(*s == '/')
      s++;
    if(s[0] != 'f' || s[1] != 'z' || (s[2] != '/' && s[2] != 0))
      return 0;
  }
  // No ".." component anywhere.
  for(c = (char*)p; *c; c++)
    if(c[0] == '.' && c[1] == '.' && (c == (char*)p || c[-1] == '/') &&
       (c[2] == '/' || c[2] == 0))
      return 0;
  return 1;
}

// Is fd an open descriptor of the child?
static int
isopen(uint fd)
{
  return fd < NOFILE && fds[fd].kind != K_NONE;
}

// If the kernel may write n bytes at *p and they are not all in vbuf or
// the heap (an untyped argument can point at the program itself), point
// *p at vbuf instead.
static void
protect(uint *p, int n)
{
  uint heap = guardpg + 2 * PGSIZE;

  if(n <= 0 || !rangeok(*p, n))
    return;
  if(*p >= (uint)vbuf && *p + n <= (uint)vbuf + VBUFSIZE)
    return;
  if(*p >= heap && *p + n <= cursz)
    return;
  *p = n <= VBUFSIZE ? (uint)vbuf : badaddr();
}

// Change what could block, hurt another process or leave /fz.
static void
defuse(struct call *c)
{
  uint *a = c->a, fd = a[0];
  int n = a[2], k, room;

  switch(c->num){
  case SYS_fork:
    if(nforks >= MAXFORKS)
      c->num = SYS_getpid;
    break;
  case SYS_exit:
    a[0] = batchstatus(ncalls + 1);
    break;
  case SYS_kill:
    if((int)a[0] > 0 && a[0] < NOPID && a[0] != mypid && a[0] != lastkid)
      a[0] = NOPID + below(1000);
    break;
  case SYS_sleep:
    if((int)a[0] > 20)
      a[0] = below(20);
    break;
  case SYS_sbrk:
    if((int)a[0] < 0 && -(int)a[0] <= cursz && cursz + (int)a[0] < heapfloor)
      a[0] = -(cursz - heapfloor);
    else if((int)a[0] > (1 << 20) && cursz + a[0] <= KERNBASE && !chance(2))
      a[0] = below(1 << 20);          // running out of memory is slow
    break;
  case SYS_wait:
  case SYS_pipe:
    protect(&a[0], c->num == SYS_wait ? 4 : 8);
    break;
  case SYS_fstat:
    protect(&a[1], sizeof(struct stat));
    break;
  case SYS_read:
    protect(&a[1], n);
    if(!isopen(fd) || n < 0)
      break;
    k = fds[fd].kind;
    if(k == K_CONS || k == K_UNKNOWN ||
       (k == K_PIPER && pipebytes[(int)fds[fd].pipe] == 0)){
      a[2] = 1 + below(100);          // the bad buffer makes it fail at once
      a[1] = badaddr();
    }
    break;
  case SYS_write:
    if(!isopen(fd) || n <= 0 || !rangeok(a[1], n))
      break;
    k = fds[fd].kind;
    if((k == K_CONS || k == K_DEVNB || k == K_UNKNOWN) && n > 16)
      a[2] = below(17);
    if(k == K_PIPER){
      // The write fails at once (the descriptor is not writable).
    } else if(k == K_PIPEW){
      room = 512 - pipebytes[(int)fds[fd].pipe];
      if(n > room)
        a[2] = room > 0 ? below(room + 1) : 0;
    }
    break;
  case SYS_exec:
  case SYS_open:
  case SYS_unlink:
  case SYS_mkdir:
  case SYS_mknod:
  case SYS_chdir:
    if(!pathinside(a[0], c->num == SYS_chdir))
      a[0] = (uint)paths[below(4)];
    break;
  case SYS_link:
    if(!pathinside(a[0], 0))
      a[0] = (uint)paths[below(4)];
    if(!pathinside(a[1], 0))
      a[1] = (uint)paths[below(4)];
    break;
  }
// LAB 4: BEGIN
  sockdefuse(c);
// LAB 4: END
}

// Move the stack pointer for the call: to the end of memory, so that
// only the first k argument slots are inside the process (their values
// stored there), or somewhere no slot can be read.
static void
movestack(struct call *c)
{
  uint k, i, *slots;

  c->badstack = 1;
  if(chance(30)){
    c->sp = badaddr();
    for(i = 0; i < NARG; i++)
      if(rangeok(c->sp + 4 + 4 * i, 4))
        break;
    if(i == NARG){
      c->nslots = 0;
      return;
    }
  }
  k = below(4);
  slots = (uint*)(cursz - 4 * k);
  for(i = 0; i < k; i++)
    slots[i] = c->a[i];
  c->sp = (uint)slots - 4;
  c->nslots = k;
}

// Choose the next call.
static void
makecall(struct call *c)
{
  int i, r;

  memset(c, 0, sizeof(*c));
  c->nslots = NARG;
  r = below(100);
  if(r < 4){
    c->num = nocall();
    for(i = 0; i < NARG; i++)
      c->a[i] = anyval();
    return;
  }
  if(below(1000) < 2){
    c->num = SYS_exit;
  } else if(r < 24){
    c->num = pickcall();
    for(i = 0; i < NARG; i++)
      c->a[i] = anyval();
  } else {
    c->num = pickcall();
    typedargs(c);
  }
  defuse(c);
  if(r >= 95)
    movestack(c);
}

// Trap into the kernel with the NARG words as the arguments on the stack,
// above a fake return address, where the stubs in usys.S leave them.
static int
rawcall(uint num, uint *a)
{
  int r;

  asm volatile(
    "pushl 24(%%edx)\n\t"
    "pushl 20(%%edx)\n\t"
    "pushl 16(%%edx)\n\t"
    "pushl 12(%%edx)\n\t"
    "pushl 8(%%edx)\n\t"
    "pushl 4(%%edx)\n\t"
    "pushl 0(%%edx)\n\t"
    "pushl $0\n\t"
    "int %2\n\t"
    "addl $32, %%esp"
    : "=a" (r)
    : "a" (num), "i" (T_SYSCALL), "d" (a)
    : "memory", "cc");
  return r;
}

// Trap with the stack pointer at sp. %esi keeps the real one; the kernel
// saves and restores every register but %eax (in a forked child too).
static int
rawcall_sp(uint num, uint sp)
{
  int r;

  asm volatile(
    "movl %%esp, %%esi\n\t"
    "movl %%ecx, %%esp\n\t"
    "int %2\n\t"
    "movl %%esi, %%esp"
    : "=a" (r)
    : "a" (num), "i" (T_SYSCALL), "c" (sp)
    : "esi", "memory", "cc");
  return r;
}

// ---------------------------------------------------------------- judging

static int
argstr(struct call *c, int i)
{
  return strok(c->a[i], MAXPATH);
}

// Report a wrong answer on the console and end the batch.
static void
unexpected(struct call *c, int r, char *why)
{
  int fd;

  close(NOFILE - 1);      // so that the open cannot fail for want of an fd
  fd = open("/dev/console", O_WRONLY);
  fprintf(fd, "sysfuzz: unexpected: call %d(0x%x, 0x%x, 0x%x) returned %d: %s "
          "(seed %d batch %d call %d%s)\n", c->num, c->a[0], c->a[1], c->a[2],
          r, why, seed, batchno, ncalls, c->badstack ? ", moved stack" : "");
  exit(BUGSTATUS);
}

// The lowest descriptor the kernel should hand out next.
static int
lowestfree(void)
{
  int i;

  for(i = 0; i < NOFILE; i++)
    if(fds[i].kind == K_NONE)
      return i;
  return -1;
}

// Judge the answer r to a call whose arguments could all be read.
static void
check(struct call *c, int r)
{
  uint *a = c->a;
  int n = a[2];
  int whole = c->num == SYS_write;    // a write takes all n bytes or fails

// LAB 4: BEGIN
  if(isopen(a[0]) && fds[a[0]].kind == K_SOCK && !fds[a[0]].udp)
    whole = 0;                        // TCP: what went before the connection broke
// LAB 4: END
  if(!exists(c->num)){
    if(r != -1)
      unexpected(c, r, "no such call");
    return;
  }
  switch(c->num){
  case SYS_read:
  case SYS_write:
    if(r != -1 && (!isopen(a[0]) || n < 0 || (n > 0 && !rangeok(a[1], n))))
      unexpected(c, r, "bad descriptor, size or buffer accepted");
    if(r < -1 || (r >= 0 && r > n) || (whole && r != -1 && r != n))
      unexpected(c, r, "count out of range");
    break;
  case SYS_close:
    if(r != (isopen(a[0]) ? 0 : -1))
      unexpected(c, r, isopen(a[0]) ? "close of an open fd failed" : "close of a closed fd");
    break;
  case SYS_dup:
    if(!isopen(a[0]) ? r != -1 : r != lowestfree())
      unexpected(c, r, "dup did not give the lowest free fd");
    break;
  case SYS_fstat:
    if(r != -1 && (!isopen(a[0]) || !rangeok(a[1], sizeof(struct stat))))
      unexpected(c, r, "bad descriptor or buffer accepted");
    if(r == -1 && isopen(a[0]) && rangeok(a[1], sizeof(struct stat)) &&
       (fds[a[0]].kind == K_FILE || fds[a[0]].kind == K_CONS || fds[a[0]].kind == K_DEVNB))
      unexpected(c, r, "fstat of an open file failed");
    break;
  case SYS_pipe:
    if(r != -1 && !rangeok(a[0], 8))
      unexpected(c, r, "bad buffer accepted");
    break;
  case SYS_wait:
    if(r != -1 && a[0] != 0 && !rangeok(a[0], 4))
      unexpected(c, r, "bad status pointer accepted");
    break;
  case SYS_exec:
    if(r != -1)
      unexpected(c, r, "exec of no program returned");
    break;
  case SYS_open:
    if(r != -1 && !argstr(c, 0))
      unexpected(c, r, "bad path accepted");
    if(r != -1 && r != lowestfree())
      unexpected(c, r, "open did not give the lowest free fd");
    break;
  case SYS_chdir:
  case SYS_mkdir:
  case SYS_unlink:
    if(r != -1 && !argstr(c, 0))
      unexpected(c, r, "bad path accepted");
    break;
  case SYS_link:
    if(r != -1 && (!argstr(c, 0) || !argstr(c, 1)))
      unexpected(c, r, "bad path accepted");
    break;
  case SYS_mknod:
    if(r != -1 && (!argstr(c, 0) || (int)a[1] < 0 || (int)a[1] >= NDEV ||
       (int)a[2] < 0 || (int)a[2] > 0x7FFF))
      unexpected(c, r, "bad path or device number accepted");
    break;
  case SYS_kill:
    if(r != -1 && a[0] != mypid && a[0] != lastkid)
      unexpected(c, r, "kill of no such process succeeded");
    break;
  case SYS_sbrk:
    if(r != -1 && (((int)a[0] < 0 && -(int)a[0] > cursz) ||
       ((int)a[0] > 0 && cursz + a[0] > KERNBASE)))
      unexpected(c, r, "impossible size accepted");
    if(r != -1 && r != cursz)
      unexpected(c, r, "sbrk did not return the old end");
    break;
  case SYS_sleep:
    if(r != ((int)a[0] < 0 ? -1 : 0))
      unexpected(c, r, "wrong result");
    break;
  case SYS_getpid:
    if(r != mypid)
      unexpected(c, r, "wrong pid");
    break;
  case SYS_uptime:
    if((uint)r < lastuptime)
      unexpected(c, r, "time went backwards");
    lastuptime = r;
    break;
  case SYS_fork:
    if(r == 0 || r < -1)
      unexpected(c, r, "fork");
    break;
  }
}

// What kind of descriptor did the kernel just give the child?
static void
classify(int fd, int nonblock)
{
  struct stat st;

  if(fd < 0 || fd >= NOFILE)
    return;
  fds[fd].kind = K_UNKNOWN;
  if(fstat(fd, &st) == 0)
    fds[fd].kind = st.type != T_DEV ? K_FILE : nonblock ? K_DEVNB : K_CONS;
// LAB 5: BEGIN
  // A remote file (nfs.h) may seek past its end, and any call on it fails
  // once its connection has dropped (a killed batch drops it).
  if(fds[fd].kind == K_FILE && st.dev == NFS_DEV)
    fds[fd].kind = K_UNKNOWN;
// LAB 5: END
}

// Update the child's picture after call c returned r.
static void
track(struct call *c, int r)
{
  uint *a = c->a;
  int *pfd;

  switch(c->num){
  case SYS_fork:
    nforks++;
    if(r > 0)
      lastkid = r;
    break;
  case SYS_sbrk:
    cursz = (uint)sbrk(0);
    break;
  case SYS_open:
    if(r >= 0){
      classify(r, a[1] & O_NONBLOCK);
      lastfd = r;
    }
    break;
  case SYS_close:
    if(r == 0)
      fds[a[0]].kind = K_NONE;
    break;
  case SYS_dup:
    if(r >= 0 && r < NOFILE){
      fds[r] = fds[a[0]];
      lastfd = r;
    }
    break;
  case SYS_pipe:
    if(r == 0){
      pfd = (int*)a[0];
      if(npipes < NPIPE && pfd[0] >= 0 && pfd[0] < NOFILE && pfd[1] >= 0 && pfd[1] < NOFILE){
        pipebytes[npipes] = 0;
        fds[pfd[0]] = (struct fdinfo){ K_PIPER, npipes };
        fds[pfd[1]] = (struct fdinfo){ K_PIPEW, npipes };
        npipes++;
        lastfd = pfd[below(2)];
      } else {
        classify(pfd[0], 0);
        classify(pfd[1], 0);
        fds[pfd[0]].kind = fds[pfd[1]].kind = K_UNKNOWN;
      }
    }
    break;
  case SYS_read:
    if(r > 0 && fds[a[0]].kind == K_PIPER)
      pipebytes[(int)fds[a[0]].pipe] -= r;
    break;
  case SYS_write:
    if(r > 0 && fds[a[0]].kind == K_PIPEW)
      pipebytes[(int)fds[a[0]].pipe] += r;
    break;
  }
// LAB 4: BEGIN
  socktrack(c, r);
// LAB 4: END
}

// LAB 4: BEGIN
// ---------------------------------------------------------------- sockets

#define LISTENPORT  7070        // the host connects here (tests/test_fuzz.py)
#define NKEEP       3           // blockers per batch
#define BLOCKMS     400         // a blocker is killed within this many ms
#define KILLGRACE   1500        // ms a killed blocker may take to end
#define DONTWAITMS  300         // a MSG_DONTWAIT call this slow waited
#define SENDBUDGET  4096        // TCP bytes a socket may send with flags 0
#define SHORTUSEC   50000       // the child's own select waits at most this

enum { SK_NEW, SK_BOUND, SK_LISTEN, SK_CONN, SK_UNKNOWN };

static int hostport = 1;        // where 10.0.2.2 may be reached
static int nsid;                // sockets the child has made
static int nkeep;               // keepers the child has started
static uint callstart;          // uptime() when the current call began

// Addresses the typed calls use. Packets may only go to the first
// (10.0.2.2, and there only to hostport or 1) and to the silent ones
// in 10.0.2.0/24; outsafe() says which. bind() may name any.
static uchar addrtab[][INADDR_LEN] = {
  {10, 0, 2, 2}, {10, 0, 2, 99}, {10, 0, 2, 15}, {10, 0, 2, 4},
  {10, 0, 2, 200}, {0, 0, 0, 0}, {127, 0, 0, 1}, {255, 255, 255, 255},
  {224, 0, 0, 1}, {10, 0, 2, 255}, {10, 0, 2, 3}, {8, 8, 8, 8},
};
#define SILENT  addrtab[1]      // 10.0.2.99: nobody answers
#define HOST    addrtab[0]

static int
hostportok(uint port)
{
  return (port & 0xFFFF) == hostport || (port & 0xFFFF) == 1;
}

// May packets go to the address at p (readable), port port?
static int
outsafe(uint p, uint port)
{
  uchar *a = (uchar*)p;

  if(a[0] != 10 || a[1] != 0 || a[2] != 2)
    return 0;
  if(a[3] == 2)
    return hostportok(port);
  return a[3] != 0 && a[3] != 3 && a[3] != 255;
}

// Does a TCP connect to p, port answer at once (the host's refusal or
// its listener)?
static int
fastpeer(uint p, uint port)
{
  uchar *a = (uchar*)p;

  return a[0] == 10 && a[1] == 0 && a[2] == 2 && a[3] == 2 && hostportok(port);
}

// A pointer for an address argument: the table, 0, a bad pointer, the
// last 1..3 bytes of memory, or a copy in vbuf.
static uint
addrval(void)
{
  uint k, p;

  switch(below(12)){
  case 0:  return 0;
  case 1:  return badaddr();
  case 2:
    k = 1 + below(3);
    memmove((char*)(cursz - k), SILENT, k);
    return cursz - k;
  case 3:
    p = goodbuf(INADDR_LEN);
    memmove((char*)p, addrtab[below(NELEM(addrtab))], INADDR_LEN);
    return p;
  case 4:
  case 5:  return (uint)HOST;
  default: return (uint)addrtab[below(NELEM(addrtab))];
  }
}

static uint
lenval(void)
{
  static uint lens[] = { 0, 3, 5, 8, 16, -1, -4, 0x80000000, 0x7FFFFFFF, 0x10004 };

  if(chance(70))
    return INADDR_LEN;
  return chance(90) ? lens[below(NELEM(lens))] : rnd();
}

static uint
portval(void)
{
  static uint ports[] = { 0, 1, 7, 9, 19, 65535, 65536, 0x10000 + LISTENPORT, -1, 0x80000000 };

  switch(below(6)){
  case 0:  return LISTENPORT;
  case 1:  return hostport;
  case 2:  return below(65536);
  case 3:  return rnd();
  default: return ports[below(NELEM(ports))];
  }
}

static uint
flagval(void)
{
  static uint flags[] = { 0, -1, 2, 3, 0x40, 0x80000001, 0x100 };

  if(chance(50))
    return MSG_DONTWAIT;
  return chance(90) ? flags[below(NELEM(flags))] : rnd();
}

static uint
familyval(void)
{
  static uint fams[] = { 0, 1, 3, 10, 17, -1, 0x80000002, 0x102 };

  return chance(88) ? AF_INET : fams[below(NELEM(fams))];
}

static uint
typeval(void)
{
  static uint types[] = { 0, 3, 4, 5, -1, 0x80000001, 0x101, 0x800 | SOCK_STREAM };

  if(chance(90))
    return chance(50) ? SOCK_STREAM : SOCK_DGRAM;
  return types[below(NELEM(types))];
}

static uint
protoval(void)
{
  static uint protos[] = { 1, 255, 256 + IPPROTO_TCP, -1, 0x80000000 };

  switch(below(8)){
  case 0:
  case 1:
  case 2:  return 0;
  case 3:
  case 4:  return IPPROTO_TCP;
  case 5:
  case 6:  return IPPROTO_UDP;
  default: return protos[below(NELEM(protos))];
  }
}

// An open socket descriptor the predicate likes, or -1.
static int
picksock(int (*ok)(int))
{
  int i, fd, start = below(NOFILE);

  for(i = 0; i < NOFILE; i++){
    fd = (start + i) % NOFILE;
    if(fds[fd].kind == K_SOCK && ok(fd))
      return fd;
  }
  return -1;
}

static int anysock(int fd) { return 1; }
static int tcpnew(int fd) { return !fds[fd].udp && fds[fd].sk <= SK_BOUND; }
static int listener(int fd) { return fds[fd].sk == SK_LISTEN; }
static int tcpconn(int fd) { return !fds[fd].udp && fds[fd].sk == SK_CONN; }

static uint
sockfdval(void)
{
  int fd;

  if(chance(65) && (fd = picksock(anysock)) >= 0)
    return fd;
  return fdval();
}

// A descriptor set: 0, a bad pointer, the last bytes of memory, or one
// in vbuf holding random bits, the open descriptors or some of them.
static uint
setval(void)
{
  uint p, bits;
  int i;

  switch(below(10)){
  case 0:
  case 1:  return 0;
  case 2:  return badaddr();
  case 3:  return cursz - 1 - below(3);
  }
  bits = 0;
  switch(below(4)){
  case 0:  bits = rnd(); break;
  case 1:  bits = chance(50) ? 0xFFFFFFFF : 0; break;
  default:
    for(i = 0; i < NOFILE; i++)
      if(fds[i].kind != K_NONE && (fds[i].kind == K_SOCK || chance(30)) && chance(70))
        bits |= 1u << i;
  }
  p = goodbuf(sizeof(fd_set));
  memmove((char*)p, &bits, sizeof(bits));
  return p;
}

static uint
maxval(void)
{
  static uint maxes[] = { 0, 1, NOFILE, NOFILE + 1, FD_SETSIZE, FD_SETSIZE + 1, 64, 1024,
                          -1, 0x80000000, 0x7FFFFFFF };

  if(chance(40))
    return chance(50) ? NOFILE : lastfd + 1;
  return chance(50) ? below(FD_SETSIZE + 1) : maxes[below(NELEM(maxes))];
}

// A timeout: 0 (none), a bad pointer, the end of memory, or a timeval in
// vbuf: zero, short, negative, huge.
static uint
tvval(void)
{
  static int tvs[][2] = {
    { 0, 0 }, { 0, 1 }, { 0, 999 }, { 0, -1 }, { -1, 0 }, { 0x80000000, 0x80000000 },
    { 0, 999999 }, { 0, 1000000 }, { 0, 0x7FFFFFFF }, { 1, 0 }, { 0x7FFFFFFF, 0 },
    { 1000000, 0 }, { -1, 0x7FFFFFFF }, { 4294967, 295000 },
  };
  struct timeval tv;
  uint p;

  switch(below(10)){
  case 0:  return 0;
  case 1:  return badaddr();
  case 2:  return cursz - 4 - below(4);
  case 3:
  case 4:
  case 5:
    tv.tv_sec = 0;
    tv.tv_usec = below(SHORTUSEC);
    break;
  default:
    tv.tv_sec = tvs[below(NELEM(tvs))][0];
    tv.tv_usec = tvs[below(NELEM(tvs))][1];
  }
  p = goodbuf(sizeof(tv));
  memmove((char*)p, &tv, sizeof(tv));
  return p;
}

static uint
offval(void)
{
  static uint offs[] = { 0, 1, 5, 6, 7, 13, 14, 1024, -1, 0x80000000, 0x7FFFFFFF };

  return chance(85) ? offs[below(NELEM(offs))] : rnd();
}

// Arguments that suit the lab-4 call c->num.
static void
socktyped(struct call *c)
{
  uint *a = c->a;

  switch(c->num){
  case SYS_socket:
    a[0] = familyval(); a[1] = typeval(); a[2] = protoval();
    break;
  case SYS_bind:
  case SYS_connect:
    a[0] = sockfdval(); a[1] = addrval(); a[2] = portval(); a[3] = lenval();
    break;
  case SYS_listen:
    a[0] = sockfdval();
    break;
  case SYS_accept:
    a[0] = sockfdval();
    a[1] = chance(30) ? 0 : ptrfor(INADDR_LEN);
    a[2] = chance(30) ? 0 : ptrfor(sizeof(ushort));
    a[3] = lenval();
    break;
  case SYS_send:
  case SYS_recv:
  case SYS_sendto:
  case SYS_recvfrom:
    a[0] = sockfdval(); a[2] = sizeval(); a[1] = ptrfor(a[2]); a[3] = flagval();
    if(c->num == SYS_sendto){
      a[4] = addrval(); a[5] = portval(); a[6] = lenval();
    } else if(c->num == SYS_recvfrom){
      a[4] = chance(30) ? 0 : ptrfor(INADDR_LEN);
      a[5] = chance(30) ? 0 : ptrfor(sizeof(ushort));
      a[6] = lenval();
    }
    break;
  case SYS_select:
    a[0] = maxval(); a[1] = setval(); a[2] = setval(); a[3] = setval(); a[4] = tvval();
    break;
  case SYS_seek:
    a[0] = fdval(); a[1] = offval();
    break;
  }
}

// Would a read from socket fd wait? Asked of select with a 1 ms limit.
static int
readable(int fd)
{
  static struct timeval tv;
  fd_set rd;

  if(fd < 0 || fd >= NOFILE || fds[fd].busy)
    return 0;
  FD_ZERO(&rd);
  FD_SET(fd, &rd);
  tv.tv_sec = 0;
  tv.tv_usec = 1000;
  return select(fd + 1, &rd, 0, 0, &tv) == 1;
}

// May a receive on fd wait (and so must be made one that cannot)?
static int
recvwaits(uint fd)
{
  int k;

  if(!isopen(fd))
    return 0;
  k = fds[fd].kind;
  if(k == K_SOCK)
    return !readable(fd);
  return k == K_CONS || k == K_UNKNOWN || (k == K_PIPER && pipebytes[(int)fds[fd].pipe] == 0);
}

// May the select in c wait longer than SHORTUSEC? It fails at once when
// a set names a closed descriptor below max or cannot be read.
static int
selectwaits(struct call *c)
{
  uint *a = c->a, bits;
  struct timeval *tv;
  int max = a[0], k, fd;

  if(max < 0 || max > FD_SETSIZE)
    return 0;
  for(k = 1; k <= 3; k++){
    if(a[k] == 0)
      continue;
    if(max > 0 && !rangeok(a[k], sizeof(fd_set)))
      return 0;
    if(!rangeok(a[k], sizeof(fd_set)))
      continue;
    bits = *(uint*)a[k];
    for(fd = 0; fd < max; fd++)
      if(((bits >> fd) & 1) && !isopen(fd))
        return 0;
  }
  if(a[4] == 0)
    return 1;
  if(!rangeok(a[4], sizeof(*tv)))
    return 0;
  tv = (struct timeval*)a[4];
  return tv->tv_sec > 0 || (tv->tv_sec == 0 && tv->tv_usec > SHORTUSEC);
}

// Change a lab-4 call that could block the child, or send packets where
// they must not go.
static void
sockdefuse(struct call *c)
{
  static struct timeval shorttv;
  uint *a = c->a, fd = a[0];
  int n = a[2];

  switch(c->num){
  case SYS_connect:
    if(!rangeok(a[1], INADDR_LEN))
      break;
    if(isopen(fd) && fds[fd].kind == K_SOCK && fds[fd].udp){
      if(!outsafe(a[1], a[2]))
        a[1] = (uint)SILENT;
    } else if(!fastpeer(a[1], a[2])){
      a[1] = (uint)HOST;
      a[2] = chance(50) ? hostport : 1;
    }
    break;
  case SYS_sendto:
    if(rangeok(a[4], INADDR_LEN) && !outsafe(a[4], a[5]))
      a[4] = (uint)SILENT;
    // fall through
  case SYS_send:
    if(isopen(fd) && fds[fd].kind == K_SOCK && !fds[fd].udp && !(a[3] & MSG_DONTWAIT) &&
       (fds[fd].busy || fds[fd].sent + n > SENDBUDGET))
      a[3] |= MSG_DONTWAIT;
    break;
  case SYS_write:
    if(isopen(fd) && fds[fd].kind == K_SOCK && !fds[fd].udp &&
       (fds[fd].busy || fds[fd].sent + n > SENDBUDGET))
      a[1] = badaddr();
    break;
  case SYS_read:
    if(isopen(fd) && fds[fd].kind == K_SOCK && n != 0 && !readable(fd))
      a[1] = badaddr();
    break;
  case SYS_recvfrom:
    protect(&a[4], INADDR_LEN);
    protect(&a[5], sizeof(ushort));
    // fall through
  case SYS_recv:
    protect(&a[1], n);
    if(!(a[3] & MSG_DONTWAIT) && recvwaits(fd)){
      if(isopen(fd) && fds[fd].kind == K_SOCK)
        a[3] |= MSG_DONTWAIT;
      else {
        a[2] = 1 + below(100);
        a[1] = badaddr();
      }
    }
    break;
  case SYS_accept:
    protect(&a[1], INADDR_LEN);
    protect(&a[2], sizeof(ushort));
    if(isopen(fd) && (fds[fd].kind == K_UNKNOWN ||
       (fds[fd].kind == K_SOCK && !fds[fd].udp && fds[fd].sk >= SK_LISTEN && fds[fd].sk != SK_CONN))
       && !readable(fd))
      a[0] = NOFILE + below(4);
    break;
  case SYS_select:
    protect(&a[1], sizeof(fd_set));
    protect(&a[2], sizeof(fd_set));
    protect(&a[3], sizeof(fd_set));
    protect(&a[4], sizeof(struct timeval));
    if(selectwaits(c)){
      shorttv.tv_sec = 0;
      shorttv.tv_usec = below(SHORTUSEC);
      a[4] = (uint)&shorttv;
    }
    break;
  }
}

static int
popcount(uint x)
{
  int n;

  for(n = 0; x; x &= x - 1)
    n++;
  return n;
}

// Could fd be a socket, as far as the child knows?
static int
maybesock(uint fd)
{
  return isopen(fd) && (fds[fd].kind == K_SOCK || fds[fd].kind == K_UNKNOWN);
}

static int
isudp(uint fd)
{
  return isopen(fd) && fds[fd].kind == K_SOCK && fds[fd].udp;
}

static void
checkselect(struct call *c, int r, uint *before)
{
  uint *a = c->a, bits;
  int max = a[0], k, fd, n;

  if(r == -1)
    return;
  if(max < 0 || max > FD_SETSIZE)
    unexpected(c, r, "select with max outside 0..FD_SETSIZE");
  if(a[4] != 0 && !rangeok(a[4], sizeof(struct timeval)))
    unexpected(c, r, "bad timeout pointer accepted");
  n = 0;
  for(k = 1; k <= 3; k++){
    if(a[k] == 0)
      continue;
    if(!rangeok(a[k], sizeof(fd_set)))
      unexpected(c, r, "bad fd_set pointer accepted");
    for(fd = 0; fd < max; fd++)
      if(((before[k] >> fd) & 1) && !isopen(fd))
        unexpected(c, r, "a closed descriptor in a set accepted");
    bits = *(uint*)a[k];
    if(bits & ~before[k])
      unexpected(c, r, "a set gained a descriptor");
    n += popcount(bits);
  }
  if(r != n)
    unexpected(c, r, "select's count is not the number of bits left in its sets");
}

static void
checkseek(struct call *c, int r)
{
  struct stat st;
  uint fd = c->a[0];
  int off = c->a[1], k;

  if(r == -1)
    return;
  if(!isopen(fd))
    unexpected(c, r, "seek of a closed fd");
  k = fds[fd].kind;
  if(k == K_PIPER || k == K_PIPEW || k == K_SOCK)
    unexpected(c, r, "seek of a pipe or socket");
  if(off < 0 || r != off)
    unexpected(c, r, "seek did not return its offset");
  if(k == K_FILE && fstat(fd, &st) == 0 && (uint)off > st.size)
    unexpected(c, r, "seek past the end of the file");
}

// Judge the answer r to lab-4 call c; before holds select's sets as they
// were passed. Counts the calls that worked in tally.
static void
sockcheck(struct call *c, int r, uint *before)
{
  uint *a = c->a, fd = a[0];
  int n = a[2];

  if(r != -1 && c->num >= SYS_seek && c->num <= SYS_recvfrom)
    tally++;
  switch(c->num){
  case SYS_socket:
    if(r == -1)
      break;
    if(a[0] != AF_INET || (a[1] != SOCK_STREAM && a[1] != SOCK_DGRAM) ||
       (a[2] != 0 && a[2] != (a[1] == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP)))
      unexpected(c, r, "socket with a bad family, type or protocol");
    if(r != lowestfree())
      unexpected(c, r, "socket did not give the lowest free fd");
    break;
  case SYS_bind:
  case SYS_connect:
    if(r != -1 && (!maybesock(fd) || a[3] != INADDR_LEN || !rangeok(a[1], INADDR_LEN)))
      unexpected(c, r, "bad descriptor, address or length accepted");
    break;
  case SYS_listen:
    if(r != -1 && (!maybesock(fd) || isudp(fd)))
      unexpected(c, r, "listen on no TCP socket");
    break;
  case SYS_accept:
    if(r == -1)
      break;
    if(!maybesock(fd) || isudp(fd) ||
       (fds[fd].kind == K_SOCK && fds[fd].sk != SK_LISTEN && fds[fd].sk != SK_UNKNOWN))
      unexpected(c, r, "accept on no listening socket");
    if((a[1] && (!rangeok(a[1], INADDR_LEN) || a[3] != INADDR_LEN)) ||
       (a[2] && !rangeok(a[2], sizeof(ushort))))
      unexpected(c, r, "bad address, port or length accepted");
    if(r != lowestfree())
      unexpected(c, r, "accept did not give the lowest free fd");
    break;
  case SYS_sendto:
  case SYS_recvfrom:
    if(r != -1 && isudp(fd) && a[4] &&
       (!rangeok(a[4], INADDR_LEN) || a[6] != INADDR_LEN))
      unexpected(c, r, "bad address or length accepted");
    if(r != -1 && isudp(fd) && c->num == SYS_recvfrom && a[5] && !rangeok(a[5], sizeof(ushort)))
      unexpected(c, r, "bad port pointer accepted");
    // fall through
  case SYS_send:
  case SYS_recv:
    if(r != -1 && (!isopen(fd) || n < 0 || (n > 0 && !rangeok(a[1], n))))
      unexpected(c, r, "bad descriptor, size or buffer accepted");
    if(r < -1 || (r >= 0 && r > n))
      unexpected(c, r, "count out of range");
    if((a[3] & MSG_DONTWAIT) && uptime() - callstart > DONTWAITMS)
      unexpected(c, r, "a MSG_DONTWAIT call waited");
    break;
  case SYS_select:
    checkselect(c, r, before);
    break;
  case SYS_seek:
    checkseek(c, r);
    break;
  }
}

// Set field state of every descriptor of fd's socket.
static void
setsk(int fd, int sk, int busy)
{
  int i, sid = fds[fd].sid;

  for(i = 0; i < NOFILE; i++){
    if(fds[i].kind == K_SOCK && fds[i].sid == sid){
      if(sk >= 0)
        fds[i].sk = sk;
      fds[i].busy |= busy;
    }
  }
}

static void
newsockfd(int fd, int udp, int sk)
{
  fds[fd] = (struct fdinfo){ K_SOCK, 0, ++nsid, udp, sk, 0, 0 };
  lastfd = fd;
}

// Update the child's picture after lab-4 call c returned r.
static void
socktrack(struct call *c, int r)
{
  uint *a = c->a, fd = a[0];

  switch(c->num){
  case SYS_socket:
    if(r >= 0 && r < NOFILE)
      newsockfd(r, a[1] == SOCK_DGRAM, SK_NEW);
    break;
  case SYS_accept:
    if(r >= 0 && r < NOFILE)
      newsockfd(r, 0, SK_CONN);
    break;
  }
  if(!isopen(fd) || fds[fd].kind != K_SOCK)
    return;
  switch(c->num){
  case SYS_bind:
    if(r == 0 && fds[fd].sk == SK_NEW)
      setsk(fd, SK_BOUND, 0);
    break;
  case SYS_listen:
    if(r == 0)
      setsk(fd, SK_LISTEN, 0);
    break;
  case SYS_connect:
    if(r == 0)
      setsk(fd, SK_CONN, 0);
    else if(!fds[fd].udp)
      setsk(fd, SK_UNKNOWN, 0);
    break;
  case SYS_send:
  case SYS_write:
    if(r > 0 && !fds[fd].udp)
      fds[fd].sent += r;
    break;
  }
}

// A new socket of the child's, or -1: a listener on LISTENPORT (or any
// port, if that is taken) when listen is set.
static int
makesock(int udp, int listen_)
{
  static uchar any[INADDR_LEN];
  int fd;

  if((fd = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0)) < 0 || fd >= NOFILE)
    return -1;
  newsockfd(fd, udp, SK_NEW);
  if(!listen_)
    return fd;
  if(bind(fd, any, LISTENPORT, INADDR_LEN) < 0 && bind(fd, any, 0, INADDR_LEN) < 0)
    return fd;
  fds[fd].sk = SK_BOUND;
  if(listen(fd) == 0)
    fds[fd].sk = SK_LISTEN;
  return fd;
}

// Arguments for a blocker's call: one that may wait. Returns the
// socket it uses, or -1.
static int
blockargs(struct call *c)
{
  static ushort port;
  uint *a = c->a;
  int fd = -1;

  switch(below(6)){
  case 0:   // connect to an address that never answers, or to the host
    if((fd = picksock(tcpnew)) < 0)
      fd = makesock(0, 0);
    c->num = SYS_connect;
    a[0] = fd;
    a[1] = chance(75) ? (uint)addrtab[1 + below(4)] : (uint)HOST;
    a[2] = chance(50) ? hostport : portval();
    if(!outsafe(a[1], a[2]))
      a[1] = (uint)SILENT;
    a[3] = INADDR_LEN;
    break;
  case 1:
    if((fd = picksock(listener)) < 0)
      fd = makesock(0, 1);
    c->num = SYS_accept;
    a[0] = fd;
    a[1] = chance(50) ? 0 : goodbuf(INADDR_LEN);
    a[2] = chance(50) ? 0 : (uint)&port;
    a[3] = INADDR_LEN;
    break;
  case 2:
    if((fd = picksock(anysock)) < 0)
      fd = makesock(chance(50), 0);
    c->num = chance(50) ? SYS_recv : chance(50) ? SYS_read : SYS_recvfrom;
    a[0] = fd;
    a[2] = 1 + below(600);
    a[1] = goodbuf(a[2]);
    a[4] = chance(50) ? 0 : goodbuf(INADDR_LEN);
    a[5] = chance(50) ? 0 : (uint)&port;
    a[6] = INADDR_LEN;
    break;
  case 3:
    if((fd = picksock(tcpconn)) < 0 && (fd = picksock(anysock)) < 0)
      return -1;
    c->num = chance(50) ? SYS_send : SYS_write;
    a[0] = fd;
    a[1] = (uint)vbuf;
    a[2] = VBUFSIZE;
    break;
  case 4:
    c->num = SYS_select;
    a[0] = chance(50) ? NOFILE : FD_SETSIZE;
    a[1] = setval(); a[2] = setval(); a[3] = setval();
    a[4] = chance(60) ? 0 : tvval();
    break;
  default:  // any socket call, fuzzed, that may wait
    c->num = SYS_seek + below(SYS_recvfrom - SYS_seek + 1);
    socktyped(c);
    if(c->num == SYS_connect && rangeok(a[1], INADDR_LEN) && !outsafe(a[1], a[2]))
      a[1] = (uint)SILENT;
    if(c->num == SYS_sendto && rangeok(a[4], INADDR_LEN) && !outsafe(a[4], a[5]))
      a[4] = (uint)SILENT;
    fd = maybesock(a[0]) && fds[a[0]].kind == K_SOCK ? a[0] : -1;
    break;
  }
  if(c->num == SYS_accept || c->num == SYS_recvfrom || c->num == SYS_recv)
    protect(&a[1], c->num == SYS_accept ? INADDR_LEN : (int)a[2]);
  return fd;
}

// The keeper of a blocker: kill it after ms, and tell if it does not end.
static void
keeper(struct call *c, int ms)
{
  int b, g, w, i, fd;

  if((b = fork()) == 0){
    rawcall(c->num, c->a);
    exit(0);
  }
  for(i = 0; i < NOFILE; i++)
    close(i);
  if(b < 0)
    exit(0);
  sleep(ms);
  kill(b);
  if((g = fork()) == 0){
    sleep(KILLGRACE);
    exit(0);
  }
  w = wait(0);
  if(g > 0 && w != b){
    fd = open("/dev/console", O_WRONLY);
    fprintf(fd, "sysfuzz: unexpected: call %d(0x%x, 0x%x, 0x%x) still blocked %d ms after "
            "kill (seed %d batch %d call %d, a blocker)\n", c->num, c->a[0], c->a[1], c->a[2],
            KILLGRACE, seed, batchno, ncalls);
    exit(BUGSTATUS);
  }
  if(g > 0){
    kill(g);
    wait(0);
  }
  exit(0);
}

// Start a blocker on one of the child's sockets, which the child then
// never waits on.
static void
startblocker(void)
{
  struct call c;
  int fd, ms, k;

  if(nkeep >= NKEEP)
    return;
  memset(&c, 0, sizeof(c));
  fd = blockargs(&c);
  if(c.num == 0)
    return;
  ms = 20 + below(BLOCKMS);
  nkeep++;
  if((k = fork()) == 0)
    keeper(&c, ms);
  if(k > 0 && fd >= 0 && fd < NOFILE && fds[fd].kind == K_SOCK)
    setsk(fd, c.num == SYS_connect || c.num == SYS_accept ? SK_UNKNOWN : -1, 1);
}

// Before the child exits: wait for its keepers (and any other children).
static void
endblockers(void)
{
  if(nkeep > 0)
    while(wait(0) >= 0)
      ;
}

// The kernel's count of open sockets, from /dev/netinfo, or -1 if it
// prints none.
static int
netsockets(void)
{
  static char buf[1025];
  char *p;
  int fd, n;

  if((fd = open("/dev/netinfo", O_RDONLY)) < 0)
    return -1;
  n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  if(n <= 0)
    return -1;
  buf[n] = 0;
  for(p = buf; *p; p++)
    if(strncmp(p, "sockets ", 8) == 0 && (p == buf || p[-1] == ' ' || p[-1] == '\n'))
      return atoi(p + 8);
  return -1;
}
// LAB 4: END

// The child: BATCH calls, then exit with batchstatus().
static void
fuzzchild(void)
{
  struct call c;
  int i, r;
// LAB 4: BEGIN
  uint before[4];
  int k;
// LAB 4: END

  mypid = getpid();
  cursz = (uint)sbrk(0);
  lastuptime = uptime();
  for(i = 0; i < NOFILE; i++)
    fds[i].kind = i < 3 ? K_CONS : K_NONE;
  for(i = 0; i < BATCH; i++){
// LAB 4: BEGIN
    if(chance(2))
      startblocker();
// LAB 4: END
    makecall(&c);
// LAB 4: BEGIN
    for(k = 1; k < 4; k++)
      before[k] = rangeok(c.a[k], sizeof(fd_set)) ? *(uint*)c.a[k] : 0;
    callstart = uptime();
// LAB 4: END
    if(c.badstack)
      r = rawcall_sp(c.num, c.sp);
    else
      r = rawcall(c.num, c.a);
    if(c.num == SYS_fork && r == 0)
      exit(0);                        // the grandchild
    ncalls++;
    if(c.num < NUMLIMIT && c.nslots < nargs[c.num] && c.num != SYS_exit){
      if(r != -1)
        unexpected(&c, r, "arguments beyond the end of memory accepted");
    } else {
      check(&c, r);
// LAB 4: BEGIN
      sockcheck(&c, r, before);
// LAB 4: END
    }
    track(&c, r);
  }
// LAB 4: BEGIN
  endblockers();
// LAB 4: END
  exit(batchstatus(ncalls));
}

// ---------------------------------------------------------------- parent

static void
mkfile(char *path, char *data)
{
  int fd = open(path, O_CREATE|O_WRONLY|O_TRUNC);

  if(fd >= 0){
    write(fd, data, strlen(data));
    close(fd);
  }
}

// Make /fz and what the typed paths expect in it, and go there.
static void
setupfz(int full)
{
  mkdir("/fz");
  if(chdir("/fz") < 0){
    printf("sysfuzz: cannot make /fz\n");
    exit(1);
  }
  if(!full)
    return;
  mkfile("f0", "hello\n");
  mkfile("f1", "");
  mkdir("d0");
  mkfile("d0/f", "a file in d0\n");
  mkdir("d0/d");
  mknod("c1", 1, 0);      // the console (CONSOLE in kernel/file.h)
  mknod("n2", 2, 0);      // the NIC's frames (ETHER)
  mknod("dx", 9, 0);      // a major number without a driver
}

// Remove everything under the current directory without recursion (the
// stack is one page): enter any directory that will not go, come back up
// when one is empty, scan again. Returns 0 if all went.
static int
emptyhere(void)
{
  static struct dirent de;
  static char name[DIRSIZ + 1];
  int fd, depth, steps, entered;

  depth = 0;
  for(steps = 0; steps < 20000; steps++){
    if((fd = open(".", O_RDONLY)) < 0)
      return -1;
    entered = 0;
    while(read(fd, &de, sizeof(de)) == sizeof(de)){
      if(de.inum == 0)
        continue;
      memmove(name, de.name, DIRSIZ);
      name[DIRSIZ] = 0;
      if(strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        continue;
      if(unlink(name) == 0)
        continue;
      if(chdir(name) == 0){
        entered = 1;
        depth++;
        break;
      }
    }
    close(fd);
    if(entered)
      continue;
    if(depth == 0)
      return 0;
    chdir("..");
    depth--;
  }
  return -1;
}

// Empty /fz; stay in it.
static void
cleanfz(void)
{
  setupfz(0);
  if(emptyhere() < 0)
    printf("sysfuzz: cannot empty /fz\n");
  chdir("/fz");
}

// Free inodes and disk blocks, by filling the (empty) current directory:
// empty files until creates fail, then (those removed) files written a
// block at a time until writes fail. Everything is removed again.
static void
countdisk(int *blocks, int *inodes)
{
  static char name[8];
  int i, fd, nb, n;

  name[0] = 'c';
  for(i = 0; i < 1000; i++){
    name[1] = '0' + i / 100;
    name[2] = '0' + i / 10 % 10;
    name[3] = '0' + i % 10;
    if((fd = open(name, O_CREATE|O_WRONLY)) < 0)
      break;
    close(fd);
  }
  *inodes = i;
  emptyhere();

  memset(vbuf, 'D', BSIZE);
  nb = 0;
  for(i = 0; i < 1000; i++){
    name[1] = '0' + i / 100;
    name[2] = '0' + i / 10 % 10;
    name[3] = '0' + i % 10;
    if((fd = open(name, O_CREATE|O_WRONLY)) < 0)
      break;
    for(n = 0; n < MAXFILE && write(fd, vbuf, BSIZE) == BSIZE; n++)
      ;
    close(fd);
    nb += n;
    if(n < MAXFILE)
      break;              // the disk is full, not just this file
  }
  *blocks = nb;
  emptyhere();
}

// Run batch b with a child seeded from s and a watchdog. Returns the
// child's exit status; *timedout says whether the watchdog fired.
static int
runbatch(int b, uint s, int *timedout)
{
  int pid;

  batchno = b;
  if((pid = fuzz_fork("sysfuzz")) == 0){
    rngstate = s;
    fuzzchild();
  }
  return fuzz_wait("sysfuzz", pid, WATCHDOG, timedout);
}

static void
fillpattern(void)
{
  int i;

  for(i = 0; i < PGSIZE; i++)
    pattern[i] = i * 7 + 3;
}

static int
patternok(void)
{
  int i;

  for(i = 0; i < PGSIZE; i++)
    if(pattern[i] != (char)(i * 7 + 3))
      return 0;
  return 1;
}

// Random strings, mostly letters, some slashes and dots, NULs between.
static void
fillvbuf(void)
{
  static char chars[] = "abcdefghijklmnopqrstuvwxyz0123456789/./.fz";
  int i;

  for(i = 0; i < VBUFSIZE; i++)
    vbuf[i] = chance(12) ? 0 : chars[below(sizeof(chars) - 1)];
  memset(longpath, 'p', sizeof(longpath) - 1);
}

int
main(int argc, char *argv[])
{
  int iters, nbatch, b, st, calls, tallied, early, bugs, timeouts, t, fd;
  int free0, free1, blk0, blk1, ino0, ino1;
  uint stackpage;
// LAB 4: BEGIN
  int sock0, sock1, i;
// LAB 4: END

  if(argc < 3){
    fprintf(2, "usage: sysfuzz SEED ITERATIONS\n");
    exit(1);
  }
  seed = atoi(argv[1]);
  iters = atoi(argv[2]);
  nbatch = (iters + BATCH - 1) / BATCH;
  rngstate = seed * 2654435761U + 1;
  if(rngstate == 0)
    rngstate = 1;
// LAB 4: BEGIN
  if(argc > 3)
    hostport = atoi(argv[3]) & 0xFFFF;
// LAB 4: END
// LAB 5: BEGIN
  if(argc > 4 && (nfsport = atoi(argv[4]) & 0xFFFF) != 0)
    setuprpaths();
// LAB 5: END

  // The memory map the child judges pointers by.
  stackpage = (uint)&argc & ~(PGSIZE - 1);
  guardpg = stackpage - PGSIZE;
  sbrk(HEAPSIZE);
  heapfloor = stackpage + 2 * PGSIZE;
  for(fd = 3; fd < NOFILE; fd++)
    close(fd);
  fillpattern();

  setupfz(0);
  cleanfz();
  free0 = fuzz_freepages("sysfuzz");
  countdisk(&blk0, &ino0);
  setupfz(1);
// LAB 5: BEGIN
  nfsconnect();
// LAB 5: END
// LAB 4: BEGIN
  sock0 = netsockets();
// LAB 4: END

  calls = tallied = early = bugs = timeouts = 0;
  for(b = 0; b < nbatch; b++){
    fillvbuf();
    st = runbatch(b, rnd() | 1, &t);
    timeouts += t;
    if(st >= 1000 && (st - 1000) % 128 <= BATCH){
      calls += (st - 1000) % 128;
      tallied += (st - 1000) / 128;
    } else if(st == BUGSTATUS)
      bugs++;
    else if(st == FUZZ_STUCK){
      bugs++;
      break;              // the child never ends: what follows would hang
    } else
      early++;
    if(!patternok()){
      printf("sysfuzz: unexpected: the parent's memory changed (seed %d batch %d)\n", seed, b);
      fillpattern();
      bugs++;
    }
    if(b % CLEANEVERY == CLEANEVERY - 1 && b + 1 < nbatch){
      cleanfz();
      setupfz(1);
    } else {
      setupfz(0);
    }
  }

  cleanfz();
  sleep(100);       // let init reap the last orphans
// LAB 4: BEGIN
  sleep(BLOCKMS + KILLGRACE);   // and the keepers of children that ended early
// LAB 4: END
// LAB 5: BEGIN
  nfsconnect();
// LAB 5: END
// LAB 4: BEGIN
  sock1 = netsockets();
  for(i = 0; i < 20 && sock1 > sock0; i++){
    sleep(100);
    sock1 = netsockets();
  }
// LAB 4: END
  free1 = fuzz_freepages("sysfuzz");
  countdisk(&blk1, &ino1);
  chdir("/");
  if(unlink("/fz") < 0)
    printf("sysfuzz: cannot remove /fz\n");
  printf("sysfuzz: %d batches, %d ended early (killed or faulted), %d timed out, %d bad answers\n",
         nbatch, early, timeouts, bugs);
  printf("sysfuzz: free pages %d before, %d after; free blocks %d, %d; free inodes %d, %d\n",
         free0, free1, blk0, blk1, ino0, ino1);
  if(free1 < free0 || blk1 != blk0 || ino1 != ino0)
    printf("sysfuzz: unexpected: resources lost\n");
// LAB 4: BEGIN
  printf("sysfuzz: %d socket, select and seek calls worked; open sockets %d before, %d after\n",
         tallied, sock0, sock1);
  if(sock1 != sock0)
    printf("sysfuzz: unexpected: sockets lost (seed %d)\n", seed);
// LAB 4: END
  printf("sysfuzz: %d done %d calls\n", seed, calls);
  exit(bugs ? 1 : 0);
}
