// execfuzz: feed exec() malformed ELF files.
//
//   execfuzz SEED N [PROGRAM]
//
// exec() parses a file that any user can write, so it must treat every
// field as hostile: it either refuses the file (returns -1, leaving the
// caller as it was) or starts a process that runs or dies by itself; the
// kernel must never crash, hang or lose memory. execfuzz reads a real
// program (/echo unless PROGRAM is given), lays out a compact copy of it
// (file header, room for MAXPH program headers, then the bytes of its
// loadable segments) and N times writes a mutated copy to /fz/e and execs
// it in a child. The first copy is not mutated: it must run, which shows
// the harness works.
//
// The mutations (mutate()) aim at the loader's arithmetic: random bytes
// in the file and program headers, truncation, filesz > memsz, segments
// reaching into the kernel or wrapping around, huge memsz, file offsets
// beyond the file, absurd phnum and phoff, overlapping and out-of-order
// segments, wild entry points. Every choice comes from a xorshift32
// generator seeded with SEED, so a failure can be repeated.
//
// The child execs with an empty argv, so argc is 0: a mutated entry point
// that lands on a system-call stub passes 0 as the first argument, and
// kill(0), unlink(0) and the like do nothing. A child whose exec fails
// exits with EXECFAILED; a watchdog kills one that runs too long.
//
// Some files no correct loader may accept (mustrefuse()): shorter than a
// file header, a wrong magic number, a program-header table or segment
// beyond the end of the file, a loadable segment with filesz > memsz or
// reaching past the top of user memory. If exec runs one of those, the
// parent prints "execfuzz: unexpected: ...". Before and after the run the
// parent counts the memory pages a new process can get; a failed exec
// must give back everything it allocated.

#include "types.h"
#include "stat.h"
#include "fcntl.h"
#include "elf.h"
#include "user.h"
#include "fuzz.h"

#define MAXPH       8           // program-header slots in the copy
#define PHOFF       64          // where the program headers go
#define SEGOFF      512         // where the segments' bytes go
#define IMGMAX      (64 * 1024) // largest copy
#define EXECFAILED  200         // a child's status when exec returned
#define WATCHDOG    1000        // ms a mutant may run
#define PGSIZE      4096
#define KERNBASE    0x80000000U
#define NELEM(a)    (sizeof(a) / sizeof((a)[0]))

static int seed;

static char orig[IMGMAX];       // the program as read
static char base[IMGMAX];       // the compact, unmutated copy
static uint baselen;
static char img[IMGMAX];        // this iteration's mutant
static uint imglen;
static char *noargs[] = { 0 };

// ---------------------------------------------------------------- the copy

static struct elfhdr*
ehdr(char *f)
{
  return (struct elfhdr*)f;
}

static struct proghdr*
phdr(char *f, int i)
{
  return (struct proghdr*)(f + PHOFF + i * sizeof(struct proghdr));
}

// Read path and build the compact copy in base. Returns 0, or -1 if it
// is no program this harness can use.
static int
makebase(char *path)
{
  struct elfhdr *eh;
  struct proghdr *ph, *nph;
  int fd, n, i, nload;
  uint off;

  if((fd = open(path, O_RDONLY)) < 0)
    return -1;
  n = read(fd, orig, sizeof(orig));
  close(fd);
  eh = ehdr(orig);
  if(n < sizeof(*eh) || eh->magic != ELF_MAGIC || eh->phoff + eh->phnum * sizeof(*ph) > n)
    return -1;

  memset(base, 0, sizeof(base));
  memmove(base, orig, sizeof(*eh));
  off = SEGOFF;
  nload = 0;
  for(i = 0; i < eh->phnum; i++){
    ph = (struct proghdr*)(orig + eh->phoff + i * sizeof(*ph));
    if(ph->type != ELF_PROG_LOAD)
      continue;
    if(nload == MAXPH || ph->off + ph->filesz > n || off + ph->filesz > IMGMAX)
      return -1;
    nph = phdr(base, nload++);
    *nph = *ph;
    nph->off = off;
    memmove(base + off, orig + ph->off, ph->filesz);
    off = (off + ph->filesz + 15) & ~15;
  }
  eh = ehdr(base);
  eh->phoff = PHOFF;
  eh->phnum = nload;
  eh->phentsize = sizeof(struct proghdr);
  eh->shoff = eh->shnum = eh->shstrndx = 0;
  baselen = off;
  return nload > 0 ? 0 : -1;
}

// ---------------------------------------------------------------- mutations

// A program header to mutate: one of the loaded ones, or any slot.
static struct proghdr*
anyph(void)
{
  int n = ehdr(img)->phnum;

  if(n > 0 && n <= MAXPH && chance(80))
    return phdr(img, below(n));
  return phdr(img, below(MAXPH));
}

static uint
hugeval(void)
{
  static uint v[] = {
    0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFF000, 0x10000000, 0x07000000,
    0x00800000, 0x7FFFF000, 0x80001000,
  };

  return v[below(NELEM(v))];
}

static void
mutate(void)
{
  struct elfhdr *eh = ehdr(img);
  struct proghdr *ph, *ph2;
  uint i, n, hdrs;

  switch(below(11)){
  case 0:   // random bytes in the headers
  case 1:
    hdrs = PHOFF + MAXPH * sizeof(struct proghdr);
    n = 1 + below(8);
    for(i = 0; i < n; i++){
      if(chance(50))
        img[below(hdrs)] = rnd();
      else
        img[below(hdrs)] ^= 1 << below(8);
    }
    break;
  case 2:   // truncated, most often inside the headers
    imglen = chance(50) ? below(SEGOFF + 1) : below(imglen + 1);
    break;
  case 3:   // more in the file than in memory
    ph = anyph();
    ph->filesz = ph->memsz + 1 + below(chance(50) ? 16 : 100000);
    break;
  case 4:   // segment in or near the kernel, or not page-aligned
    ph = anyph();
    switch(below(5)){
    case 0: ph->vaddr = KERNBASE; break;
    case 1: ph->vaddr = KERNBASE + 0x100000; break;
    case 2: ph->vaddr = KERNBASE - PGSIZE; ph->memsz = 2 * PGSIZE; break;
    case 3: ph->vaddr = 0xFFFFF000; break;
    default: ph->vaddr += 1 + below(PGSIZE - 1); break;
    }
    break;
  case 5:   // huge memsz (and sometimes filesz)
    ph = anyph();
    ph->memsz = hugeval();
    if(chance(30))
      ph->filesz = ph->memsz;
    break;
  case 6:   // segment bytes beyond the end of the file, or wrapping
    ph = anyph();
    switch(below(4)){
    case 0: ph->off = imglen + below(1 << 20); break;
    case 1: ph->off = 0xFFFFFFFF - below(PGSIZE); break;
    case 2: ph->off = 0x80000000; break;
    default: ph->off = imglen - below(64); break;
    }
    break;
  case 7:   // program-header table: count and place
    if(chance(60))
      eh->phnum = chance(50) ? 0xFFFF : below(2000);
    else
      eh->phoff = chance(50) ? imglen - below(64) : hugeval();
    break;
  case 8:   // one more segment, overlapping or below the first
    n = eh->phnum;
    if(n == 0 || n >= MAXPH)
      break;
    ph = phdr(img, 0);
    ph2 = phdr(img, n);
    *ph2 = *ph;
    switch(below(4)){
    case 0: break;                                   // the same place twice
    case 1: ph2->vaddr += PGSIZE; break;             // overlapping
    case 2: ph2->vaddr = ph->vaddr >= PGSIZE ? ph->vaddr - PGSIZE : 0; break;
    default: ph2->vaddr = 0; ph2->memsz = ph->vaddr + PGSIZE; break;
    }
    if(chance(50))
      ph2->off = SEGOFF + below(imglen - SEGOFF + 1);
    if(ph2->filesz > ph2->memsz)
      ph2->filesz = ph2->memsz;
    eh->phnum = n + 1;
    break;
  case 9:   // entry point anywhere
    switch(below(5)){
    case 0: eh->entry = 0; break;
    case 1: eh->entry = KERNBASE + 0x100000; break;
    case 2: eh->entry = 0xFFFFFFFF; break;
    case 3: eh->entry += below(512); break;
    default: eh->entry = rnd(); break;
    }
    break;
  default:  // types and sizes of headers
    if(chance(50))
      anyph()->type = chance(50) ? rnd() : below(8);
    else
      eh->phentsize = chance(50) ? 0 : rnd();
    break;
  }
}

// Would every correct loader refuse img? Only what the ELF format itself
// rules out counts; a lenient kernel may accept the rest.
static int
mustrefuse(void)
{
  struct elfhdr *eh = ehdr(img);
  struct proghdr *ph;
  uint i, end;

  if(imglen < sizeof(*eh) || eh->magic != ELF_MAGIC)
    return 1;
  end = eh->phoff + eh->phnum * sizeof(*ph);
  if(eh->phnum > 0 && (end < eh->phoff || end > imglen))
    return 1;
  for(i = 0; i < eh->phnum; i++){
    ph = (struct proghdr*)(img + eh->phoff + i * sizeof(*ph));
    if(ph->type != ELF_PROG_LOAD)
      continue;
    if(ph->filesz > ph->memsz)
      return 1;
    if(ph->off + ph->filesz < ph->off || ph->off + ph->filesz > imglen)
      return 1;
    if(ph->vaddr + ph->memsz < ph->vaddr || ph->vaddr + ph->memsz > KERNBASE)
      return 1;
  }
  return 0;
}

// ---------------------------------------------------------------- running

// Write the mutant to /fz/e. Returns 0 or -1.
static int
writeimg(void)
{
  int fd, ok;

  if((fd = open("/fz/e", O_CREATE|O_WRONLY|O_TRUNC)) < 0)
    return -1;
  ok = write(fd, img, imglen) == imglen;
  close(fd);
  return ok ? 0 : -1;
}

// Exec the mutant in a child with a watchdog. Returns the child's exit
// status; *timedout says whether the watchdog killed it.
static int
runimg(int *timedout)
{
  int pid;

  if((pid = fuzz_fork("execfuzz")) == 0){
    exec("/fz/e", noargs);
    exit(EXECFAILED);
  }
  return fuzz_wait("execfuzz", pid, WATCHDOG, timedout);
}

int
main(int argc, char *argv[])
{
  int n, i, k, st, t, refused, ran, killed, timeouts, bad, free0, free1;
  char *prog;

  if(argc != 3 && argc != 4){
    fprintf(2, "usage: execfuzz SEED N [PROGRAM]\n");
    exit(1);
  }
  seed = atoi(argv[1]);
  n = atoi(argv[2]);
  prog = argc == 4 ? argv[3] : "/echo";
  rngstate = seed * 2654435761U + 7;
  if(rngstate == 0)
    rngstate = 1;
  if(makebase(prog) < 0){
    printf("execfuzz: %s is no program I can use\n", prog);
    exit(1);
  }
  mkdir("/fz");
  if(chdir("/fz") < 0){
    printf("execfuzz: cannot make /fz\n");
    exit(1);
  }
  for(i = 3; i < 16; i++)
    close(i);

  free0 = fuzz_freepages("execfuzz");
  refused = ran = killed = timeouts = bad = 0;
  for(i = 0; i < n; i++){
    memmove(img, base, baselen);
    imglen = baselen;
    if(i > 0)
      for(k = 1 + below(4); k > 0; k--)
        mutate();
    if(writeimg() < 0){
      printf("execfuzz: cannot write /fz/e\n");
      break;
    }
    st = runimg(&t);
    timeouts += t;
    if(st == EXECFAILED)
      refused++;
    else if(st == -1)
      killed++;
    else
      ran++;
    if(i == 0 && st != 0){
      printf("execfuzz: unexpected: the unmutated copy of %s ended with status %d\n", prog, st);
      bad++;
    }
    // A child killed by the watchdog may have been killed inside a slow
    // exec that would have failed; only a child that ended by itself
    // proves that exec accepted the file.
    if(st != EXECFAILED && !t && mustrefuse()){
      printf("execfuzz: unexpected: exec accepted a malformed file (seed %d iteration %d)\n",
             seed, i);
      bad++;
    }
  }
  unlink("/fz/e");
  chdir("/");
  unlink("/fz");
  sleep(100);       // let init reap orphans of mutants that forked
  free1 = fuzz_freepages("execfuzz");
  printf("execfuzz: %d refused, %d ran, %d killed, %d timed out, %d bad answers\n",
         refused, ran, killed, timeouts, bad);
  printf("execfuzz: free pages %d before, %d after\n", free0, free1);
  if(free1 < free0)
    printf("execfuzz: unexpected: memory lost\n");
  printf("execfuzz: %d done %d\n", seed, i);
  exit(bad ? 1 : 0);
}
