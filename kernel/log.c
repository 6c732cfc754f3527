// Write-ahead redo log: makes each file-system operation atomic with
// respect to crashes.
//
// A system call that changes the file system brackets its work with
// begin_op() and end_op(). In between, instead of bwrite() it calls
// log_write(b), which only records the block number in the in-memory log
// header and pins the buffer in the cache; nothing reaches the file system's
// blocks yet. The on-disk log, at sb.logstart, is one header block followed
// by up to LOGSIZE data blocks:
//
//   [ header: n, block[0..n-1] | copy of block[0] | copy of block[1] | ... ]
//
// Commit protocol (commit()):
//   1. write every modified block's cached contents into the log area;
//   2. write the header with n > 0.  This single-sector write is the commit
//      point: after it, the transaction will happen even if we crash;
//   3. install: copy each logged block to its home location;
//   4. write the header with n = 0, which retires the transaction.
// A crash before step 2 leaves a header with n = 0 (or the previous, already
// installed, transaction retired), so the changes vanish entirely; a crash
// after step 2 is repaired at boot by initlog(), which replays step 3 and 4
// from the log. Replaying is harmless when the install had already finished:
// it writes the same bytes again (a "redo" log).
//
// Group commit: several processes' operations may be in progress at once;
// the log is committed only when none is outstanding, so one commit never
// captures half of an operation. begin_op() admits a new operation only if
// the log has room for it in the worst case (MAXOPBLOCKS new blocks for each
// outstanding operation), and never while a commit is running.
// Absorption: a block written many times in one transaction (the bitmap, an
// inode block) occupies one log slot.

#include "types.h"
#include "param.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "defs.h"
#include "fs.h"
#include "buf.h"

// The header, both on disk (block sb.logstart) and in memory.
struct logheader {
  int n;
  int block[LOGSIZE];
};

struct log {
  struct spinlock lock;
  int start;          // first block of the log area (the header)
  int size;           // data blocks usable in the log area
  int outstanding;    // operations between begin_op and end_op
  int committing;     // commit() is running; new operations wait
  int dev;
  struct logheader lh;
};
struct log log;

static void recover_from_log(void);
static void commit(void);

void
initlog(int dev)
{
  struct superblock sb;

  if(sizeof(struct logheader) >= BSIZE)
    panic("initlog: log header does not fit in a block");

  initlock(&log.lock, "log");
  readsb(dev, &sb);
  if(sb.nlog < 2)
    panic("initlog: file system has no log area");
  log.start = sb.logstart;
  log.size = sb.nlog - 1;
  if(log.size > LOGSIZE)
    log.size = LOGSIZE;
  log.dev = dev;
  recover_from_log();
}

// Copy each block recorded in the header from its log slot to its home
// location. During a normal commit the cached buffers are already correct,
// so they are written directly; during recovery they come from the log.
static void
install_trans(int recovering)
{
  int i;
  struct buf *lbuf, *dbuf;

  for(i = 0; i < log.lh.n; i++){
    dbuf = bread(log.dev, log.lh.block[i]);
    if(recovering){
      lbuf = bread(log.dev, log.start + 1 + i);
      memmove(dbuf->data, lbuf->data, BSIZE);
      brelse(lbuf);
    }
    bwrite(dbuf);
    if(!recovering)
      bunpin(dbuf);
    brelse(dbuf);
  }
}

static void
read_head(void)
{
  struct buf *b;
  struct logheader *hb;
  int i;

  b = bread(log.dev, log.start);
  hb = (struct logheader *) b->data;
  if(hb->n < 0 || hb->n > log.size)
    panic("read_head: corrupt log header");
  log.lh.n = hb->n;
  for(i = 0; i < log.lh.n; i++)
    log.lh.block[i] = hb->block[i];
  brelse(b);
}

// Write the in-memory header to disk. With n > 0 this is the commit point.
static void
write_head(void)
{
  struct buf *b;
  struct logheader *hb;
  int i;

  b = bread(log.dev, log.start);
  hb = (struct logheader *) b->data;
  hb->n = log.lh.n;
  for(i = 0; i < log.lh.n; i++)
    hb->block[i] = log.lh.block[i];
  bwrite(b);
  brelse(b);
}

static void
recover_from_log(void)
{
  read_head();
  if(log.lh.n > 0)
    cprintf("log: replaying %d blocks\n", log.lh.n);
  install_trans(1);
  log.lh.n = 0;
  write_head();
}

// Start a file-system operation: wait until the log can surely hold it.
void
begin_op(void)
{
  acquire(&log.lock);
  for(;;){
    if(log.committing){
      sleep(&log, &log.lock);
    } else if(log.lh.n + (log.outstanding+1)*MAXOPBLOCKS > log.size){
      // Admitting this operation could overflow the log; wait for a commit.
      sleep(&log, &log.lock);
    } else {
      log.outstanding++;
      release(&log.lock);
      return;
    }
  }
}

// Finish an operation; the last one out commits the whole group.
void
end_op(void)
{
  int do_commit = 0;

  acquire(&log.lock);
  if(log.outstanding <= 0)
    panic("end_op: no operation in progress");
  if(log.committing)
    panic("end_op: committing");
  log.outstanding--;
  if(log.outstanding == 0){
    do_commit = 1;
    log.committing = 1;
  } else {
    // begin_op may be waiting for the room this operation reserved.
    wakeup(&log);
  }
  release(&log.lock);

  if(do_commit){
    // commit() sleeps on disk I/O, so it runs without the spinlock;
    // committing=1 keeps everyone else out meanwhile.
    commit();
    acquire(&log.lock);
    log.committing = 0;
    wakeup(&log);
    release(&log.lock);
  }
}

// Step 1 of the protocol: copy each modified block from the cache into
// its slot in the log area.
static void
write_log(void)
{
  int i;
  struct buf *from, *to;

  for(i = 0; i < log.lh.n; i++){
    to = bread(log.dev, log.start + 1 + i);
    from = bread(log.dev, log.lh.block[i]);
    memmove(to->data, from->data, BSIZE);
    bwrite(to);
    brelse(from);
    brelse(to);
  }
}

static void
commit(void)
{
  if(log.lh.n == 0)
    return;
  write_log();
  write_head();       // the commit point
  install_trans(0);
  log.lh.n = 0;
  write_head();       // retire the transaction
}

// File-system code calls this where it would otherwise call bwrite(): b
// is locked and its data changed; the change becomes part of the current
// transaction and reaches the disk at commit. The caller still brelse()s b.
void
log_write(struct buf *b)
{
  int i;

  acquire(&log.lock);
  if(log.outstanding < 1)
    panic("log_write: outside of a transaction");
  for(i = 0; i < log.lh.n; i++){
    if(log.lh.block[i] == b->blockno)
      break;          // absorbed: the block already has a slot
  }
  if(i == log.lh.n){
    if(log.lh.n >= log.size)
      panic("log_write: transaction too big");
    log.lh.block[i] = b->blockno;
    log.lh.n++;
    bpin(b);          // keep the modified copy cached until installed
  }
  release(&log.lock);
}
