// usertests: a suite of tests of the kernel's system calls, run from
// user space.
//
// Each test is a function run in a forked child, so a test that crashes,
// hangs or leaves state behind (open files, memory, a changed directory)
// cannot disturb the next one. A test signals failure with fail(), which
// prints the result line and exits with FAILCODE; a child that simply
// returns passed. The parent prints "test NAME: ok", or a FAILED line for
// any other way the child ended, including being killed by a watchdog
// process after TIMEOUT milliseconds. The last line is always
//
//     usertests: P passed, F failed
//
// and the exit status is 0 only when nothing failed. Names given on the
// command line select tests (`usertests bigfile pipes`).
//
// Rules for tests: only the test process itself calls fail(); processes
// it forks report through their exit status. Files are named ut_* in the
// current directory and are removed before and after use. The stack is
// a single page, so buffers are static, not local.
//
// `usertests -exitwith N` exits with status N at once: a tiny program for
// the exec tests that needs nothing else on the file system.

#include "types.h"
#include "stat.h"
#include "fcntl.h"
#include "param.h"
#include "fs.h"
#include "user.h"

#define FAILCODE  77        // exit status of a test that called fail()
#define TIMEOUT   60000     // ms before the watchdog kills a test
#define PGSIZE    4096
#define NELEM(a)  (sizeof(a) / sizeof((a)[0]))
#define KERNADDR  ((void*)0x80000000)
#define TOPADDR   ((void*)0xffffffff)

static char *curtest;
static char buf[8192];      // scratch shared by the tests (one at a time)
static char buf2[8192];

// ---------------------------------------------------------------- helpers

static void
fail(const char *why)
{
  printf("test %s: FAILED (%s)\n", curtest, why);
  exit(FAILCODE);
}

static void
failv(const char *why, int v)
{
  printf("test %s: FAILED (%s %d)\n", curtest, why, v);
  exit(FAILCODE);
}

static void
check(int cond, const char *why)
{
  if(!cond)
    fail(why);
}

// Fork a child that runs fn and exits with fn's result; return the pid.
static int
spawn(int (*fn)(int), int arg)
{
  int pid = fork();

  if(pid < 0)
    fail("fork failed");
  if(pid == 0)
    exit(fn(arg));
  return pid;
}

// Wait for pid, the only child, and return its exit status; fail if
// wait misbehaves.
static int
waitfor(int pid)
{
  int st, w;

  st = -12345;
  w = wait(&st);
  if(w != pid)
    failv("wait returned the wrong pid:", w);
  return st;
}

// Wait for all n children in pids[] (in any order) and put each one's
// exit status in status[] at the same index.
static void
waitall(int *pids, int *status, int n)
{
  int i, left, w, st;

  for(left = n; left > 0; left--){
    w = wait(&st);
    for(i = 0; i < n; i++){
      if(pids[i] == w)
        break;
    }
    if(i == n)
      failv("wait returned an unknown pid:", w);
    status[i] = st;
  }
}

// An address about 1 MiB above the heap: never mapped.
static void*
unmapped(void)
{
  uint top = (uint)sbrk(0);

  return (void*)(((top + PGSIZE - 1) & ~(PGSIZE - 1)) + 0x100000);
}

// The guard page just below the (one-page) user stack.
static void*
guardpage(void)
{
  int local;

  return (void*)((((uint)&local) & ~(PGSIZE - 1)) - PGSIZE);
}

// Grow the heap so that its end is page aligned, add one page and fill
// it with c. Returns a pointer to the end of memory (first bad address).
static char*
endofmem(char c)
{
  uint top = (uint)sbrk(0);
  char *p;

  if(top % PGSIZE != 0)
    sbrk(PGSIZE - top % PGSIZE);
  p = sbrk(PGSIZE);
  if(p == (char*)-1)
    fail("sbrk of one page failed");
  memset(p, c, PGSIZE);
  return p + PGSIZE;
}

static void
mkfile(const char *name, const char *data, int n)
{
  int fd = open(name, O_CREATE|O_WRONLY|O_TRUNC);

  if(fd < 0)
    fail("cannot create a test file");
  if(write(fd, data, n) != n)
    fail("write to a new file failed");
  close(fd);
}

// Create name holding n bytes c, written in pieces as big as buf2.
static void
fillfile(const char *name, char c, int n)
{
  int fd, k;

  fd = open(name, O_CREATE|O_WRONLY|O_TRUNC);
  if(fd < 0)
    fail("cannot create a test file");
  memset(buf2, c, sizeof(buf2));
  for(; n > 0; n -= k){
    k = n < sizeof(buf2) ? n : sizeof(buf2);
    if(write(fd, buf2, k) != k)
      fail("write to a new file failed");
  }
  close(fd);
}

// Read up to sizeof(buf) bytes of name into buf; returns the count.
static int
readfile(const char *name)
{
  int fd, n, total = 0;

  fd = open(name, O_RDONLY);
  if(fd < 0)
    return -1;
  while(total < sizeof(buf) && (n = read(fd, buf + total, sizeof(buf) - total)) > 0)
    total += n;
  close(fd);
  return total;
}

// Count the used entries of directory path, not counting . and ..
static int
countdir(const char *path)
{
  struct dirent de;
  int fd, n = 0;

  fd = open(path, O_RDONLY);
  if(fd < 0)
    fail("cannot open a directory");
  while(read(fd, &de, sizeof(de)) == sizeof(de)){
    if(de.inum == 0)
      continue;
    if(strcmp(de.name, ".") == 0 || strcmp(de.name, "..") == 0)
      continue;
    n++;
  }
  close(fd);
  return n;
}

// Put "prefix" + number into name (at most 9999).
static void
numname(char *name, const char *prefix, int n)
{
  int k = strlen(prefix);

  strcpy(name, prefix);
  name[k++] = '0' + n / 1000 % 10;
  name[k++] = '0' + n / 100 % 10;
  name[k++] = '0' + n / 10 % 10;
  name[k++] = '0' + n % 10;
  name[k] = 0;
}

// ---------------------------------------------------------------- processes

static int
child_exitpid(int unused)
{
  return getpid();
}

static int
child_exitarg(int status)
{
  return status;
}

// fork, exit status, wait, exec with arguments.
static void
forkexec(void)
{
  int pid, fd, n;
  char *echoargv[] = { "echo", "hello", "world", 0 };
  char *exitargv[] = { "usertests", "-exitwith", "42", 0 };

  pid = spawn(child_exitarg, 3);
  check(waitfor(pid) == 3, "exit(3) not seen by wait");
  pid = spawn(child_exitpid, 0);
  check(waitfor(pid) == pid, "getpid in the child differs from fork's result");
  check(wait(0) == -1, "wait with no children did not return -1");

  // exec a program with arguments, its output in a file.
  unlink("ut_echo");
  pid = fork();
  if(pid == 0){
    close(1);
    if(open("ut_echo", O_CREATE|O_WRONLY) != 1)
      exit(2);
    exec("/echo", echoargv);
    exit(3);
  }
  n = waitfor(pid);
  check(n != 2, "could not open ut_echo as fd 1");
  check(n != 3, "exec /echo failed");
  check(n == 0, "echo did not exit 0");
  n = readfile("ut_echo");
  check(n == 12 && memcmp(buf, "hello world\n", 12) == 0,
        "echo's output (argv passing) is wrong");
  unlink("ut_echo");

  // exec's status passes through exit.
  pid = fork();
  if(pid == 0){
    exec("/usertests", exitargv);
    exit(3);
  }
  n = waitfor(pid);
  check(n != 3, "exec /usertests failed");
  check(n == 42, "exec'd program's exit status lost");

  // The parent's memory and descriptors are unchanged by a child's exec.
  fd = open("ut_echo", O_RDONLY);
  check(fd < 0, "removed file still there");
}

// Many rounds of fork/exit/wait with distinct statuses.
static void
exitwait(void)
{
  int i, pid;

  for(i = 0; i < 40; i++){
    pid = spawn(child_exitarg, i);
    if(waitfor(pid) != i)
      failv("wrong exit status in round", i);
  }
}

// Fork until fork fails, then reap every child.
static void
forkmany(void)
{
  int p[2], n, pid;
  char c;

  check(pipe(p) == 0, "pipe failed");
  for(n = 0; n < NPROC + 8; n++){
    pid = fork();
    if(pid < 0)
      break;
    if(pid == 0){
      // Wait for the parent to close the pipe, then go.
      close(p[1]);
      read(p[0], &c, 1);
      exit(0);
    }
  }
  close(p[0]);
  close(p[1]);
  if(n == NPROC + 8)
    fail("fork never failed");
  if(n < 4)
    failv("too few forks succeeded:", n);
  for(; n > 0; n--){
    if(wait(0) < 0)
      failv("wait failed with children left:", n);
  }
  check(wait(0) == -1, "wait after reaping all did not return -1");
  pid = spawn(child_exitarg, 5);
  check(waitfor(pid) == 5, "fork after exhaustion does not work");
}

static int
child_sleep(int ms)
{
  sleep(ms);
  return 0;
}

static int
child_spin(int unused)
{
  volatile int x = 0;

  for(;;)
    x++;
  return 0;
}

static int
child_readpipe(int fd)
{
  char c;

  read(fd, &c, 1);
  return 0;
}

// Kill a process that is sleeping, blocked on a pipe, or running.
static void
killtest(void)
{
  int pid, t0, st, p[2];

  check(kill(99999) == -1, "kill of a nonexistent pid did not fail");

  pid = spawn(child_sleep, 100000);
  sleep(30);
  t0 = uptime();
  check(kill(pid) == 0, "kill failed");
  st = waitfor(pid);
  check(st != 0, "killed sleeping child reported status 0");
  check(uptime() - t0 < 3000, "killed sleeping child took too long to die");

  check(pipe(p) == 0, "pipe failed");
  pid = spawn(child_readpipe, p[0]);
  sleep(30);
  t0 = uptime();
  check(kill(pid) == 0, "kill failed");
  waitfor(pid);
  check(uptime() - t0 < 3000, "child blocked on a pipe took too long to die");
  close(p[0]);
  close(p[1]);

  pid = spawn(child_spin, 0);
  sleep(30);
  t0 = uptime();
  check(kill(pid) == 0, "kill failed");
  waitfor(pid);
  check(uptime() - t0 < 3000, "spinning child took too long to die");
}

// exec failures must return -1 and leave the caller running.
static void
execbad(void)
{
  static char *argv[MAXARG + 8];
  char *nargv[] = { "nothing", 0 };
  int i, pid, st;

  check(exec("ut_nonexistent", nargv) == -1, "exec of a missing file");
  check(exec(".", nargv) == -1, "exec of a directory");
  mkfile("ut_notelf", "#!/bin/sh\necho not an ELF file\n", 30);
  check(exec("ut_notelf", nargv) == -1, "exec of a text file");
  unlink("ut_notelf");

  // Too many arguments.
  argv[0] = "usertests";
  argv[1] = "-exitwith";
  argv[2] = "99";
  for(i = 3; i < MAXARG + 6; i++)
    argv[i] = "x";
  argv[i] = 0;
  check(exec("/usertests", argv) == -1, "exec with too many args did not fail");

  // A reasonable number still works (in a child, as it replaces us).
  argv[10] = 0;
  pid = fork();
  if(pid == 0){
    exec("/usertests", argv);
    exit(3);
  }
  st = waitfor(pid);
  check(st == 99, "exec with 10 args failed");
}

// ---------------------------------------------------------------- pipes

#define PIPECHUNKS 20

// Write PIPECHUNKS chunks of growing size, bytes numbered 0,1,2,...
static int
child_pipewriter(int fd)
{
  int i, j, seq = 0, n;

  for(i = 0; i < PIPECHUNKS; i++){
    n = 1000 + i * 37;
    for(j = 0; j < n; j++)
      buf[j] = seq++;
    if(write(fd, buf, n) != n)
      return 1;
  }
  return 0;
}

static int
pipetotal(void)
{
  int i, total = 0;

  for(i = 0; i < PIPECHUNKS; i++)
    total += 1000 + i * 37;
  return total;
}

// Read everything from fd and check the numbering; 0 if all is well.
static int
pipecheck(int fd)
{
  int n, i, seq = 0;

  while((n = read(fd, buf2, 777)) > 0){
    for(i = 0; i < n; i++){
      if((uchar)buf2[i] != (uchar)seq++)
        return 1;
    }
  }
  if(n < 0)
    return 2;
  return seq == pipetotal() ? 0 : 3;
}

static int
child_pipereader(int fd)
{
  return pipecheck(fd);
}

// Data crosses a pipe intact in both directions between two processes.
static void
pipes(void)
{
  int p[2], pid, r;

  check(pipe(p) == 0, "pipe failed");
  pid = fork();
  if(pid == 0){
    close(p[0]);
    exit(child_pipewriter(p[1]));
  }
  close(p[1]);
  r = pipecheck(p[0]);
  check(r != 1, "bytes read from the pipe are wrong");
  check(r != 2, "read from the pipe failed");
  check(r != 3, "wrong number of bytes through the pipe");
  close(p[0]);
  check(waitfor(pid) == 0, "pipe writer failed");

  // And the other way round.
  check(pipe(p) == 0, "pipe failed");
  pid = fork();
  if(pid == 0){
    close(p[1]);
    exit(child_pipereader(p[0]));
  }
  close(p[0]);
  check(child_pipewriter(p[1]) == 0, "write to the pipe failed");
  close(p[1]);
  r = waitfor(pid);
  check(r == 0, "the reading child saw wrong data");
}

// End-of-file and broken-pipe behaviour.
static void
pipeclose(void)
{
  int p[2], pid, n;

  check(pipe(p) == 0, "pipe failed");
  check(p[0] != p[1], "pipe returned the same fd twice");
  close(p[1]);
  check(read(p[0], buf, 10) == 0, "read with no writers is not end of file");
  close(p[0]);

  check(pipe(p) == 0, "pipe failed");
  close(p[0]);
  check(write(p[1], "x", 1) == -1, "write with no readers did not fail");
  close(p[1]);

  check(pipe(p) == 0, "pipe failed");
  check(write(p[0], "x", 1) == -1, "write to a pipe's read end");
  check(read(p[1], buf, 1) == -1, "read from a pipe's write end");
  close(p[0]);
  close(p[1]);

  // A child's copy of the write end keeps the pipe open until it exits.
  check(pipe(p) == 0, "pipe failed");
  pid = fork();
  if(pid == 0){
    close(p[0]);
    sleep(50);
    write(p[1], "hi", 2);
    exit(0);
  }
  close(p[1]);
  n = read(p[0], buf, sizeof(buf));
  check(n == 2 && buf[0] == 'h' && buf[1] == 'i', "data from the child lost");
  check(read(p[0], buf, sizeof(buf)) == 0, "no end of file after the writer exited");
  close(p[0]);
  waitfor(pid);

  // A writer blocked on a full pipe wakes up when the reader goes away.
  check(pipe(p) == 0, "pipe failed");
  pid = fork();
  if(pid == 0){
    close(p[1]);
    sleep(100);
    exit(0);    // never reads
  }
  close(p[0]);
  n = write(p[1], buf, sizeof(buf));
  check(n < (int)sizeof(buf), "write of 8 KiB to an unread pipe succeeded");
  close(p[1]);
  waitfor(pid);
}

// ---------------------------------------------------------------- files

// Create, write, read back, remove.
static void
createfile(void)
{
  int fd, i, n;
  struct stat st;

  unlink("ut_file");
  fd = open("ut_file", O_CREATE|O_RDWR);
  check(fd >= 0, "create failed");
  for(i = 0; i < 20; i++){
    memset(buf, 'a' + i, 100);
    if(write(fd, buf, 100) != 100)
      fail("write failed");
  }
  check(fstat(fd, &st) == 0, "fstat failed");
  check(st.type == T_FILE && st.size == 2000 && st.nlink == 1,
        "fstat reports wrong type, size or links");
  close(fd);

  fd = open("ut_file", O_RDONLY);
  check(fd >= 0, "open for reading failed");
  n = 0;
  while((i = read(fd, buf + n, 333)) > 0)
    n += i;
  check(n == 2000, "read back the wrong number of bytes");
  for(i = 0; i < 2000; i++){
    if(buf[i] != 'a' + i / 100)
      failv("wrong byte read back at offset", i);
  }
  check(write(fd, "x", 1) == -1, "write to a read-only fd");
  close(fd);

  fd = open("ut_file", O_WRONLY);
  check(fd >= 0, "open for writing failed");
  check(read(fd, buf, 1) == -1, "read from a write-only fd");
  close(fd);

  check(open("ut_file", O_RDONLY|O_CREATE) >= 0, "O_CREATE of an existing file failed");
  check(unlink("ut_file") == 0, "unlink failed");
  check(open("ut_file", O_RDONLY) == -1, "open of a removed file succeeded");
  check(unlink("ut_file") == -1, "second unlink succeeded");
}

// O_TRUNC empties a file; plain opens overwrite in place.
static void
truncate(void)
{
  int fd, n;
  struct stat st;

  unlink("ut_trunc");
  fillfile("ut_trunc", 't', 30000);

  fd = open("ut_trunc", O_WRONLY|O_TRUNC);
  check(fd >= 0, "open with O_TRUNC failed");
  check(fstat(fd, &st) == 0 && st.size == 0, "O_TRUNC did not empty the file");
  check(write(fd, "xy", 2) == 2, "write after truncate failed");
  close(fd);
  n = readfile("ut_trunc");
  check(n == 2 && buf[0] == 'x' && buf[1] == 'y', "content after truncate");

  fd = open("ut_trunc", O_WRONLY);
  check(fd >= 0, "open failed");
  check(write(fd, "Z", 1) == 1, "write failed");
  close(fd);
  n = readfile("ut_trunc");
  check(n == 2 && buf[0] == 'Z' && buf[1] == 'y', "overwrite in place");

  fd = open("ut_trunc", O_CREATE|O_RDWR);
  check(fd >= 0, "O_CREATE on an existing file failed");
  close(fd);
  check(readfile("ut_trunc") == 2, "O_CREATE truncated an existing file");

  // The freed blocks can be used again.
  fillfile("ut_trunc", 'u', 30000);
  check(stat("ut_trunc", &st) == 0 && st.size == 30000, "rewrite after truncate");
  check(unlink("ut_trunc") == 0, "unlink failed");
}

static void
dirclean(void)
{
  unlink("ut_dir/a/b/deep");
  unlink("ut_dir/a/b");
  unlink("ut_dir/a");
  unlink("ut_dir/f");
  unlink("ut_dir");
}

// mkdir, chdir, nested directories, and what unlink must refuse.
static void
dirs(void)
{
  struct stat st, st2;
  int fd;

  dirclean();
  check(mkdir("ut_dir") == 0, "mkdir failed");
  check(mkdir("ut_dir") == -1, "mkdir of an existing name succeeded");
  check(stat("ut_dir", &st) == 0 && st.type == T_DIR, "new directory is not T_DIR");
  check(chdir("ut_dir") == 0, "chdir failed");
  mkfile("f", "ff", 2);
  check(mkdir("a") == 0 && mkdir("a/b") == 0, "nested mkdir failed");
  check(chdir("a/b") == 0, "chdir to a nested directory failed");
  mkfile("deep", "deep", 4);
  check(chdir("../..") == 0, "chdir ../.. failed");
  check(readfile("a/b/deep") == 4, "file made in a/b not found from above");
  check(stat("a/b/..", &st) == 0 && stat("a", &st2) == 0 && st.ino == st2.ino,
        "a/b/.. is not a");

  check(unlink("a") == -1, "unlink of a non-empty directory succeeded");
  check(unlink(".") == -1, "unlink of . succeeded");
  check(unlink("..") == -1, "unlink of .. succeeded");
  check(unlink("a/b/.") == -1, "unlink of a/b/. succeeded");
  check(chdir("f") == -1, "chdir to a file succeeded");
  check(open("a", O_WRONLY) == -1, "open of a directory for writing succeeded");
  check(open("f/x", O_CREATE|O_RDWR) == -1, "create below a file succeeded");
  check(mkdir("nonexistent/x") == -1, "mkdir below a missing directory succeeded");

  fd = open("a", O_RDONLY);
  check(fd >= 0, "open of a directory for reading failed");
  close(fd);

  check(unlink("a/b/deep") == 0 && unlink("a/b") == 0 && unlink("a") == 0,
        "removing emptied directories failed");
  check(unlink("f") == 0, "unlink failed");
  check(chdir("..") == 0, "chdir .. failed");
  check(unlink("ut_dir") == 0, "unlink of an empty directory failed");
  check(stat("ut_dir", &st) == -1, "removed directory still there");
  check(chdir("/") == 0 && stat(".", &st) == 0 && st.type == T_DIR, "chdir /");
}

#define BIGSIZE (200 * 1024)

// Write a file of BIGSIZE bytes, which needs the indirect block, in
// chunks that do not line up with blocks, and read it back.
static void
bigfile(void)
{
  int fd, off, n, i, chunk;
  uint *w;
  struct stat st;

  unlink("ut_big");
  fd = open("ut_big", O_CREATE|O_WRONLY);
  check(fd >= 0, "create failed");
  for(off = 0; off < BIGSIZE; off += chunk){
    chunk = BIGSIZE - off < 3000 ? BIGSIZE - off : 3000;
    // Word i of the file holds i; chunks are multiples of 4 bytes.
    w = (uint*)buf;
    for(i = 0; i < chunk / 4; i++)
      w[i] = off / 4 + i;
    n = write(fd, buf, chunk);
    if(n != chunk){
      close(fd);
      unlink("ut_big");
      failv("short write (disk full?) at offset", off);
    }
  }
  check(fstat(fd, &st) == 0 && st.size == BIGSIZE, "size after writing");
  close(fd);

  fd = open("ut_big", O_RDONLY);
  check(fd >= 0, "open failed");
  off = 0;
  while((n = read(fd, buf, 4100)) > 0){
    w = (uint*)buf;
    for(i = 0; i < n / 4; i++){
      if(w[i] != off / 4 + i){
        close(fd);
        unlink("ut_big");
        failv("wrong data read back at offset", off + 4 * i);
      }
    }
    off += n;
  }
  close(fd);
  check(off == BIGSIZE, "read back the wrong size");
  check(unlink("ut_big") == 0, "unlink failed");
}

// Append to fd until the disk is full (a write fails); returns the file's
// size then. write() reports -1 for a write that filled the disk part
// way, so the size comes from fstat.
static int
filldisk(int fd)
{
  struct stat st;

  memset(buf2, 'f', sizeof(buf2));
  while(write(fd, buf2, sizeof(buf2)) == sizeof(buf2))
    ;
  if(fstat(fd, &st) != 0)
    fail("fstat of a full file failed");
  return st.size;
}

// The free space, in data blocks one file can get: fill the disk with a
// scratch file, then remove it. The same free space always gives the same
// answer, since the same file shape is built; less gives a smaller one,
// except by one block when the fill ended by taking a new indirect block.
static int
freeblocks(void)
{
  int fd, n;

  unlink("ut_fill");
  fd = open("ut_fill", O_CREATE|O_WRONLY);
  if(fd < 0)
    fail("cannot create a file to fill the disk");
  n = filldisk(fd);
  close(fd);
  if(unlink("ut_fill") != 0)
    fail("unlink of the file that filled the disk failed");
  return n / BSIZE;
}

// MAXFILE (fs.h) is over 64 MiB, much more than the disk, so a file is
// limited by free space: it grows until the disk is full, past the blocks
// of the single indirect block, then writes fail, the file keeps what was
// written, and once it is removed the disk takes new files again.
// (hugefile checks that removing a file gives back every block.)
static void
diskfull(void)
{
  int fd, size, again;

  unlink("ut_full");
  fd = open("ut_full", O_CREATE|O_WRONLY);
  check(fd >= 0, "create failed");
  size = filldisk(fd);
  again = write(fd, buf2, 1);
  close(fd);
  check(unlink("ut_full") == 0, "unlink of the full file failed");
  check(again <= 0, "a write to a full disk succeeded");
  if(size <= (NDIRECT + NINDIRECT) * BSIZE)
    failv("the disk filled before the doubly-indirect blocks, at bytes", size);
  fillfile("ut_full", 'g', 3 * BSIZE);
  check(unlink("ut_full") == 0, "unlink of a small file failed");
}

#define HUGESIZE (1536 * 1024)   // beyond NDIRECT + NINDIRECT blocks

// Word i of the huge file; different at every position, and rarely a
// small number, so a block read from the wrong place shows.
static uint
hugeword(uint i)
{
  return i * 2654435761u;
}

// Remove the huge file, then fail: left behind, it would take most of
// the disk from the tests that follow.
static void
hugefail(const char *why, int v)
{
  unlink("ut_huge");
  failv(why, v);
}

// Write HUGESIZE bytes of hugeword()s to ut_huge, in chunks (8188 bytes)
// that do not line up with blocks. At least a MiB of it lands in blocks
// that the doubly-indirect block maps.
static void
hugewrite(void)
{
  int fd, off, i, chunk;
  uint *w = (uint*)buf;

  fd = open("ut_huge", O_CREATE|O_WRONLY);
  if(fd < 0)
    fail("create failed");
  for(off = 0; off < HUGESIZE; off += chunk){
    chunk = HUGESIZE - off < 8188 ? HUGESIZE - off : 8188;
    for(i = 0; i < chunk / 4; i++)
      w[i] = hugeword(off / 4 + i);
    if(write(fd, buf, chunk) != chunk){
      close(fd);
      hugefail("short write (disk full?) at offset", off);
    }
  }
  close(fd);
}

// Read ut_huge back, 4100 bytes at a time, and check every word.
static void
hugeread(void)
{
  int fd, off, n, i;
  uint *w = (uint*)buf;
  struct stat st;

  fd = open("ut_huge", O_RDONLY);
  if(fd < 0)
    hugefail("open failed, fd", fd);
  if(fstat(fd, &st) != 0)
    st.size = 0;
  if(st.size != HUGESIZE){
    close(fd);
    hugefail("wrong size after writing:", st.size);
  }
  for(off = 0; (n = read(fd, buf, 4100)) > 0; off += n){
    for(i = 0; i < n / 4; i++){
      if(w[i] != hugeword(off / 4 + i)){
        close(fd);
        hugefail("wrong data read back at offset", off + 4 * i);
      }
    }
  }
  close(fd);
  if(off != HUGESIZE)
    hugefail("read back the wrong size:", off);
}

// A file bigger than the single indirect block can map (the old limit,
// 268 KiB) holds its data, and removing it frees every block, the
// doubly-indirect block and the indirect blocks under it included.
static void
hugefile(void)
{
  int before, after;

  unlink("ut_huge");
  before = freeblocks();
  if(before < HUGESIZE / BSIZE + 16)
    failv("the disk is too small for the test; free blocks:", before);
  hugewrite();
  hugeread();
  check(unlink("ut_huge") == 0, "unlink failed");
  after = freeblocks();
  if(after != before)
    failv("blocks lost by writing and removing the file:", before - after);
}

// Many files in one directory.
static void
manyfiles(void)
{
  static char name[32];
  int i, n;

  for(i = 0; i < 60; i++){
    numname(name, "ut_many/f", i);
    unlink(name);
  }
  unlink("ut_many");
  check(mkdir("ut_many") == 0, "mkdir failed");
  for(i = 0; i < 60; i++){
    numname(name, "ut_many/f", i);
    mkfile(name, name, strlen(name));
  }
  check(countdir("ut_many") == 60, "directory does not list 60 files");
  for(i = 0; i < 60; i++){
    numname(name, "ut_many/f", i);
    n = readfile(name);
    if(n != strlen(name) || memcmp(buf, name, n) != 0)
      failv("wrong content in file", i);
  }
  for(i = 0; i < 60; i++){
    numname(name, "ut_many/f", i);
    if(unlink(name) != 0)
      failv("unlink failed for file", i);
  }
  check(countdir("ut_many") == 0, "directory not empty after removing all");
  check(unlink("ut_many") == 0, "unlink of the directory failed");
}

#define NCONC 4

// Each child creates, checks and removes its own files.
static int
child_ownfiles(int id)
{
  static char name[32];
  int i, fd;

  for(i = 0; i < 15; i++){
    numname(name, "ut_conc/c", id * 100 + i);
    fd = open(name, O_CREATE|O_RDWR);
    if(fd < 0)
      return 1;
    if(write(fd, name, strlen(name)) != strlen(name))
      return 2;
    close(fd);
  }
  for(i = 0; i < 15; i++){
    numname(name, "ut_conc/c", id * 100 + i);
    if(readfile(name) != strlen(name) || memcmp(buf, name, strlen(name)) != 0)
      return 3;
    if(unlink(name) != 0)
      return 4;
  }
  return 0;
}

// Children race to create and remove the same three names.
static int
child_racefiles(int id)
{
  static char name[32];
  int i, fd;

  for(i = 0; i < 30; i++){
    numname(name, "ut_conc/r", (i + id) % 3);
    if(i % 2 == 0){
      fd = open(name, O_CREATE|O_RDWR);
      if(fd >= 0){
        write(fd, "race", 4);
        close(fd);
      }
    } else {
      unlink(name);
    }
  }
  return 0;
}

// Concurrent creates and unlinks from several processes.
static void
concreate(void)
{
  static char name[32];
  int i, pids[NCONC], st[NCONC];

  for(i = 0; i < 3; i++){
    numname(name, "ut_conc/r", i);
    unlink(name);
  }
  unlink("ut_conc");
  check(mkdir("ut_conc") == 0, "mkdir failed");
  for(i = 0; i < NCONC; i++)
    pids[i] = spawn(child_ownfiles, i);
  waitall(pids, st, NCONC);
  for(i = 0; i < NCONC; i++){
    if(st[i] != 0)
      failv("a creating child failed with status", st[i]);
  }
  check(countdir("ut_conc") == 0, "files left behind");

  for(i = 0; i < NCONC; i++)
    pids[i] = spawn(child_racefiles, i);
  waitall(pids, st, NCONC);
  for(i = 0; i < 3; i++){
    numname(name, "ut_conc/r", i);
    unlink(name);
  }
  check(countdir("ut_conc") == 0, "race left entries behind");
  check(unlink("ut_conc") == 0, "unlink of the directory failed");
}

// Hard links and link counts, and an open file outliving its names.
static void
linkunlink(void)
{
  struct stat st;
  int fd;

  unlink("ut_link1");
  unlink("ut_link2");
  unlink("ut_ldir");
  mkfile("ut_link1", "linked", 6);
  check(link("ut_link1", "ut_link2") == 0, "link failed");
  check(stat("ut_link1", &st) == 0 && st.nlink == 2, "nlink is not 2 after link");
  check(link("ut_link1", "ut_link2") == -1, "link onto an existing name succeeded");
  check(link("ut_nonexistent", "ut_link3") == -1, "link of a missing file succeeded");
  check(mkdir("ut_ldir") == 0, "mkdir failed");
  check(link("ut_ldir", "ut_link3") == -1, "link of a directory succeeded");
  unlink("ut_link3");
  check(unlink("ut_ldir") == 0, "unlink of the directory failed");

  check(unlink("ut_link1") == 0, "unlink of the first name failed");
  check(readfile("ut_link2") == 6 && memcmp(buf, "linked", 6) == 0,
        "content lost through the second name");
  check(stat("ut_link2", &st) == 0 && st.nlink == 1, "nlink is not 1 after unlink");

  fd = open("ut_link2", O_RDONLY);
  check(fd >= 0, "open failed");
  check(unlink("ut_link2") == 0, "unlink of the last name failed");
  check(fstat(fd, &st) == 0 && st.nlink == 0, "nlink is not 0 with no names");
  check(read(fd, buf, 10) == 6 && memcmp(buf, "linked", 6) == 0,
        "an open, unlinked file cannot be read");
  close(fd);
  check(open("ut_link2", O_RDONLY) == -1, "unlinked name still opens");
}

// open and dup hand out the lowest free descriptor, up to NOFILE.
static void
fdlimit(void)
{
  static int fds[NOFILE + 4];
  int n, i, fd;

  mkfile("ut_fd", "x", 1);
  for(n = 0; n < NOFILE + 4; n++){
    fds[n] = open("ut_fd", O_RDONLY);
    if(fds[n] < 0)
      break;
  }
  check(n < NOFILE + 4, "open never ran out of descriptors");
  check(n >= NOFILE - 4, "too few descriptors");
  check(dup(fds[0]) == -1, "dup with a full table succeeded");
  close(fds[2]);
  fd = open("ut_fd", O_RDONLY);
  check(fd == fds[2], "open did not return the lowest free fd");
  close(fd);
  fd = dup(fds[0]);
  check(fd == fds[2], "dup did not return the lowest free fd");
  for(i = 0; i < n; i++)
    close(fds[i]);
  check(readfile("ut_fd") == 1, "file unreadable after closing all");

  // dup shares the file offset.
  fd = open("ut_fd", O_RDONLY);
  i = dup(fd);
  check(read(fd, buf, 1) == 1 && read(i, buf, 1) == 0, "dup'd fds do not share the offset");
  close(fd);
  close(i);
  unlink("ut_fd");
}

// ---------------------------------------------------------------- memory

static int
child_touch(int addr)
{
  volatile char *p = (char*)addr;

  return *p == 0x5a ? 123 : 124;  // reached only if the read did not fault
}

// sbrk grows and shrinks the heap; fork copies it.
static void
sbrkgrow(void)
{
  char *a, *p, *q;
  int i, pid;

  a = sbrk(0);
  p = sbrk(40960);
  check(p == a, "sbrk did not return the old break");
  check(sbrk(0) == a + 40960, "break did not move");
  for(i = 0; i < 40960; i++)
    p[i] = i * 7;
  pid = fork();
  if(pid == 0){
    for(i = 0; i < 40960; i++){
      if(p[i] != (char)(i * 7))
        exit(1);
      p[i] = 0;
    }
    exit(0);
  }
  check(waitfor(pid) == 0, "child's copy of the heap is wrong");
  for(i = 0; i < 40960; i++){
    if(p[i] != (char)(i * 7))
      fail("child's writes changed the parent's heap");
  }

  // Shrink; the memory is gone.
  q = sbrk(-40960);
  check(q == a + 40960, "shrinking sbrk did not return the old break");
  check(sbrk(0) == a, "break did not move back");
  pid = spawn(child_touch, (int)a + 2 * PGSIZE);
  i = waitfor(pid);
  check(i != 123 && i != 124, "child reading freed heap memory was not killed");

  // Memory that comes back is zeroed.
  p = sbrk(40960);
  check(p == a, "second grow returned the wrong address");
  for(i = 0; i < 40960; i++){
    if(p[i] != 0)
      fail("new heap memory is not zeroed");
  }
}

// Grow in 4 MiB steps until sbrk refuses; returns the MiB obtained.
static int
child_eatmem(int unused)
{
  int n = 0;
  char *p;

  while(n < 2048){
    p = sbrk(4 << 20);
    if(p == (char*)-1)
      return n / 16;  // an exit status is 0..255: count 16 MiB units
    p[0] = 1;         // touch the first and last page of each step
    p[(4 << 20) - 1] = 1;
    n += 4;
  }
  return 255;
}

// Asking for more memory than exists fails cleanly, and memory comes
// back when the process that took it all exits.
static void
sbrkfail(void)
{
  char *a;
  int pid, got1, got2;

  a = sbrk(0);
  check(sbrk(0x7ff00000) == (char*)-1, "sbrk of ~2 GiB did not fail");
  check(sbrk(0) == a, "failed sbrk moved the break");
  // 1 GiB fits only where more than that is free (-m 4096, say): either
  // answer is right, but a heap that grew must shrink back cleanly.
  if(sbrk(0x40000000) != (char*)-1){
    check(sbrk(-0x40000000) == a + 0x40000000, "shrinking a 1 GiB heap failed");
    check(sbrk(0) == a, "the break did not come back after shrinking");
  }

  pid = spawn(child_eatmem, 0);
  got1 = waitfor(pid);
  check(got1 != 255, "sbrk never failed up to 2 GiB");
  check(got1 >= 0 && got1 < 255, "memory-eating child died");
  pid = spawn(child_eatmem, 0);
  got2 = waitfor(pid);
  check(got2 >= got1 - 1, "memory not returned after the first eater exited");
  pid = spawn(child_exitarg, 9);
  check(waitfor(pid) == 9, "fork after memory exhaustion");
}

// Reading just past the heap, the stack's guard page or kernel memory
// kills the process.
static void
sbrkfault(void)
{
  int pid, st;
  uint top;

  top = ((uint)sbrk(0) + PGSIZE - 1) & ~(PGSIZE - 1);
  pid = spawn(child_touch, top);
  st = waitfor(pid);
  check(st != 123 && st != 124, "read past the end of the heap was not caught");
  check(st != 0, "killed child reported exit status 0");

  pid = spawn(child_touch, (int)guardpage() + 100);
  st = waitfor(pid);
  check(st != 123 && st != 124, "read of the stack guard page was not caught");

  pid = spawn(child_touch, (int)KERNADDR);
  st = waitfor(pid);
  check(st != 123 && st != 124, "read of kernel memory was not caught");
  pid = spawn(child_touch, (int)0xfee00000);
  st = waitfor(pid);
  check(st != 123 && st != 124, "read of the local APIC page was not caught");
}

// A process doing something illegal is killed; its parent sees it.
static int
child_fault(int kind)
{
  void (*fn)(void);

  switch(kind){
  case 0:
    // In assembly: the compiler knows a store through a null pointer is
    // undefined and would quietly turn it into ud2.
    asm volatile("movl $0x1234, (%0)" : : "r" (0) : "memory");
    break;
  case 1:
    asm volatile("ud2");
    break;
  case 2:
    *(volatile int*)0x80100000 = 0x1234;
    break;
  case 3:
    fn = (void (*)(void))0xf0000000;
    fn();
    break;
  case 4:
    asm volatile("cli");   // privileged
    break;
  case 5:
    asm volatile("outb %%al, $0x80" : : "a" (0));   // no I/O permission
    break;
  }
  return 123;   // still alive: the fault went unnoticed
}

static void
faults(void)
{
  static char *what[] = {
    "write to address 0", "illegal instruction (ud2)",
    "write to kernel memory", "jump to an unmapped address",
    "cli in user mode", "outb in user mode",
  };
  static char why[256];
  int i, pid, st, n = 0;

  // Try every kind before judging, so one report names all that slipped.
  why[0] = 0;
  for(i = 0; i < NELEM(what); i++){
    pid = spawn(child_fault, i);
    st = waitfor(pid);
    if(st != 123 && st != 0)
      continue;
    if(n + strlen(what[i]) + 40 >= sizeof(why))
      break;
    if(n > 0){
      strcpy(why + n, "; ");
      n += 2;
    }
    strcpy(why + n, what[i]);
    n += strlen(what[i]);
    strcpy(why + n, st == 123 ? " was not caught" : " gave exit status 0");
    n += strlen(why + n);
  }
  if(n > 0)
    fail(why);
}

// malloc and free, with coalescing of freed neighbours.
static void
mallocfree(void)
{
  static char *blocks[300];
  static int sizes[300];
  uint seed = 12345, i, j;
  char *before, *p;

  for(i = 0; i < 300; i++){
    seed = seed * 1103515245 + 12345;
    sizes[i] = 1 + (seed >> 16) % 1500;
    blocks[i] = malloc(sizes[i]);
    if(blocks[i] == 0)
      failv("malloc returned 0 for block", i);
    memset(blocks[i], i, sizes[i]);
  }
  for(i = 0; i < 300; i += 2)
    free(blocks[i]);
  for(i = 1; i < 300; i += 2){
    for(j = 0; j < sizes[i]; j++){
      if(blocks[i][j] != (char)i)
        failv("block overwritten:", i);
    }
    free(blocks[i]);
  }
  // Everything is free and should have merged back: a large block
  // must fit without growing the heap.
  before = sbrk(0);
  p = malloc(100000);
  check(p != 0, "malloc of 100 KB failed");
  check(sbrk(0) == before, "freed blocks were not coalesced");
  memset(p, 1, 100000);
  free(p);
  check(malloc(0x7ffffff0) == 0, "malloc of 2 GiB did not return 0");
}

// ---------------------------------------------------------------- time

static void
sleeptime(void)
{
  int t0, t1, i, prev, now;

  prev = uptime();
  for(i = 0; i < 1000; i++){
    now = uptime();
    if(now < prev)
      fail("uptime went backwards");
    prev = now;
  }
  t0 = uptime();
  check(sleep(100) == 0, "sleep did not return 0");
  t1 = uptime();
  if(t1 - t0 < 100)
    failv("sleep(100) advanced uptime only by ms:", t1 - t0);
  if(t1 - t0 > 3000)
    failv("sleep(100) took ms:", t1 - t0);
  t0 = uptime();
  sleep(0);
  check(uptime() - t0 < 1000, "sleep(0) took too long");
}

// sleep(ms) ends by itself at its deadline, with nothing else to wake it:
// never early, and not a multiple of ms late. The kernel checks deadlines
// once a tick (10 ms); 200 ms more covers a busy host. The best of three
// must be on time, so one moment without a CPU is not a failure.
static void
sleepdeadline(void)
{
  int i, t0, took, best = 1 << 30;

  for(i = 0; i < 3; i++){
    t0 = uptime();
    check(sleep(50) == 0, "sleep did not return 0");
    took = uptime() - t0;
    if(took < 50)
      failv("sleep(50) took only ms:", took);
    if(took < best)
      best = took;
  }
  if(best > 50 + 200)
    failv("sleep(50) took at best ms:", best);
}

// Sleeps overlap: four children that each sleep(200) at once are all done
// long before the 800 ms that sleeps taken one after another would need.
// Best of three rounds, as above.
static void
sleepmany(void)
{
  int pids[4], st[4], i, round, t0, took, best = 1 << 30;

  for(round = 0; round < 3 && best >= 600; round++){
    t0 = uptime();
    for(i = 0; i < NELEM(pids); i++)
      pids[i] = spawn(child_sleep, 200);
    waitall(pids, st, NELEM(pids));
    took = uptime() - t0;
    for(i = 0; i < NELEM(pids); i++)
      check(st[i] == 0, "a sleeping child failed");
    if(took < 200)
      failv("four sleep(200) children were done after ms:", took);
    if(took < best)
      best = took;
  }
  if(best >= 600)
    failv("four overlapping sleep(200) took at best ms:", best);
}

// ---------------------------------------------------------------- bad input

static void
badptr(void)
{
  static void *bad[7];
  static char *argv[4];
  char *end;
  int fd, i, pid;

  bad[0] = KERNADDR;
  bad[1] = TOPADDR;
  bad[2] = unmapped();
  bad[3] = (void*)0xfffff000;
  bad[4] = (void*)0;          // page 0 is left unmapped for null pointers
  bad[5] = (void*)0x800;
  bad[6] = guardpage();

  mkfile("ut_bad", "0123456789abcdefghijklmnopqrstuvwxyz", 36);
  fd = open("ut_bad", O_RDWR);
  check(fd >= 0, "open failed");
  for(i = 0; i < NELEM(bad); i++){
    if(read(fd, bad[i], 10) != -1)
      failv("read into a bad pointer, case", i);
    if(write(fd, bad[i], 10) != -1)
      failv("write from a bad pointer, case", i);
    if(fstat(fd, bad[i]) != -1)
      failv("fstat into a bad pointer, case", i);
    if(open(bad[i], O_RDONLY) != -1)
      failv("open of a bad path pointer, case", i);
    if(open(bad[i], O_CREATE|O_RDWR) != -1)
      failv("create with a bad path pointer, case", i);
    if(pipe(bad[i]) != -1)
      failv("pipe into a bad pointer, case", i);
    if(unlink(bad[i]) != -1 || mkdir(bad[i]) != -1 || chdir(bad[i]) != -1)
      failv("unlink/mkdir/chdir of a bad path, case", i);
    if(link(bad[i], "ut_x") != -1 || link("ut_bad", bad[i]) != -1)
      failv("link with a bad path, case", i);
    if(mknod(bad[i], 1, 0) != -1)
      failv("mknod with a bad path, case", i);
    if(exec(bad[i], argv) != -1)
      failv("exec of a bad path pointer, case", i);
    if(exec("/echo", bad[i]) != -1)
      failv("exec with a bad argv pointer, case", i);
    argv[0] = "echo";
    argv[1] = bad[i];
    argv[2] = 0;
    if(exec("/echo", argv) != -1)
      failv("exec with a bad argv[1], case", i);
  }

  // wait's status pointer: fails, and the child can still be reaped.
  pid = spawn(child_exitarg, 0);
  sleep(20);
  check(wait(KERNADDR) == -1, "wait into kernel memory");
  wait(0);

  // Arguments that start in memory and run past its end.
  end = endofmem('a');
  check(open(end - 5, O_RDONLY) == -1, "open of a path running off the end of memory");
  check(mkdir(end - 5) == -1, "mkdir of a path running off the end of memory");
  check(read(fd, end - 10, 20) == -1, "read into a buffer crossing the end of memory");
  check(write(fd, end - 10, 20) == -1, "write from a buffer crossing the end of memory");
  check(fstat(fd, (struct stat*)(end - 4)) == -1, "fstat crossing the end of memory");
  check(pipe((int*)(end - 4)) == -1, "pipe crossing the end of memory");
  argv[0] = "echo";
  argv[1] = end - 3;
  argv[2] = 0;
  check(exec("/echo", argv) == -1, "exec with an argument crossing the end of memory");
  check(exec("/echo", (char**)(end - 4)) == -1, "exec with argv crossing the end of memory");

  // Still alive, and the file was not damaged.
  close(fd);
  check(readfile("ut_bad") == 36 && memcmp(buf, "0123456789", 10) == 0,
        "file damaged by failed calls");
  unlink("ut_bad");
  unlink("ut_x");
  (void)pid;
}

static void
badfd(void)
{
  static int bad[] = { -1, 99, NOFILE, 1000000, 0x7fffffff };
  struct stat st;
  int i, fd;

  for(i = 0; i < NELEM(bad); i++){
    if(read(bad[i], buf, 1) != -1)
      failv("read of bad fd", bad[i]);
    if(write(bad[i], buf, 1) != -1)
      failv("write of bad fd", bad[i]);
    if(fstat(bad[i], &st) != -1)
      failv("fstat of bad fd", bad[i]);
    if(dup(bad[i]) != -1)
      failv("dup of bad fd", bad[i]);
    if(close(bad[i]) != -1)
      failv("close of bad fd", bad[i]);
  }
  mkfile("ut_badfd", "x", 1);
  fd = open("ut_badfd", O_RDONLY);
  check(fd >= 0, "open failed");
  check(close(fd) == 0, "close failed");
  check(read(fd, buf, 1) == -1, "read of a closed fd");
  check(write(fd, buf, 1) == -1, "write of a closed fd");
  check(fstat(fd, &st) == -1, "fstat of a closed fd");
  check(close(fd) == -1, "second close succeeded");
  unlink("ut_badfd");
}

// ---------------------------------------------------------------- driver

struct test {
  char *name;
  void (*fn)(void);
} tests[] = {
  { "forkexec",   forkexec },
  { "exitwait",   exitwait },
  { "forkmany",   forkmany },
  { "kill",       killtest },
  { "execbad",    execbad },
  { "pipes",      pipes },
  { "pipeclose",  pipeclose },
  { "createfile", createfile },
  { "truncate",   truncate },
  { "dirs",       dirs },
  { "bigfile",    bigfile },
  { "hugefile",   hugefile },
  { "diskfull",   diskfull },
  { "manyfiles",  manyfiles },
  { "concreate",  concreate },
  { "linkunlink", linkunlink },
  { "fdlimit",    fdlimit },
  { "sbrkgrow",   sbrkgrow },
  { "sbrkfail",   sbrkfail },
  { "sbrkfault",  sbrkfault },
  { "faults",     faults },
  { "malloc",     mallocfree },
  { "sleep",      sleeptime },
  { "deadline",   sleepdeadline },
  { "sleepmany",  sleepmany },
  { "badptr",     badptr },
  { "badfd",      badfd },
};

// Run one test in a child, guarded by a watchdog. Returns 1 if it passed.
static int
runtest(struct test *t)
{
  int pid, dog, w, st, teststatus = 0, timedout = 0, dogdone = 0;

  pid = fork();
  if(pid < 0){
    printf("test %s: FAILED (fork failed)\n", t->name);
    return 0;
  }
  if(pid == 0){
    curtest = t->name;
    t->fn();
    exit(0);
  }
  dog = fork();
  if(dog == 0){
    sleep(TIMEOUT);
    kill(pid);
    exit(0);
  }
  for(;;){
    w = wait(&st);
    if(w < 0)
      break;
    if(w == dog){
      dogdone = 1;
      timedout = 1;
    } else if(w == pid){
      teststatus = st;
      break;
    }
  }
  if(dog > 0 && !dogdone){
    kill(dog);
    while((w = wait(0)) >= 0 && w != dog)
      ;
  }
  if(w < 0 && !dogdone){
    printf("test %s: FAILED (lost track of the test process)\n", t->name);
    return 0;
  }
  if(timedout){
    printf("test %s: FAILED (timed out after %d ms)\n", t->name, TIMEOUT);
    return 0;
  }
  if(teststatus == 0){
    printf("test %s: ok\n", t->name);
    return 1;
  }
  if(teststatus != FAILCODE)
    printf("test %s: FAILED (test process ended with status %d)\n", t->name, teststatus);
  return 0;
}

static int
selected(char *name, int argc, char **argv)
{
  int i;

  if(argc < 2)
    return 1;
  for(i = 1; i < argc; i++){
    if(strcmp(argv[i], name) == 0)
      return 1;
  }
  return 0;
}

int
main(int argc, char *argv[])
{
  int i, j, passed = 0, failed = 0;

  if(argc >= 3 && strcmp(argv[1], "-exitwith") == 0)
    exit(atoi(argv[2]));

  // Every name asked for must exist.
  for(i = 1; i < argc; i++){
    for(j = 0; j < NELEM(tests); j++){
      if(strcmp(argv[i], tests[j].name) == 0)
        break;
    }
    if(j == NELEM(tests)){
      fprintf(2, "usertests: no test named %s; tests are:", argv[i]);
      for(j = 0; j < NELEM(tests); j++)
        fprintf(2, " %s", tests[j].name);
      fprintf(2, "\n");
      exit(1);
    }
  }

  printf("usertests starting\n");
  for(i = 0; i < NELEM(tests); i++){
    if(!selected(tests[i].name, argc, argv))
      continue;
    if(runtest(&tests[i]))
      passed++;
    else
      failed++;
  }
  printf("usertests: %d passed, %d failed\n", passed, failed);
  exit(failed == 0 ? 0 : 1);
}
