// Buffer cache.
//
// The cache holds NBUF copies of disk blocks in memory. It has two jobs:
// reading a block that was read recently costs no disk access, and there is
// at most one copy of any block, so every process that uses a block sees the
// same bytes and the sleeplock in that copy serialises their changes.
//
// Interface:
//   bread(dev, blockno)  returns a locked buffer holding the block;
//   bwrite(b)            sends the buffer's contents to disk (the log uses it);
//   brelse(b)            unlocks the buffer and gives up the reference.
// A buffer may be used only between its bread and its brelse.
//
// The buffers form a circular list through prev/next, ordered by last
// release: head.next was released most recently, head.prev longest ago.
// A lookup scans from the front (hot blocks are found quickly); a victim
// for recycling is taken from the back (the least recently used buffer
// that nobody holds). bcache.lock protects the list, refcnt, dev and
// blockno; each buffer's sleeplock protects its data, valid and dirty.

#include "types.h"
#include "param.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "defs.h"
#include "fs.h"
#include "buf.h"

struct {
  struct spinlock lock;
  struct buf buf[NBUF];
  struct buf head;   // sentinel of the LRU list
} bcache;

void
binit(void)
{
  struct buf *b;

  initlock(&bcache.lock, "bcache");
  bcache.head.prev = &bcache.head;
  bcache.head.next = &bcache.head;
  for(b = bcache.buf; b < bcache.buf+NBUF; b++){
    initsleeplock(&b->lock, "buffer");
    b->next = bcache.head.next;
    b->prev = &bcache.head;
    bcache.head.next->prev = b;
    bcache.head.next = b;
  }
}

// Find the cached copy of block blockno on dev, or recycle the least
// recently used idle buffer for it. Returns the buffer locked.
static struct buf*
bget(uint dev, uint blockno)
{
  struct buf *b;

  acquire(&bcache.lock);
  for(b = bcache.head.next; b != &bcache.head; b = b->next){
    if(b->dev == dev && b->blockno == blockno){
      b->refcnt++;
      release(&bcache.lock);
      acquiresleep(&b->lock);
      return b;
    }
  }

  // Not cached. A buffer with refcnt 0 is not locked by anyone and no one
  // can find it any more once dev/blockno change, so it is safe to reuse.
  for(b = bcache.head.prev; b != &bcache.head; b = b->prev){
    if(b->refcnt == 0){
      b->dev = dev;
      b->blockno = blockno;
      b->valid = 0;
      b->dirty = 0;
      b->refcnt = 1;
      release(&bcache.lock);
      acquiresleep(&b->lock);
      return b;
    }
  }
  // Every buffer is held: the log's bound on blocks per transaction
  // (MAXOPBLOCKS) is meant to make this impossible.
  panic("bget: no buffers");
}

// Return a locked buffer with the contents of the block.
struct buf*
bread(uint dev, uint blockno)
{
  struct buf *b;

  b = bget(dev, blockno);
  if(!b->valid)
    disk_rw(b);
  return b;
}

// Write b's contents to disk now. The caller must hold the buffer.
void
bwrite(struct buf *b)
{
  if(!holdingsleep(&b->lock))
    panic("bwrite: buffer not locked");
  b->dirty = 1;
  disk_rw(b);
}

// Unlock the buffer and drop the caller's reference. When the last holder
// lets go, the buffer moves to the front of the LRU list.
void
brelse(struct buf *b)
{
  if(!holdingsleep(&b->lock))
    panic("brelse: buffer not locked");
  releasesleep(&b->lock);

  acquire(&bcache.lock);
  if(b->refcnt == 0)
    panic("brelse: refcnt");
  b->refcnt--;
  if(b->refcnt == 0){
    b->next->prev = b->prev;
    b->prev->next = b->next;
    b->next = bcache.head.next;
    b->prev = &bcache.head;
    bcache.head.next->prev = b;
    bcache.head.next = b;
  }
  release(&bcache.lock);
}

// The log pins a buffer it has recorded but not yet installed, so the
// cache cannot recycle it (and lose the change) in the meantime.
void
bpin(struct buf *b)
{
  acquire(&bcache.lock);
  b->refcnt++;
  release(&bcache.lock);
}

void
bunpin(struct buf *b)
{
  acquire(&bcache.lock);
  if(b->refcnt == 0)
    panic("bunpin: refcnt");
  b->refcnt--;
  release(&bcache.lock);
}
