// nfstest: the lab-5 tests' guest helper for remote files (nfs.h).
//
//   nfstest fill PATH SIZE SEED [BUF]   create PATH (or empty it) and
//                                       write SIZE bytes of stream SEED
//   nfstest sum PATH [BUF]              read PATH to its end; print its
//                                       size and FNV-1a hash
//   nfstest writers N SIZE SEED PREFIX  N processes at once, process i
//                                       filling PREFIXi with stream SEED+i
//   nfstest twoopen PATH                open PATH twice; 8 bytes from the
//                                       first, 8 from the second, 8 from
//                                       the first again, in hex
//   nfstest seek PATH ROFF WOFF TEXT    open PATH read-write; 16 bytes
//                                       read at ROFF (hex), TEXT written
//                                       at WOFF
//   nfstest hold PATH                   print the pid, then open PATH and
//                                       read a byte a second, until an error
//   nfstest small PREFIX N SIZE SEED    create files PREFIX0 .. PREFIX(N-1)
//                                       one after another, file i holding
//                                       SIZE bytes of stream SEED+i
//   nfstest stat PREFIX N               stat PREFIX0 .. PREFIX(N-1); print
//                                       how many and their total size
//
// BUF is the size of each read or write (default 8192, at most 65536).
// The bytes of stream SEED are xorshift32 words from a seed the host
// knows too, so the host checks files and hashes against its own
// copies; this program only says what it saw, one line each, starting
// with the subcommand's name, and exits 1 if a call failed.

#include "types.h"
#include "stat.h"
#include "fcntl.h"
#include "param.h"
#include "user.h"

#define MAXBUF 65536

static uchar buf[MAXBUF];

// Stream seed's next 4 bytes, little-endian, from *x.
static uint
next(uint *x)
{
  *x ^= *x << 13;
  *x ^= *x >> 17;
  *x ^= *x << 5;
  return *x;
}

static uint
streamstart(uint seed)
{
  return seed * 2654435761u + 1;
}

// Fill buf with n bytes of the stream (n a multiple of 4).
static void
stream(uint *x, int n)
{
  int i;
  uint v;

  for(i = 0; i < n; i += 4){
    v = next(x);
    buf[i] = v;
    buf[i+1] = v >> 8;
    buf[i+2] = v >> 16;
    buf[i+3] = v >> 24;
  }
}

static int
bufsize(int argc, char **argv, int i)
{
  int n = argc > i ? atoi(argv[i]) : 8192;

  if(n < 4 || n > MAXBUF || n % 4){
    fprintf(2, "nfstest: bad buffer size\n");
    exit(2);
  }
  return n;
}

static int
fill(char *path, uint size, uint seed, int bs)
{
  uint x = streamstart(seed), done = 0;
  int fd, n;

  if((fd = open(path, O_WRONLY | O_CREATE | O_TRUNC)) < 0){
    printf("fill open failed\n");
    return 1;
  }
  while(done < size){
    n = size - done < bs ? size - done : bs;
    stream(&x, (n + 3) & ~3);
    if(write(fd, buf, n) != n){
      printf("fill write failed at %u\n", done);
      close(fd);
      return 1;
    }
    done += n;
  }
  if(close(fd) < 0){
    printf("fill close failed\n");
    return 1;
  }
  printf("fill ok %u\n", done);
  return 0;
}

static int
sum(char *path, int bs)
{
  uint h = 2166136261u, size = 0;
  int fd, n, i;

  if((fd = open(path, O_RDONLY)) < 0){
    printf("sum open failed\n");
    return 1;
  }
  while((n = read(fd, buf, bs)) > 0){
    for(i = 0; i < n; i++)
      h = (h ^ buf[i]) * 16777619u;
    size += n;
  }
  close(fd);
  if(n < 0){
    printf("sum read failed at %u\n", size);
    return 1;
  }
  printf("sum %u %x\n", size, h);
  return 0;
}

static int
writers(int n, uint size, uint seed, char *prefix)
{
  char path[128];
  int i, st, len, failed = 0;

  len = strlen(prefix);
  if(n < 1 || n > 9 || len + 2 > sizeof(path)){
    printf("writers bad arguments\n");
    return 1;
  }
  for(i = 0; i < n; i++){
    if(fork() == 0){
      strcpy(path, prefix);
      path[len] = '0' + i;
      path[len+1] = 0;
      exit(fill(path, size, seed + i, 8192));
    }
  }
  for(i = 0; i < n; i++){
    if(wait(&st) < 0 || st != 0)
      failed = 1;
  }
  printf("writers %s\n", failed ? "failed" : "done");
  return failed;
}

static void
hex(uchar *p, int n)
{
  int i;

  for(i = 0; i < n; i++)
    printf("%02x", p[i]);
}

// Read exactly n bytes from fd into p, printing them in hex.
static int
readhex(int fd, uchar *p, int n)
{
  if(read(fd, p, n) != n){
    printf(" failed");
    return -1;
  }
  printf(" ");
  hex(p, n);
  return 0;
}

static int
twoopen(char *path)
{
  int a, b, r;

  a = open(path, O_RDONLY);
  b = open(path, O_RDONLY);
  if(a < 0 || b < 0){
    printf("twoopen open failed\n");
    return 1;
  }
  printf("twoopen");
  r = readhex(a, buf, 8) | readhex(b, buf, 8) | readhex(a, buf, 8);
  printf("\n");
  close(a);
  close(b);
  return r ? 1 : 0;
}

static int
seekrw(char *path, int roff, int woff, char *text)
{
  int fd, n = strlen(text), r = 0;

  if((fd = open(path, O_RDWR)) < 0){
    printf("seek open failed\n");
    return 1;
  }
  printf("seek");
  if(seek(fd, roff) != roff || readhex(fd, buf, 16) < 0)
    r = 1;
  if(seek(fd, woff) != woff || write(fd, text, n) != n){
    printf(" write failed");
    r = 1;
  }
  printf("\n");
  if(close(fd) < 0)
    r = 1;
  return r;
}

static int
hold(char *path)
{
  int fd, n;
  uchar c;

  printf("hold pid %d\n", getpid());
  if((fd = open(path, O_RDONLY)) < 0){
    printf("hold open failed\n");
    return 1;
  }
  while((n = read(fd, &c, 1)) == 1)
    sleep(1000);
  printf("hold read %d\n", n);
  return 1;
}

// path = prefix followed by i in decimal; -1 if it does not fit.
static int
numbered(char *path, int max, char *prefix, uint i)
{
  char digits[10];
  int len = strlen(prefix), n = 0;

  do {
    digits[n++] = '0' + i % 10;
    i /= 10;
  } while(i > 0);
  if(len + n + 1 > max)
    return -1;
  strcpy(path, prefix);
  while(n > 0)
    path[len++] = digits[--n];
  path[len] = 0;
  return 0;
}

// The small-file operations: open with O_CREATE, one write, close, for
// each of n files; what the host times is n of these in a row.
static int
small(char *prefix, int n, int size, uint seed)
{
  char path[MAXPATH];
  uint x;
  int i, fd;

  if(n < 1 || size < 0 || size > MAXBUF){
    printf("small bad arguments\n");
    return 1;
  }
  for(i = 0; i < n; i++){
    if(numbered(path, sizeof(path), prefix, i) < 0){
      printf("small bad arguments\n");
      return 1;
    }
    x = streamstart(seed + i);
    stream(&x, (size + 3) & ~3);
    if((fd = open(path, O_WRONLY | O_CREATE | O_TRUNC)) < 0){
      printf("small open failed at %d\n", i);
      return 1;
    }
    if(write(fd, buf, size) != size){
      printf("small write failed at %d\n", i);
      close(fd);
      return 1;
    }
    if(close(fd) < 0){
      printf("small close failed at %d\n", i);
      return 1;
    }
  }
  printf("small ok %d\n", n);
  return 0;
}

static int
statfiles(char *prefix, int n)
{
  char path[MAXPATH];
  struct stat st;
  uint total = 0;
  int i;

  if(n < 1){
    printf("stat bad arguments\n");
    return 1;
  }
  for(i = 0; i < n; i++){
    if(numbered(path, sizeof(path), prefix, i) < 0 || stat(path, &st) < 0){
      printf("stat failed at %d\n", i);
      return 1;
    }
    total += st.size;
  }
  printf("stat %d %u\n", n, total);
  return 0;
}

int
main(int argc, char *argv[])
{
  char *cmd = argc > 1 ? argv[1] : "";

  if(strcmp(cmd, "fill") == 0 && argc >= 5)
    return fill(argv[2], atoi(argv[3]), atoi(argv[4]), bufsize(argc, argv, 5));
  if(strcmp(cmd, "sum") == 0 && argc >= 3)
    return sum(argv[2], bufsize(argc, argv, 3));
  if(strcmp(cmd, "writers") == 0 && argc == 6)
    return writers(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]), argv[5]);
  if(strcmp(cmd, "twoopen") == 0 && argc == 3)
    return twoopen(argv[2]);
  if(strcmp(cmd, "seek") == 0 && argc == 6)
    return seekrw(argv[2], atoi(argv[3]), atoi(argv[4]), argv[5]);
  if(strcmp(cmd, "hold") == 0 && argc == 3)
    return hold(argv[2]);
  if(strcmp(cmd, "small") == 0 && argc == 6)
    return small(argv[2], atoi(argv[3]), atoi(argv[4]), atoi(argv[5]));
  if(strcmp(cmd, "stat") == 0 && argc == 4)
    return statfiles(argv[2], atoi(argv[3]));
  fprintf(2, "usage: nfstest fill|sum|writers|twoopen|seek|hold|small|stat ...\n");
  return 2;
}
