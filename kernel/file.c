// Open files: the layer between file descriptors and the objects behind
// them (inodes, pipes, devices).
//
// A struct file is one open() (or pipe end): the object, the access mode
// and, for inodes, the current offset. Several descriptors, in one process
// (dup) or across fork, may share one struct file, and then share the
// offset; ref counts them. All struct files live in the fixed table
// ftable.file[NFILE], protected by ftable.lock (which guards only ref and
// type; the offset is protected by the inode's sleeplock).
//
// Device files (T_DEV inodes) are dispatched through devsw[major], a table
// that drivers fill in at boot (console.c: CONSOLE, the NIC: ETHER). A
// driver gets the struct file itself, so it can honour per-open flags
// such as nonblock.

#include "types.h"
#include "param.h"
#include "fs.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "defs.h"
#include "file.h"
#include "stat.h"
#include "mmu.h"
#include "proc.h"

struct devsw devsw[NDEV];

struct {
  struct spinlock lock;
  struct file file[NFILE];
} ftable;

void
fileinit(void)
{
  initlock(&ftable.lock, "ftable");
}

// Allocate a file structure with ref 1, or return 0 if the table is full.
struct file*
filealloc(void)
{
  struct file *f;

  acquire(&ftable.lock);
  for(f = ftable.file; f < ftable.file + NFILE; f++){
    if(f->ref == 0){
      f->ref = 1;
      release(&ftable.lock);
      return f;
    }
  }
  release(&ftable.lock);
  return 0;
}

// Take another reference to f.
struct file*
filedup(struct file *f)
{
  acquire(&ftable.lock);
  if(f->ref < 1)
    panic("filedup: file not open");
  f->ref++;
  release(&ftable.lock);
  return f;
}

// Drop a reference; the last one releases the object behind the file.
void
fileclose(struct file *f)
{
  struct file ff;

  acquire(&ftable.lock);
  if(f->ref < 1)
    panic("fileclose: file not open");
  if(--f->ref > 0){
    release(&ftable.lock);
    return;
  }
  // Copy out what is needed and free the slot before the (possibly
  // sleeping) release of the object, which must not hold a spinlock.
  ff = *f;
  f->ref = 0;
  f->type = FD_NONE;
  f->nonblock = 0;
  release(&ftable.lock);

  if(ff.type == FD_PIPE){
    pipeclose(ff.pipe, ff.writable);
  } else if(ff.type == FD_INODE || ff.type == FD_DEVICE){
    begin_op();
    iput(ff.ip);
    end_op();
  }
}

// Copy f's metadata to the struct stat at user address addr.
int
filestat(struct file *f, uint addr)
{
  struct stat st;

  if(f->type != FD_INODE && f->type != FD_DEVICE)
    return -1;
  ilock(f->ip);
  stati(f->ip, &st);
  iunlock(f->ip);
  if(either_copyout(1, addr, &st, sizeof(st)) < 0)
    return -1;
  return 0;
}

// Read up to n bytes from f into user address addr.
int
fileread(struct file *f, uint addr, int n)
{
  int r;

  if(f->readable == 0 || n < 0)
    return -1;

  switch(f->type){
  case FD_PIPE:
    return piperead(f->pipe, addr, n);
  case FD_DEVICE:
    if(f->major < 0 || f->major >= NDEV || devsw[f->major].read == 0)
      return -1;
    return devsw[f->major].read(f, 1, addr, n);
  case FD_INODE:
    ilock(f->ip);
    r = readi(f->ip, 1, addr, f->off, n);
    if(r > 0)
      f->off += r;
    iunlock(f->ip);
    return r;
  default:
    panic("fileread: bad file type");
  }
}

// Write n bytes from user address addr to an inode, in pieces small enough
// that each fits in one log transaction: the inode block, the indirect
// block, the bitmap blocks and the data blocks of one piece must stay
// within MAXOPBLOCKS. A write that fails part way has written the
// earlier pieces; it still reports -1.
static int
inodewrite(struct file *f, uint addr, int n)
{
  int max = ((MAXOPBLOCKS-1-1-2) / 2) * BSIZE;
  int i, n1, r;

  for(i = 0; i < n; i += r){
    n1 = n - i;
    if(n1 > max)
      n1 = max;
    begin_op();
    ilock(f->ip);
    r = writei(f->ip, 1, addr + i, f->off, n1);
    if(r > 0)
      f->off += r;
    iunlock(f->ip);
    end_op();
    if(r != n1)
      return -1;
  }
  return n;
}

// Write n bytes from user address addr to f.
int
filewrite(struct file *f, uint addr, int n)
{
  if(f->writable == 0 || n < 0)
    return -1;

  switch(f->type){
  case FD_PIPE:
    return pipewrite(f->pipe, addr, n);
  case FD_DEVICE:
    if(f->major < 0 || f->major >= NDEV || devsw[f->major].write == 0)
      return -1;
    return devsw[f->major].write(f, 1, addr, n);
  case FD_INODE:
    return inodewrite(f, addr, n);
  default:
    panic("filewrite: bad file type");
  }
}
