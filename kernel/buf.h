// A disk block held in the buffer cache.
struct buf {
  int valid;   // has data been read from disk?
  int disk;    // does disk "own" buf? (set while a request is in flight)
  uint dev;
  uint blockno;
  struct sleeplock lock;
  uint refcnt;
  struct buf *prev; // LRU cache list
  struct buf *next;
  struct buf *qnext; // disk queue
  uchar data[BSIZE];
};
