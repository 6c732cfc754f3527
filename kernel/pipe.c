// Pipes: a bounded byte queue with a struct file at each end.
//
// The queue is a ring of PIPESIZE bytes described by two numbers: head,
// the ring index of the oldest unread byte, and count, how many bytes
// follow it. Free space therefore starts at (head + count) % PIPESIZE.
// Bytes are copied in runs: as much as fits before the end of the ring,
// then, if more is wanted, from the start of the ring again.
//
// A pipe is one kalloc'd page guarded by its spinlock. Waiting uses two
// sleep channels named after what the sleeper is waiting for: a reader
// with nothing to read sleeps on &p->count (it waits for the count to
// grow) and a writer facing a full ring sleeps on &p->head (it waits for
// the head to move on). Whoever changes one of them wakes its sleepers.
// Closing an end wakes both, so that a sleeper re-checks and sees end of
// file or a broken pipe. The page is freed when both ends are closed.

#include "types.h"
#include "param.h"
#include "mmu.h"
#include "proc.h"
#include "fs.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "file.h"
#include "defs.h"

#define PIPESIZE 512

enum { RD, WR };            // the two ends, as indexes into p->open

struct pipe {
  struct spinlock lock;
  uint head;                // ring index of the oldest unread byte
  uint count;               // unread bytes in the ring
  int open[2];              // open[RD], open[WR]: is that end still open?
  char ring[PIPESIZE];
};

_Static_assert(sizeof(struct pipe) <= PGSIZE, "struct pipe must fit a page");

static int
min(int a, int b)
{
  return a < b ? a : b;
}

// Point f at end `end` of p.
static void
attach(struct file *f, struct pipe *p, int end)
{
  f->type = FD_PIPE;
  f->pipe = p;
  f->readable = end == RD;
  f->writable = end == WR;
}

// Make a pipe and a file for each of its ends: *rf reads, *wf writes.
// Returns 0, or -1 with nothing left allocated.
int
pipealloc(struct file **rf, struct file **wf)
{
  struct pipe *p;
  struct file *r, *w;

  *rf = *wf = 0;
  if((p = (struct pipe*)kalloc()) == 0)
    return -1;
  r = filealloc();
  w = filealloc();
  if(r == 0 || w == 0){
    // Neither file has been attached yet, so closing them only frees
    // their slots; the page is still ours alone.
    if(r)
      fileclose(r);
    if(w)
      fileclose(w);
    kfree((char*)p);
    return -1;
  }
  memset(p, 0, sizeof(*p));
  initlock(&p->lock, "pipe");
  p->open[RD] = p->open[WR] = 1;
  attach(r, p, RD);
  attach(w, p, WR);
  *rf = r;
  *wf = w;
  return 0;
}

// One end of p is closed for good (writable tells which).
void
pipeclose(struct pipe *p, int writable)
{
  int last;

  acquire(&p->lock);
  p->open[writable ? WR : RD] = 0;
  wakeup(&p->count);
  wakeup(&p->head);
  // LAB 4: BEGIN
  pollwakeup();
  // LAB 4: END
  last = !p->open[RD] && !p->open[WR];
  release(&p->lock);
  // Nobody else can reach p now: both files that pointed at it are gone.
  if(last)
    kfree((char*)p);
}

// Sleep until the ring has room. Returns -1 instead if the data could
// never be read (the read end is closed) or the caller has been killed.
static int
waitroom(struct pipe *p)
{
  for(;;){
    if(!p->open[RD])
      return -1;
    if(p->count < PIPESIZE)
      return 0;
    if(killed(myproc()))
      return -1;
    wakeup(&p->count);      // let a reader make room before we sleep
    // LAB 4: BEGIN
    pollwakeup();           // and a reader in select()
    // LAB 4: END
    sleep(&p->head, &p->lock);
  }
}

// Append n bytes from user address addr, waiting for room as needed.
// Returns n, or -1 if the read end closes, the caller is killed or addr
// is bad; the bytes appended before that stay in the pipe.
int
pipewrite(struct pipe *p, uint addr, int n)
{
  int done, len;
  uint tail;

  acquire(&p->lock);
  for(done = 0; done < n; done += len){
    if(waitroom(p) < 0)
      break;
    tail = (p->head + p->count) % PIPESIZE;
    len = min(n - done, min(PIPESIZE - p->count, PIPESIZE - tail));
    if(either_copyin(&p->ring[tail], 1, addr + done, len) < 0)
      break;
    p->count += len;
  }
  wakeup(&p->count);
  // LAB 4: BEGIN
  pollwakeup();
  // LAB 4: END
  release(&p->lock);
  return done == n ? n : -1;
}

// Sleep until there are bytes to read or no writer is left. Returns -1
// if the caller is killed meanwhile.
static int
waitdata(struct pipe *p)
{
  while(p->count == 0 && p->open[WR]){
    if(killed(myproc()))
      return -1;
    sleep(&p->count, &p->lock);
  }
  return 0;
}

// Move up to n bytes to user address addr. Waits while the pipe is empty
// but still has a writer. Returns the number moved (0 means end of file),
// or -1 if the caller is killed or nothing could be stored at addr.
int
piperead(struct pipe *p, uint addr, int n)
{
  int done, len;

  acquire(&p->lock);
  if(waitdata(p) < 0){
    release(&p->lock);
    return -1;
  }
  // At most two runs: up to the end of the ring, then from its start.
  done = 0;
  while(done < n && p->count > 0){
    len = min(n - done, min(p->count, PIPESIZE - p->head));
    if(either_copyout(1, addr + done, &p->ring[p->head], len) < 0){
      if(done == 0)
        done = -1;          // nothing delivered: report the bad address
      break;
    }
    p->head = (p->head + len) % PIPESIZE;
    p->count -= len;
    done += len;
  }
  wakeup(&p->head);
  // LAB 4: BEGIN
  pollwakeup();
  // LAB 4: END
  release(&p->lock);
  return done;
}

// LAB 4: BEGIN
// For select(): would a read (on the read end) or a write (writable: on
// the write end) return at once? Yes when there are bytes or room, and
// also when the other end is closed: the call then returns at once with
// end of file or an error.
int
pipepoll(struct pipe *p, int writable)
{
  int r;

  acquire(&p->lock);
  if(writable)
    r = p->count < PIPESIZE || !p->open[RD] ? POLLOUT : 0;
  else
    r = p->count > 0 || !p->open[WR] ? POLLIN : 0;
  release(&p->lock);
  return r;
}
// LAB 4: END
