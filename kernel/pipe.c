// Pipes: a PIPESIZE-byte ring buffer between a write end and a read end,
// each a struct file.
//
// nread and nwrite count the bytes ever read and written. They only grow
// (wrapping around a uint is harmless), so the buffer is empty when they are
// equal, full when they differ by PIPESIZE, and byte i lives in
// data[i % PIPESIZE]. Readers sleep on &p->nread and writers wake them;
// writers sleep on &p->nwrite and readers wake them. Closing an end wakes
// the other side so that it notices end of file or the broken pipe.

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

struct pipe {
  struct spinlock lock;
  char data[PIPESIZE];
  uint nread;     // bytes read
  uint nwrite;    // bytes written
  int readopen;   // read end still open
  int writeopen;  // write end still open
};

// Create a pipe and a file for each end. Returns 0, or -1 (with nothing
// allocated) if memory or file slots run out.
int
pipealloc(struct file **f0, struct file **f1)
{
  struct pipe *p;

  p = 0;
  *f0 = *f1 = 0;
  if((*f0 = filealloc()) == 0 || (*f1 = filealloc()) == 0)
    goto bad;
  if(sizeof(struct pipe) > PGSIZE)
    panic("pipealloc: struct pipe too big");
  if((p = (struct pipe*)kalloc()) == 0)
    goto bad;
  p->readopen = 1;
  p->writeopen = 1;
  p->nwrite = 0;
  p->nread = 0;
  initlock(&p->lock, "pipe");
  (*f0)->type = FD_PIPE;
  (*f0)->readable = 1;
  (*f0)->writable = 0;
  (*f0)->pipe = p;
  (*f1)->type = FD_PIPE;
  (*f1)->readable = 0;
  (*f1)->writable = 1;
  (*f1)->pipe = p;
  return 0;

 bad:
  if(*f0)
    fileclose(*f0);
  if(*f1)
    fileclose(*f1);
  return -1;
}

// Close one end (writable says which); the pipe is freed with its last end.
void
pipeclose(struct pipe *p, int writable)
{
  acquire(&p->lock);
  if(writable){
    p->writeopen = 0;
    wakeup(&p->nread);
  } else {
    p->readopen = 0;
    wakeup(&p->nwrite);
  }
  if(p->readopen == 0 && p->writeopen == 0){
    release(&p->lock);
    kfree((char*)p);
  } else {
    release(&p->lock);
  }
}

// Copy n bytes from user address addr into the pipe, sleeping while it is
// full. Returns n, or -1 if the read end is closed, the caller is killed
// or addr is bad (bytes already queued stay queued).
int
pipewrite(struct pipe *p, uint addr, int n)
{
  int i;
  char c;

  acquire(&p->lock);
  for(i = 0; i < n; i++){
    while(p->nwrite == p->nread + PIPESIZE){
      if(p->readopen == 0 || killed(myproc())){
        release(&p->lock);
        return -1;
      }
      wakeup(&p->nread);
      sleep(&p->nwrite, &p->lock);
    }
    if(p->readopen == 0){
      release(&p->lock);
      return -1;
    }
    if(either_copyin(&c, 1, addr + i, 1) < 0){
      wakeup(&p->nread);
      release(&p->lock);
      return -1;
    }
    p->data[p->nwrite++ % PIPESIZE] = c;
  }
  wakeup(&p->nread);
  release(&p->lock);
  return n;
}

// Copy up to n bytes from the pipe to user address addr. Sleeps while the
// pipe is empty and a writer remains; returns 0 at end of file, -1 if the
// caller is killed or addr is bad.
int
piperead(struct pipe *p, uint addr, int n)
{
  int i;
  char c;

  acquire(&p->lock);
  while(p->nread == p->nwrite && p->writeopen){
    if(killed(myproc())){
      release(&p->lock);
      return -1;
    }
    sleep(&p->nread, &p->lock);
  }
  for(i = 0; i < n && p->nread != p->nwrite; i++){
    c = p->data[p->nread % PIPESIZE];
    if(either_copyout(1, addr + i, &c, 1) < 0){
      if(i == 0){
        release(&p->lock);
        return -1;
      }
      break;
    }
    p->nread++;
  }
  wakeup(&p->nwrite);
  release(&p->lock);
  return i;
}
