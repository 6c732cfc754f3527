// Open files, in-memory inodes, and the device switch.

struct file {
  enum { FD_NONE, FD_PIPE, FD_INODE, FD_DEVICE } type;
  int ref;            // reference count
  char readable;
  char writable;
  char nonblock;      // O_NONBLOCK: device reads return -1 instead of waiting
  struct pipe *pipe;  // FD_PIPE
  struct inode *ip;   // FD_INODE and FD_DEVICE
  uint off;           // FD_INODE
  short major;        // FD_DEVICE
};

#define major(dev)  ((dev) >> 16 & 0xFFFF)
#define minor(dev)  ((dev) & 0xFFFF)
#define	mkdev(m,n)  ((uint)((m)<<16| (n)))

// in-memory copy of an inode
struct inode {
  uint dev;           // Device number
  uint inum;          // Inode number
  int ref;            // Reference count
  struct sleeplock lock; // protects everything below here
  int valid;          // inode has been read from disk?

  short type;         // copy of disk inode
  short major;
  short minor;
  short nlink;
  uint size;
  uint addrs[NDIRECT+1];
};

// A character device: read and write move n bytes between the device and
// addr, which is a user address when user_dst/user_src is 1.
struct devsw {
  int (*read)(struct file *f, int user_dst, uint addr, int n);
  int (*write)(struct file *f, int user_src, uint addr, int n);
};

extern struct devsw devsw[];

// Major device numbers
#define CONSOLE 1
#define ETHER   2
