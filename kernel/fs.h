// The on-disk format of a bvlab file system. The kernel (fs.c, log.c) and
// the host tool that builds images (mkfs/mkfs.c) both compile this file,
// so it is the single definition of the format.
//
// An image is an array of BSIZE-byte blocks, in five areas:
//
//   block 0      unused (where a boot sector would go)
//   block 1      the superblock: where the other areas start, how big
//   log          nlog blocks: header, then copies of blocks being committed
//   inodes       ninodes struct dinode, IPB to a block
//   bitmap       one bit per block of the image; 1 = in use
//   data         file and directory contents, indirect blocks

#define BSIZE 1024           // bytes per block
#define ROOTINO 1            // inode of "/"
#define FSMAGIC 0x42564c42   // first word of the superblock ("BLVB")

struct superblock {
  uint magic;        // FSMAGIC, or this is not our file system
  uint size;         // blocks in the whole image
  uint nblocks;      // blocks in the data area
  uint ninodes;
  uint nlog;
  uint logstart;     // each *start is a block number
  uint inodestart;
  uint bmapstart;
};

// A file's blocks, by block number within the file:
//   0 .. NDIRECT-1           listed in the inode itself, addrs[0..NDIRECT-1]
//   the next NINDIRECT       listed in the indirect block, addrs[NDIRECT]
//   the next NDINDIRECT      through the doubly-indirect block,
//                            addrs[NDIRECT+1]: it lists NINDIRECT indirect
//                            blocks, each listing NINDIRECT data blocks
// With BSIZE 1024 that is 11 + 256 + 65536 blocks, just over 64 MiB; the
// image itself (FSSIZE in param.h) is far smaller, so in practice a file
// is limited by free space, not by MAXFILE. NDIRECT is 11, not 12, so that
// struct dinode stays 64 bytes and IPB a whole number.
#define NDIRECT 11
#define NINDIRECT (BSIZE / sizeof(uint))
#define NDINDIRECT (NINDIRECT * NINDIRECT)
#define NADDRS (NDIRECT + 2)                  // entries of addrs[]
#define MAXFILE (NDIRECT + NINDIRECT + NDINDIRECT)

struct dinode {
  short type;            // T_DIR, T_FILE, T_DEV (stat.h); 0 = free inode
  short major;           // T_DEV only
  short minor;
  short nlink;           // directory entries naming this inode
  uint size;             // bytes
  uint addrs[NADDRS];    // see above; 0 = no block yet
};

#define IPB           (BSIZE / sizeof(struct dinode))   // inodes per block
#define IBLOCK(i, sb) ((i) / IPB + (sb).inodestart)      // block holding inode i

#define BPB           (BSIZE*8)                          // bitmap bits per block
#define BBLOCK(b, sb) ((b)/BPB + (sb).bmapstart)         // bitmap block for block b

// A directory's contents are an array of these; inum 0 marks a free slot.
#define DIRSIZ 14

struct dirent {
  ushort inum;
  char name[DIRSIZ];     // not NUL-terminated when all DIRSIZ bytes are used
};
