// The file layer: what a file descriptor points at, the cached form of an
// inode, and the table of character devices.

// One open file. Several descriptors (after dup or fork) may share it; ref
// counts them. Its type says which of the fields below it uses.
struct file {
  enum {
    FD_NONE, FD_PIPE, FD_INODE, FD_DEVICE,
    // LAB 4: BEGIN
    FD_SOCK,
    // LAB 4: END
    // LAB 5: BEGIN
    FD_REMOTE,
    // LAB 5: END
  } type;
  int ref;
  char readable;
  char writable;
  char nonblock;      // opened O_NONBLOCK: a device read that would wait fails
  struct pipe *pipe;  // FD_PIPE
  struct inode *ip;   // FD_INODE, FD_DEVICE
  uint off;           // FD_INODE: where the next read or write starts
  short major;        // FD_DEVICE: index into devsw[]
  // LAB 4: BEGIN
  struct sock *sock;  // FD_SOCK (net/socket.c)
  // LAB 4: END
  // LAB 5: BEGIN
  // FD_REMOTE (nfs/remote.c); off is its offset, as for FD_INODE.
  struct server *srv; // the server the file is on
  uint handle;        // the server's name for it, on connection...
  uint gen;           // ...number gen of srv (an older one: dead)
  char isdir;         // a directory: read gives struct rdirent records
  uint64 cookie;      // a directory: where the next read resumes
  // LAB 5: END
};

// An inode as the kernel holds it in memory (fs.c keeps a fixed table).
// dev, inum and ref belong to the table's spinlock; the rest is guarded by
// the inode's own sleeplock and is meaningful only once valid is set.
struct inode {
  uint dev;
  uint inum;
  int ref;            // in-memory references (open files, cwd, lookups)
  struct sleeplock lock;
  int valid;          // the fields below were loaded from the disk

  // Mirror of struct dinode (fs.h).
  short type;
  short major;
  short minor;
  short nlink;
  uint size;
  uint addrs[NADDRS];
};

// A character device: read and write move n bytes between the device and
// addr, which is a user address when user_dst/user_src is 1.
struct devsw {
  int (*read)(struct file *f, int user_dst, uint addr, int n);
  int (*write)(struct file *f, int user_src, uint addr, int n);
  // LAB 4: BEGIN
  int (*poll)(struct file *f);  // for select(); 0: always ready
  // LAB 4: END
};

// LAB 4: BEGIN
// What filepoll() reports: which calls would not wait now.
#define POLLIN  0x1     // a read (or accept) returns at once
#define POLLOUT 0x2     // a write returns at once
#define POLLERR 0x4     // the file has an error to report
// LAB 4: END

extern struct devsw devsw[];

// Major device numbers (T_DEV inodes).
#define CONSOLE 1
#define ETHER   2
// LAB 3: BEGIN
#define NET     3       // the TCP/IP stack's files (net/netfile.c)
// LAB 3: END
// LAB 4: BEGIN
#define MEM     4       // /dev/null and /dev/zero (memdev.c)
// LAB 4: END
