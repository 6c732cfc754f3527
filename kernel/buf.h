// A disk block held in the buffer cache.
//
// Contract between the cache (bio.c) and the disk drivers (disk.c, ide.c,
// ramdisk.c): the caller of disk_rw(b) holds b->lock. If b->dirty is set,
// disk_rw writes b->data to block b->blockno and clears dirty; otherwise it
// reads the block into b->data and sets valid. Either way it returns only
// when the transfer is complete. `disk` is the IDE driver's own flag: set
// while the request sits in its queue or on the controller.
struct buf {
  // Identity and bookkeeping, guarded by the cache's spinlock (bio.c).
  uint dev;
  uint blockno;
  uint refcnt;       // holders, plus one per pin by the log
  uint lastuse;      // cache clock value when refcnt last fell to 0

  // Guarded by lock, which whoever bread() the buffer holds.
  struct sleeplock lock;
  int valid;         // data holds the block's contents
  int dirty;         // data must be written to the disk by disk_rw
  int disk;          // ide.c: a request for this buffer is in flight
  struct buf *qnext; // ide.c: next request in its queue
  uchar data[BSIZE];
};
