// A disk block held in the buffer cache.
//
// Contract between the cache (bio.c) and the disk drivers (disk.c, ide.c,
// ramdisk.c): the caller of disk_rw(b) holds b->lock. If b->dirty is set,
// disk_rw writes b->data to block b->blockno and clears dirty; otherwise it
// reads the block into b->data and sets valid. Either way it returns only
// when the transfer is complete. `disk` is the IDE driver's own flag: set
// while the request sits in its queue or on the controller.
struct buf {
  int valid;   // data holds the block's contents
  int dirty;   // data must be written back before it can be trusted on disk
  int disk;    // a request for this buffer is in flight
  uint dev;
  uint blockno;
  struct sleeplock lock;
  uint refcnt;
  struct buf *prev; // LRU cache list
  struct buf *next;
  struct buf *qnext; // disk queue
  uchar data[BSIZE];
};
