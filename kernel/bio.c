// The buffer cache: NBUF block-sized buffers between the file system and
// the disk driver.
//
// Why it exists:
//   * speed: a block used a moment ago (a directory, the bitmap, an inode
//     block) is usually needed again soon, and then no disk access is due;
//   * one copy per block: since a block is never cached twice, the buffer's
//     sleeplock is the lock on the block itself, and every process sees the
//     latest bytes.
//
// Use: bread(dev, blockno) hands out the buffer locked and filled; the
// caller reads or changes b->data, calls bwrite(b) (or, in the file system,
// log_write(b)) if it changed it, and finally brelse(b). Between bread and
// brelse nobody else can touch the buffer.
//
// Replacement. Each buffer carries a stamp, lastuse, taken from a counter
// (bcache.clock) that ticks whenever some buffer loses its last holder. A
// block that is not cached takes over the idle buffer (refcnt 0) with the
// smallest stamp: the one that has sat unused the longest. Buffers still
// held, or pinned by the log, are never taken. With NBUF this small, a
// linear scan of the array is cheaper to read and to reason about than a
// list kept in LRU order. (The 32-bit clock would need four billion
// releases to wrap; after that, replacement is merely less well chosen.)
//
// Locking: bcache.lock covers dev, blockno, refcnt and lastuse of every
// buffer and the clock; it is held only for a scan, never across disk I/O.
// The per-buffer sleeplock covers the contents.

#include "types.h"
#include "param.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "defs.h"
#include "fs.h"
#include "buf.h"

static struct {
  struct spinlock lock;
  uint clock;
  struct buf buf[NBUF];
} bcache;

void
binit(void)
{
  int i;

  initlock(&bcache.lock, "bcache");
  bcache.clock = 0;
  for(i = 0; i < NBUF; i++){
    initsleeplock(&bcache.buf[i].lock, "buffer");
    bcache.buf[i].refcnt = 0;
    bcache.buf[i].lastuse = 0;   // never used: the first victims
  }
}

// The buffer that caches (dev, blockno), or 0. Caller holds bcache.lock.
static struct buf*
cached(uint dev, uint blockno)
{
  int i;
  struct buf *b;

  for(i = 0; i < NBUF; i++){
    b = &bcache.buf[i];
    if(b->blockno == blockno && b->dev == dev)
      return b;
  }
  return 0;
}

// The idle buffer unused for longest, or 0 if every buffer is held.
// Caller holds bcache.lock.
static struct buf*
victim(void)
{
  int i;
  struct buf *b, *best;

  best = 0;
  for(i = 0; i < NBUF; i++){
    b = &bcache.buf[i];
    if(b->refcnt > 0)
      continue;
    if(best == 0 || b->lastuse < best->lastuse)
      best = b;
  }
  return best;
}

// Take a reference to the buffer for (dev, blockno), giving the block a
// buffer of its own if it has none. The buffer is not locked yet: that
// may mean a sleep, which bread does after dropping the spinlock.
static struct buf*
bget(uint dev, uint blockno)
{
  struct buf *b;

  acquire(&bcache.lock);
  b = cached(dev, blockno);
  if(b == 0){
    // refcnt 0 means no one holds or waits for the victim's sleeplock,
    // and once its identity changes no one can look its old block up.
    b = victim();
    if(b == 0)
      panic("bget: every buffer is held");
    b->dev = dev;
    b->blockno = blockno;
    b->valid = 0;
    b->dirty = 0;
  }
  b->refcnt++;
  release(&bcache.lock);
  return b;
}

// Add delta (+1 or -1) to b's reference count. When the last reference
// goes, the buffer's idle time starts now.
static void
ref_change(struct buf *b, int delta, char *underflow)
{
  acquire(&bcache.lock);
  if(delta < 0 && b->refcnt == 0)
    panic(underflow);
  b->refcnt += delta;
  if(b->refcnt == 0)
    b->lastuse = ++bcache.clock;
  release(&bcache.lock);
}

// Buffers move between the cache and a caller only in locked state.
static void
must_hold(struct buf *b, char *who)
{
  if(!holdingsleep(&b->lock))
    panic(who);
}

// The block's buffer, locked and holding the block's contents.
struct buf*
bread(uint dev, uint blockno)
{
  struct buf *b = bget(dev, blockno);

  acquiresleep(&b->lock);       // wait for any other holder to finish
  if(!b->valid)
    disk_rw(b);
  if(!b->valid)
    panic("bread: driver left the buffer empty");
  return b;
}

// Send the buffer's contents to its block now, synchronously. The caller
// holds the buffer (between bread and brelse).
void
bwrite(struct buf *b)
{
  must_hold(b, "bwrite: caller does not hold the buffer");
  b->dirty = 1;
  disk_rw(b);
}

// The caller is done with the buffer: unlock it and give up its reference.
void
brelse(struct buf *b)
{
  must_hold(b, "brelse: caller does not hold the buffer");
  releasesleep(&b->lock);
  ref_change(b, -1, "brelse: no reference");
}

// The log keeps an extra reference to each buffer it will write at
// commit, so that the changed copy stays in memory until then even if
// every process has released it.
void
bpin(struct buf *b)
{
  ref_change(b, +1, 0);
}

void
bunpin(struct buf *b)
{
  ref_change(b, -1, "bunpin: not pinned");
}
