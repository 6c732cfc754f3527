// What fstat() reports about a file. Inode types (also used on disk):
#define T_DIR  1
#define T_FILE 2
#define T_DEV  3

struct stat {
  short type;   // T_DIR, T_FILE or T_DEV
  int dev;      // the disk it lives on
  uint ino;     // its inode number there
  short nlink;  // directory entries that name it
  uint size;    // bytes
};
