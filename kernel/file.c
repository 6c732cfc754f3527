// Open files: what a file descriptor points at.
//
// open() and pipe() create a struct file; it records which object was
// opened (an inode, a device inode or one end of a pipe), whether it may
// be read or written, and for plain inodes the offset of the next byte.
// Descriptors are just pointers to these, so dup() and fork() make two
// descriptors share one struct file, offset included. The count of such
// pointers is f->ref; the object is released when the last one goes.
//
// All struct files come from one fixed table of NFILE slots; a slot is
// free while its ref is 0. The table's spinlock covers ref and the
// choice of slot. The remaining fields are set once, before the file is
// visible to anyone else, except the offset, which changes only while the
// inode's sleeplock is held.
//
// Devices have no data on disk: reads and writes of an FD_DEVICE file go
// to the functions a driver put in devsw[major] at boot (console.c for
// CONSOLE, the NIC for ETHER). The driver is handed the struct file, so
// it can honour flags chosen at open time, like nonblock.

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
// LAB 4: BEGIN
#include "net.h"
#include "socket.h"
// LAB 4: END

struct devsw devsw[NDEV];

static struct spinlock filelock;
static struct file files[NFILE];

// How many bytes one transaction may write to a file. A piece of k
// blocks that starts in the middle of a block touches k+1 data blocks,
// and any of them may be new, costing a bitmap block as well: 2(k+1).
// The lists that map them (fs.h, fs.c's bmap) cost at most 5 more: a
// piece that runs from the indirect block's last entries into the
// doubly-indirect range rewrites the indirect block (1), and needs a new
// doubly-indirect block and a new indirect block under it (each itself
// plus its bitmap block, 4); every other piece needs fewer. The inode
// block is always rewritten (1). So 2(k+1) + 6 blocks in all, which must
// fit in the MAXOPBLOCKS that begin_op() reserves: k = (MAXOPBLOCKS-8)/2.
#define WRITEPIECE  (((MAXOPBLOCKS - 8) / 2) * BSIZE)

void
fileinit(void)
{
  initlock(&filelock, "ftable");
  // LAB 4: BEGIN
  pollinit();
  // LAB 4: END
}

// Hand out a free slot, cleared and with one reference, or 0 when all
// NFILE are in use. The caller fills in type and the object.
struct file*
filealloc(void)
{
  struct file *f;
  int i;

  acquire(&filelock);
  for(i = 0; i < NFILE; i++){
    if(files[i].ref != 0)
      continue;
    f = &files[i];
    memset(f, 0, sizeof(*f));   // FD_NONE, no object, offset 0
    f->ref = 1;
    release(&filelock);
    return f;
  }
  release(&filelock);
  return 0;
}

// One more descriptor now points at f.
struct file*
filedup(struct file *f)
{
  acquire(&filelock);
  if(f->ref <= 0)
    panic("filedup: free slot");
  f->ref += 1;
  release(&filelock);
  return f;
}

// Drop one reference to f. Returns 1 if it was the last: the slot is then
// free again and *last holds what it described. Only the table lock is
// held here; the caller releases the object afterwards, since that may
// sleep.
static int
unref(struct file *f, struct file *last)
{
  int gone;

  acquire(&filelock);
  if(f->ref <= 0)
    panic("fileclose: free slot");
  f->ref -= 1;
  gone = f->ref == 0;
  if(gone){
    *last = *f;
    f->type = FD_NONE;
  }
  release(&filelock);
  return gone;
}

// A descriptor stops pointing at f; the last one to go closes the pipe
// end or drops the inode (which frees it if it has no links left; that
// writes to disk, hence the transaction).
void
fileclose(struct file *f)
{
  struct file last;

  if(!unref(f, &last))
    return;
  switch(last.type){
  case FD_PIPE:
    pipeclose(last.pipe, last.writable);
    break;
  // LAB 5: BEGIN SOLUTION
  case FD_REMOTE:
    nfsclose(&last);
    break;
  // LAB 5: STUB
  // // Lab 5: an FD_REMOTE file's last close (nfs/remote.c).
  // LAB 5: END
  case FD_INODE:
  case FD_DEVICE:
    begin_op();
    iput(last.ip);
    end_op();
    break;
  // LAB 4: BEGIN SOLUTION
  case FD_SOCK:
    sockclose(last.sock);
    break;
  // LAB 4: STUB
  // LAB 4: END
  default:
    break;              // FD_NONE: allocated, then abandoned before use
  }
}

// Is there an inode behind f?
static int
hasinode(struct file *f)
{
  return f->type == FD_INODE || f->type == FD_DEVICE;
}

// The driver entry for a device file, or 0 if none is registered.
static struct devsw*
driver(struct file *f)
{
  if(f->major < 0 || f->major >= NDEV)
    return 0;
  return &devsw[f->major];
}

// A read of a device file that shows a text (an info file): text holds
// len bytes, rebuilt by the driver for this read; copy what follows f's
// offset, at most n bytes, and advance it. Each open starts at the
// beginning and a read at the end returns 0, so `cat` works and a fresh
// open shows fresh figures. Returns the bytes read, or -1.
int
devtext_read(struct file *f, int user_dst, uint addr, int n,
             const char *text, int len)
{
  if(n < 0)
    return -1;
  if(f->off >= len)
    return 0;
  if(n > len - f->off)
    n = len - f->off;
  if(either_copyout(user_dst, addr, (void*)(text + f->off), n) < 0)
    return -1;
  f->off += n;
  return n;
}

// Store f's metadata as a struct stat at user address addr.
int
filestat(struct file *f, uint addr)
{
  struct stat st;

  // LAB 5: BEGIN SOLUTION
  if(f->type == FD_REMOTE){
    if(nfsstat(f, &st) < 0)
      return -1;
    return either_copyout(1, addr, &st, sizeof(st)) < 0 ? -1 : 0;
  }
  // LAB 5: STUB
  // // Lab 5: fstat of an FD_REMOTE file (nfs/remote.c).
  // LAB 5: END
  if(!hasinode(f))
    return -1;
  ilock(f->ip);
  stati(f->ip, &st);
  iunlock(f->ip);
  return either_copyout(1, addr, &st, sizeof(st)) < 0 ? -1 : 0;
}

// Read at f's offset and move the offset past what was read.
static int
inoderead(struct file *f, uint addr, int n)
{
  int got;

  ilock(f->ip);
  got = readi(f->ip, 1, addr, f->off, n);
  if(got > 0)
    f->off += got;
  iunlock(f->ip);
  return got;
}

// Read up to n bytes from f to user address addr. Returns the count,
// 0 at end of file, or -1.
int
fileread(struct file *f, uint addr, int n)
{
  struct devsw *d;

  if(!f->readable || n < 0)
    return -1;
  switch(f->type){
  case FD_INODE:
    return inoderead(f, addr, n);
  // LAB 5: BEGIN SOLUTION
  case FD_REMOTE:
    return nfsread(f, addr, n);
  // LAB 5: STUB
  // // Lab 5: reading an FD_REMOTE file (nfs/remote.c).
  // LAB 5: END
  case FD_PIPE:
    return piperead(f->pipe, addr, n);
  case FD_DEVICE:
    d = driver(f);
    return d && d->read ? d->read(f, 1, addr, n) : -1;
  // LAB 4: BEGIN SOLUTION
  case FD_SOCK:
    return sockrecv(f->sock, addr, n, f->nonblock ? MSG_DONTWAIT : 0, 0, 0);
  // LAB 4: STUB
  // LAB 4: END
  default:
    panic("fileread: slot not set up");
  }
}

// Write one piece (at most WRITEPIECE bytes) as its own transaction.
static int
writepiece(struct file *f, uint addr, int n)
{
  int put;

  begin_op();
  ilock(f->ip);
  put = writei(f->ip, 1, addr, f->off, n);
  if(put > 0)
    f->off += put;
  iunlock(f->ip);
  end_op();
  return put;
}

// A large write is split into pieces, each committed on its own, so no
// transaction outgrows the log. If a piece comes up short (disk full, bad
// address) the pieces before it stay written, but the call reports -1.
static int
inodewrite(struct file *f, uint addr, int n)
{
  int done, len;

  done = 0;
  while(done < n){
    len = n - done;
    if(len > WRITEPIECE)
      len = WRITEPIECE;
    if(writepiece(f, addr + done, len) != len)
      return -1;
    done += len;
  }
  return n;
}

// Write n bytes from user address addr to f. Returns n or -1.
int
filewrite(struct file *f, uint addr, int n)
{
  struct devsw *d;

  if(!f->writable || n < 0)
    return -1;
  switch(f->type){
  case FD_INODE:
    return inodewrite(f, addr, n);
  // LAB 5: BEGIN SOLUTION
  case FD_REMOTE:
    return nfswrite(f, addr, n);
  // LAB 5: STUB
  // // Lab 5: writing an FD_REMOTE file (nfs/remote.c).
  // LAB 5: END
  case FD_PIPE:
    return pipewrite(f->pipe, addr, n);
  case FD_DEVICE:
    d = driver(f);
    return d && d->write ? d->write(f, 1, addr, n) : -1;
  // LAB 4: BEGIN SOLUTION
  case FD_SOCK:
    return socksend(f->sock, addr, n, f->nonblock ? MSG_DONTWAIT : 0, 0, 0);
  // LAB 4: STUB
  // LAB 4: END
  default:
    panic("filewrite: slot not set up");
  }
}

// LAB 4: BEGIN
// Which calls on f would not wait now (POLLIN, POLLOUT, POLLERR), for
// select(). A file on disk never makes anyone wait; nor does a device
// whose driver has no poll function.
int
filepoll(struct file *f)
{
  struct devsw *d;

  switch(f->type){
  case FD_PIPE:
    return pipepoll(f->pipe, f->writable);
  case FD_DEVICE:
    d = driver(f);
    return d && d->poll ? d->poll(f) : POLLIN | POLLOUT;
// LAB 4: END
  // LAB 4: BEGIN SOLUTION
  case FD_SOCK:
    return sockpoll(f->sock);
  // LAB 4: STUB
  // LAB 4: END
// LAB 4: BEGIN
  default:
    return POLLIN | POLLOUT;
  }
}
// LAB 4: END
