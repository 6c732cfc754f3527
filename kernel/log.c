// The file-system log: every system call's changes to the disk happen
// completely or, after a crash, not at all.
//
// Why: creating a file touches several blocks (bitmap, inode, directory).
// A crash between those writes would leave, say, a directory entry naming
// an unallocated inode. So the file system never writes its blocks in
// place while a system call runs. It writes them twice: first all of them
// into a separate log area, then, once the log is known to be complete,
// into their real places.
//
// On disk, the log area starting at sb.logstart looks like
//
//   logstart:      header  { n; home block number of each logged block }
//   logstart+1+i:  the new contents of the block header.block[i]
//
// and a transaction goes through four steps (commit()):
//   a. copy every changed block into its slot in the log area;
//   b. write the header with n > 0. This one-block write is atomic, and it
//      is the moment the transaction takes effect: from now on a crash
//      cannot undo it;
//   c. copy every logged block to its home;
//   d. write the header with n = 0: the log is empty again.
// After a crash, initlog() looks at the header. n = 0: nothing was
// committed, or everything was already installed. n > 0: steps c and d
// are (re)done from the log. Doing c twice does no harm, since it writes
// the same contents again.
//
// Use, in any system call that changes the file system:
//   begin_op(); ... bp = bread(); change bp->data; log_write(bp);
//   brelse(bp); ... end_op();
// log_write() only notes the block's number and pins its buffer so the
// changed copy stays cached; the data go to disk at commit.
//
// Several system calls may be between begin_op and end_op at once; they
// all join one transaction, which is committed when the last of them
// ends. begin_op() lets a call in only if, even if every call in progress
// changes MAXOPBLOCKS distinct blocks, the log still has room. A block
// changed several times within a transaction takes a single slot.

#include "types.h"
#include "param.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "defs.h"
#include "fs.h"
#include "buf.h"

// The header block's layout; the in-memory copy lists the blocks of the
// transaction being built.
struct logheader {
  int n;
  int block[LOGSIZE];
};

static struct {
  struct spinlock lock;  // guards every field below
  uint dev;
  uint head;             // block number of the header; slots follow it
  int nslots;            // log blocks available for data
  int active;            // system calls between begin_op and end_op
  int committing;        // a commit is writing to the disk
  struct logheader lh;   // blocks changed by the current transaction
} log;

// Disk block of the i'th log slot.
static uint
slot_block(int i)
{
  return log.head + 1 + i;
}

// Copy block src to block dst through the cache, and write dst to disk.
static void
copy_block(uint src, uint dst)
{
  struct buf *from, *to;

  from = bread(log.dev, src);
  to = bread(log.dev, dst);
  memmove(to->data, from->data, BSIZE);
  bwrite(to);
  brelse(to);
  brelse(from);
}

// Write the header naming the first n blocks of log.lh. n = 0 empties
// the log; n > 0 commits.
static void
store_header(int n)
{
  struct buf *b;
  struct logheader *disk;

  b = bread(log.dev, log.head);
  disk = (struct logheader*)b->data;
  disk->n = n;
  memmove(disk->block, log.lh.block, n * sizeof(disk->block[0]));
  bwrite(b);
  brelse(b);
}

// Read the header from disk into log.lh.
static void
load_header(void)
{
  struct buf *b;
  struct logheader *disk;

  b = bread(log.dev, log.head);
  disk = (struct logheader*)b->data;
  if(disk->n < 0 || disk->n > log.nslots)
    panic("load_header: header is corrupt");
  log.lh.n = disk->n;
  memmove(log.lh.block, disk->block, disk->n * sizeof(disk->block[0]));
  brelse(b);
}

// Boot-time recovery: finish a transaction that was committed but
// perhaps not installed when the machine went down.
static void
recover(void)
{
  int i;

  load_header();
  if(log.lh.n == 0)
    return;
  cprintf("log: replaying %d blocks\n", log.lh.n);
  for(i = 0; i < log.lh.n; i++)
    copy_block(slot_block(i), log.lh.block[i]);
  log.lh.n = 0;
  store_header(0);
}

void
initlog(int dev)
{
  struct superblock sb;

  if(sizeof(struct logheader) > BSIZE)
    panic("initlog: header larger than a block");

  initlock(&log.lock, "log");
  readsb(dev, &sb);
  if(sb.nlog < 2)
    panic("initlog: no log area on the disk");
  log.dev = dev;
  log.head = sb.logstart;
  log.nslots = sb.nlog - 1;
  if(log.nslots > LOGSIZE)
    log.nslots = LOGSIZE;
  recover();
}

// Step c for a live transaction: the buffers pinned by log_write still
// hold the new contents, so each is written to its home from the cache,
// and then unpinned.
static void
install(void)
{
  int i;
  struct buf *b;

  for(i = 0; i < log.lh.n; i++){
    b = bread(log.dev, log.lh.block[i]);
    bwrite(b);
    bunpin(b);
    brelse(b);
  }
}

// Steps a to d. Runs without log.lock (it sleeps on the disk); the
// committing flag keeps every other system call out meanwhile.
static void
commit(void)
{
  int i;

  if(log.lh.n == 0)
    return;                     // read-only transaction
  for(i = 0; i < log.lh.n; i++)
    copy_block(log.lh.block[i], slot_block(i));
  store_header(log.lh.n);       // the transaction now survives a crash
  install();
  store_header(0);
  log.lh.n = 0;
}

// May one more system call join the transaction? Caller holds log.lock.
static int
room_for_one_more(void)
{
  if(log.committing)
    return 0;
  return log.lh.n + (log.active + 1) * MAXOPBLOCKS <= log.nslots;
}

// Called at the start of each file-system system call.
void
begin_op(void)
{
  acquire(&log.lock);
  while(!room_for_one_more())
    sleep(&log, &log.lock);
  log.active++;
  release(&log.lock);
}

// Called at the end of each file-system system call. The last call to
// leave a transaction commits it.
void
end_op(void)
{
  int last;

  acquire(&log.lock);
  if(log.active <= 0)
    panic("end_op: no system call in progress");
  if(log.committing)
    panic("end_op: commit in progress");
  log.active--;
  last = (log.active == 0);
  if(last)
    log.committing = 1;
  release(&log.lock);

  if(last)
    commit();

  // Whether a commit emptied the log or this call just gave back its
  // reserved room, a begin_op() may now be able to proceed.
  acquire(&log.lock);
  if(last)
    log.committing = 0;
  wakeup(&log);
  release(&log.lock);
}

// The file system's replacement for bwrite(): the caller has changed a
// buffer it holds and wants the change in the current transaction. The
// caller still brelse()s the buffer as usual.
void
log_write(struct buf *b)
{
  int i;

  acquire(&log.lock);
  if(log.active == 0)
    panic("log_write: not inside begin_op/end_op");

  for(i = 0; i < log.lh.n; i++){
    if(log.lh.block[i] == b->blockno){
      release(&log.lock);       // already in this transaction
      return;
    }
  }
  if(log.lh.n >= log.nslots)
    panic("log_write: transaction too big for the log");
  log.lh.block[log.lh.n++] = b->blockno;
  bpin(b);
  release(&log.lock);
}
