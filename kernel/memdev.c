// memdev.c: /dev/null and /dev/zero (device MEM; lab 4 adds them).
//
//   /dev/null  (minor 0)  reads as end of file; swallows every write
//   /dev/zero  (minor 1)  reads as endless zero bytes; swallows writes
//
// A sink and a source that cost nothing, so that a program's own speed
// can be measured without a file system or a pipe in the way:
// `nc -l 9000 > /dev/null` takes whatever the host sends, and
// `nc 10.0.2.2 9000 < /dev/zero` sends until the host hangs up.

#include "types.h"
#include "defs.h"
#include "param.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "fs.h"
#include "file.h"

#define NULL_MINOR 0
#define ZERO_MINOR 1

static const char zeros[1024];

// Copy n zero bytes to addr, a chunk at a time.
static int
readzero(int user_dst, uint addr, int n)
{
  int done, len;

  for(done = 0; done < n; done += len){
    len = n - done < sizeof(zeros) ? n - done : sizeof(zeros);
    if(either_copyout(user_dst, addr + done, (void*)zeros, len) < 0)
      return done > 0 ? done : -1;
  }
  return n;
}

static int
memread(struct file *f, int user_dst, uint addr, int n)
{
  if(n < 0)
    return -1;
  return f->ip->minor == ZERO_MINOR ? readzero(user_dst, addr, n) : 0;
}

static int
memwrite(struct file *f, int user_src, uint addr, int n)
{
  return n < 0 ? -1 : n;
}

void
memdev_init(void)
{
  devsw[MEM].read = memread;
  devsw[MEM].write = memwrite;
}
