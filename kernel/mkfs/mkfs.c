// mkfs: build a bvlab file-system image on the host.
//
//   mkfs fs.img file...
//
// writes an FSSIZE-block image whose root directory holds "." and ".." and
// a copy of each file, named by its basename. The layout is fs.h's:
//
//   [ boot | super | log (header + LOGSIZE) | inodes | bitmap | data ... ]
//
// The program keeps the whole image in memory and writes it out once at
// the end, so a failure (too many files, a name longer than DIRSIZ, a file
// larger than MAXFILE blocks, an image too small) leaves no half-built
// image behind: it prints why and exits with status 1.
//
// The kernel's headers are included after the C library's: types.h
// typedefs uint and ushort exactly as glibc's <sys/types.h> does, which C11
// allows, and its other names do not clash. <sys/stat.h> is never
// included, because the kernel's stat.h defines its own struct stat.
// The image is written in the host's byte order, which must be the
// guest's (little-endian x86); main() checks.

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <stdarg.h>

#include "types.h"
#include "param.h"
#include "fs.h"
#include "stat.h"

#define NINODES   200
#define NLOG      (LOGSIZE + 1)            // header block + LOGSIZE blocks
#define NINOBLK   (NINODES / IPB + 1)
#define NBITMAP   (FSSIZE / BPB + 1)

_Static_assert(sizeof(struct dinode) * IPB == BSIZE, "dinode size");
_Static_assert(BSIZE % sizeof(struct dirent) == 0, "dirent size");
_Static_assert(sizeof(uint) == 4, "uint must be 32 bits");

static uchar image[FSSIZE][BSIZE];
static struct superblock sb;
static uint nextinum = 1;     // next free inode number (0 is never used)
static uint nextblock;        // next free data block
static const char *progname = "mkfs";

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
  va_list ap;

  fprintf(stderr, "%s: ", progname);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n");
  exit(1);
}

static struct dinode*
dinode(uint inum)
{
  return (struct dinode*)image[IBLOCK(inum, sb)] + inum % IPB;
}

static uint
ialloc(short type)
{
  struct dinode *dip;
  uint inum;

  if(nextinum >= sb.ninodes)
    die("too many files: the image has inodes for %d", NINODES - 2);
  inum = nextinum++;
  dip = dinode(inum);
  memset(dip, 0, sizeof(*dip));
  dip->type = type;
  dip->nlink = 1;
  return inum;
}

static uint
balloc(void)
{
  if(nextblock >= sb.size)
    die("image full: the files need more than %d blocks", FSSIZE);
  return nextblock++;
}

// The block recorded in *slot, allocated first if there is none.
static uint
slot_block(uint *slot)
{
  if(*slot == 0)
    *slot = balloc();
  return *slot;
}

// Entry idx of the list (indirect block) recorded in *list, allocating
// the list and the entry as needed.
static uint
listed(uint *list, uint idx)
{
  return slot_block((uint*)image[slot_block(list)] + idx);
}

// The disk address of block bn of a file, allocating it (and the lists
// that lead to it): direct, then indirect, then doubly indirect, as fs.h
// lays them out and the kernel's bmap() reads them.
static uint
bmap(struct dinode *dip, uint bn)
{
  uint ind;

  if(bn >= MAXFILE)
    die("file too big");
  if(bn < NDIRECT)
    return slot_block(&dip->addrs[bn]);
  bn -= NDIRECT;
  if(bn < NINDIRECT)
    return listed(&dip->addrs[NDIRECT], bn);
  bn -= NINDIRECT;
  ind = listed(&dip->addrs[NDIRECT+1], bn / NINDIRECT);
  return listed(&ind, bn % NINDIRECT);
}

// Append n bytes to the contents of inode inum.
static void
iappend(uint inum, const void *data, uint n)
{
  struct dinode *dip = dinode(inum);
  const uchar *p = data;
  uint off, m, b;

  off = dip->size;
  while(n > 0){
    b = bmap(dip, off / BSIZE);
    m = BSIZE - off % BSIZE;
    if(m > n)
      m = n;
    memcpy(image[b] + off % BSIZE, p, m);
    off += m;
    p += m;
    n -= m;
  }
  dip->size = off;
}

static void
adddirent(uint dir, uint inum, const char *name)
{
  struct dirent de;

  memset(&de, 0, sizeof(de));
  de.inum = inum;
  memcpy(de.name, name, strnlen(name, DIRSIZ));
  iappend(dir, &de, sizeof(de));
}

// Is name already in the root directory?
static int
inroot(const char *name)
{
  struct dinode *dip = dinode(ROOTINO);
  struct dirent de;
  uint off, b;

  for(off = 0; off < dip->size; off += sizeof(de)){
    b = bmap(dip, off / BSIZE);
    memcpy(&de, image[b] + off % BSIZE, sizeof(de));
    if(strncmp(de.name, name, DIRSIZ) == 0)
      return 1;
  }
  return 0;
}

static void
addfile(const char *path)
{
  const char *name;
  char buf[BSIZE];
  FILE *f;
  uint inum;
  size_t n;

  name = strrchr(path, '/');
  name = name ? name + 1 : path;
  if(*name == 0)
    die("no file name in \"%s\"", path);
  if(strlen(name) > DIRSIZ)
    die("name too long (more than %d bytes): %s", DIRSIZ, name);
  if(inroot(name))
    die("two files named %s", name);

  if((f = fopen(path, "rb")) == 0){
    fprintf(stderr, "%s: %s: %s\n", progname, path, strerror(errno));
    exit(1);
  }
  inum = ialloc(T_FILE);
  adddirent(ROOTINO, inum, name);
  while((n = fread(buf, 1, sizeof(buf), f)) > 0){
    if(dinode(inum)->size + n > MAXFILE * BSIZE)
      die("file too big (more than %d bytes): %s", (int)(MAXFILE * BSIZE), path);
    iappend(inum, buf, n);
  }
  if(ferror(f))
    die("cannot read %s", path);
  fclose(f);
}

// Mark blocks [0, nextblock) used in the bitmap.
static void
writebitmap(void)
{
  uint b;

  for(b = 0; b < nextblock; b++)
    image[BBLOCK(b, sb)][(b % BPB) / 8] |= 1 << (b % 8);
}

static void
writeimage(const char *path)
{
  FILE *f;

  if((f = fopen(path, "wb")) == 0){
    fprintf(stderr, "%s: %s: %s\n", progname, path, strerror(errno));
    exit(1);
  }
  if(fwrite(image, BSIZE, FSSIZE, f) != FSSIZE || fclose(f) != 0){
    fprintf(stderr, "%s: writing %s: %s\n", progname, path, strerror(errno));
    remove(path);
    exit(1);
  }
}

int
main(int argc, char *argv[])
{
  uint one = 1, rootino, nmeta;
  int i;

  if(argc < 2){
    fprintf(stderr, "usage: mkfs fs.img file...\n");
    return 1;
  }
  if(*(uchar*)&one != 1)
    die("the host must be little-endian, like the guest");

  nmeta = 2 + NLOG + NINOBLK + NBITMAP;
  sb.magic = FSMAGIC;
  sb.size = FSSIZE;
  sb.nblocks = FSSIZE - nmeta;
  sb.ninodes = NINODES;
  sb.nlog = NLOG;
  sb.logstart = 2;
  sb.inodestart = 2 + NLOG;
  sb.bmapstart = 2 + NLOG + NINOBLK;
  nextblock = nmeta;
  memcpy(image[1], &sb, sizeof(sb));

  rootino = ialloc(T_DIR);
  if(rootino != ROOTINO)
    die("root directory did not get inode ROOTINO");
  adddirent(rootino, rootino, ".");
  adddirent(rootino, rootino, "..");

  for(i = 2; i < argc; i++)
    addfile(argv[i]);

  writebitmap();
  writeimage(argv[1]);
  printf("%s: %s: %u blocks (%u metadata, %u data in use), %u inodes in use\n",
         progname, argv[1], FSSIZE, nmeta, nextblock - nmeta, nextinum - 1);
  return 0;
}
