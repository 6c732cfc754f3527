// Fixed-width integer names used throughout the kernel and user programs.
// The kernel is 32-bit x86, so an int, a pointer and a uint are all 4 bytes.

typedef unsigned int   uint;
typedef unsigned short ushort;
typedef unsigned char  uchar;

typedef unsigned char      uint8;
typedef unsigned short     uint16;
typedef unsigned int       uint32;
typedef unsigned long long uint64;

typedef uint pde_t;     // page-directory entry
typedef uint pte_t;     // page-table entry
