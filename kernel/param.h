// Sizes of the kernel's fixed tables and other compile-time limits.
// The kernel keeps its state in arrays of these sizes rather than in
// allocated structures: each limit is visible here, and nothing grows.

// Processes and CPUs
#define NPROC        64    // process table slots
#define NCPU          8    // CPUs we will start
#define KSTACKSIZE   8192  // bytes of kernel stack per process
#define MAXARG       32    // argv entries exec accepts
#define HZ           100   // timer interrupts per second, per CPU

// Files
#define NOFILE       16    // descriptors per process
#define NFILE       100    // open files in the whole system
#define NINODE       50    // inodes cached in memory at once
#define NDEV         10    // size of devsw[], the major-number table
#define MAXPATH      128   // longest path name, including the NUL

// The file system and its disk
#define ROOTDEV       1              // device number of the root file system
#define FSSIZE       6144            // blocks in the image mkfs builds (6 MiB)
#define MAXOPBLOCKS  12              // blocks one system call may write; file.c's
                                     // WRITEPIECE says why 12 (pieces of 2 blocks)
#define LOGSIZE      (MAXOPBLOCKS*3) // log capacity in blocks
#define NBUF         (MAXOPBLOCKS*6) // buffer cache size; above LOGSIZE so a
                                     // full log never starves the cache

// Boot
#define CMDLINE_MAX  256   // longest kernel command line kept
#define NMEMRANGE    32    // usable RAM ranges remembered from the memory map
