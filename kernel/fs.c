// File system implementation. Five layers, each using only the ones below:
//   + blocks:      a bitmap allocator for raw disk blocks (balloc, bfree);
//   + inodes:      allocation, reading, writing, metadata (ialloc, iget,
//                  ilock, iput, readi, writei, itrunc);
//   + directories: an inode whose contents are a list of struct dirent
//                  (dirlookup, dirlink);
//   + path names:  names such as /d/sub/file, resolved one element at a
//                  time from the root or the current directory (namei);
//   + the crash-safety of all of this comes from log.c: every block change
//     goes through log_write() inside begin_op()/end_op().
// The buffer cache (bio.c) sits underneath and serialises access to blocks.
//
// In-memory inodes. The table `itable` holds at most one struct inode per
// on-disk inode that some part of the kernel is using. Its lifetime has two
// counts:
//   ref    how many C pointers refer to the entry (open files, current
//          directories, a path lookup in progress). iget() and idup() raise
//          it, iput() lowers it; at zero the slot may be reused. Protected
//          by itable.lock.
//   nlink  how many directory entries name the inode, on disk. When the
//          last in-memory reference goes and nlink is 0, iput() frees the
//          inode and its blocks: that is how an unlinked but still open
//          file survives until it is closed.
// The fields copied from disk (type, size, addrs, ...) are valid only when
// `valid` is set, and may be read or changed only while holding the inode's
// sleeplock: ilock() takes it and reads the inode in if needed. Keeping
// ref (a cheap, long-held reference) separate from the lock (held only for
// the duration of an operation) is what lets a path lookup hold a directory
// without blocking others, and lets open() return a file without locking it.
//
// Typical use:  ip = namei(path); ilock(ip); ... readi/writei ...;
//               iunlock(ip); ... later ... iput(ip);

#include "types.h"
#include "param.h"
#include "stat.h"
#include "mmu.h"
#include "proc.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "defs.h"
#include "fs.h"
#include "buf.h"
#include "file.h"

#define min(a, b) ((a) < (b) ? (a) : (b))

// There is one file system, on ROOTDEV; its superblock, read once by iinit.
struct superblock sb;

// Read the superblock of dev into *sb.
void
readsb(int dev, struct superblock *sb)
{
  struct buf *bp;

  bp = bread(dev, 1);
  memmove(sb, bp->data, sizeof(*sb));
  brelse(bp);
}

// ---------------------------------------------------------------- blocks

// Fill a block with zeros (a fresh data block must not show old contents).
static void
bzero(int dev, int bno)
{
  struct buf *bp;

  bp = bread(dev, bno);
  memset(bp->data, 0, BSIZE);
  log_write(bp);
  brelse(bp);
}

// Allocate a zeroed disk block. Returns 0 when the disk is full: callers
// turn that into a short write rather than a panic.
static uint
balloc(uint dev)
{
  uint base, bi, mask;
  struct buf *bp;

  for(base = 0; base < sb.size; base += BPB){
    bp = bread(dev, BBLOCK(base, sb));
    for(bi = 0; bi < BPB && base + bi < sb.size; bi++){
      mask = 1 << (bi % 8);
      if((bp->data[bi/8] & mask) == 0){
        bp->data[bi/8] |= mask;
        log_write(bp);
        brelse(bp);
        bzero(dev, base + bi);
        return base + bi;
      }
    }
    brelse(bp);
  }
  cprintf("balloc: out of blocks\n");
  return 0;
}

static void
bfree(int dev, uint b)
{
  struct buf *bp;
  uint bi, mask;

  bp = bread(dev, BBLOCK(b, sb));
  bi = b % BPB;
  mask = 1 << (bi % 8);
  if((bp->data[bi/8] & mask) == 0)
    panic("bfree: block already free");
  bp->data[bi/8] &= ~mask;
  log_write(bp);
  brelse(bp);
}

// ---------------------------------------------------------------- inodes

struct {
  struct spinlock lock;
  struct inode inode[NINODE];
} itable;

// Prepare the inode table and read the superblock of the root file system.
// Runs in the first process (it sleeps on the disk), before initlog().
void
iinit(int dev)
{
  int i;

  initlock(&itable.lock, "itable");
  for(i = 0; i < NINODE; i++)
    initsleeplock(&itable.inode[i].lock, "inode");

  readsb(dev, &sb);
  if(sb.magic != FSMAGIC)
    panic("iinit: no bvlab file system on the root disk (bad magic)");
  cprintf("fs: %d blocks, %d inodes, %d log blocks at %d, inodes at %d, "
          "bitmap at %d\n", sb.size, sb.ninodes, sb.nlog, sb.logstart,
          sb.inodestart, sb.bmapstart);
}

static struct inode* iget(uint dev, uint inum);

// Allocate a free on-disk inode of the given type and return it,
// referenced but unlocked. Returns 0 if every inode is in use.
struct inode*
ialloc(uint dev, short type)
{
  uint inum;
  struct buf *bp;
  struct dinode *dip;

  for(inum = 1; inum < sb.ninodes; inum++){
    bp = bread(dev, IBLOCK(inum, sb));
    dip = (struct dinode*)bp->data + inum%IPB;
    if(dip->type == 0){
      memset(dip, 0, sizeof(*dip));
      dip->type = type;   // claims it on disk, inside this transaction
      log_write(bp);
      brelse(bp);
      return iget(dev, inum);
    }
    brelse(bp);
  }
  cprintf("ialloc: out of inodes\n");
  return 0;
}

// Copy the in-memory inode to disk. Call after every change to a field
// that lives on disk, inside a transaction, holding ip->lock.
void
iupdate(struct inode *ip)
{
  struct buf *bp;
  struct dinode *dip;

  bp = bread(ip->dev, IBLOCK(ip->inum, sb));
  dip = (struct dinode*)bp->data + ip->inum%IPB;
  dip->type = ip->type;
  dip->major = ip->major;
  dip->minor = ip->minor;
  dip->nlink = ip->nlink;
  dip->size = ip->size;
  memmove(dip->addrs, ip->addrs, sizeof(ip->addrs));
  log_write(bp);
  brelse(bp);
}

// Find the table entry for inode inum on dev, or take a free one for it.
// Does not lock the inode or read it from disk.
static struct inode*
iget(uint dev, uint inum)
{
  struct inode *ip, *empty;

  acquire(&itable.lock);
  empty = 0;
  for(ip = &itable.inode[0]; ip < &itable.inode[NINODE]; ip++){
    if(ip->ref > 0 && ip->dev == dev && ip->inum == inum){
      ip->ref++;
      release(&itable.lock);
      return ip;
    }
    if(empty == 0 && ip->ref == 0)
      empty = ip;
  }
  if(empty == 0)
    panic("iget: inode table full");

  ip = empty;
  ip->dev = dev;
  ip->inum = inum;
  ip->ref = 1;
  ip->valid = 0;
  release(&itable.lock);
  return ip;
}

// Take another reference to ip (ip = idup(ip1) idiom).
struct inode*
idup(struct inode *ip)
{
  acquire(&itable.lock);
  ip->ref++;
  release(&itable.lock);
  return ip;
}

// Lock ip, reading it from disk the first time.
void
ilock(struct inode *ip)
{
  struct buf *bp;
  struct dinode *dip;

  if(ip == 0 || ip->ref < 1)
    panic("ilock: not referenced");

  acquiresleep(&ip->lock);
  if(ip->valid)
    return;

  bp = bread(ip->dev, IBLOCK(ip->inum, sb));
  dip = (struct dinode*)bp->data + ip->inum%IPB;
  ip->type = dip->type;
  ip->major = dip->major;
  ip->minor = dip->minor;
  ip->nlink = dip->nlink;
  ip->size = dip->size;
  memmove(ip->addrs, dip->addrs, sizeof(ip->addrs));
  brelse(bp);
  ip->valid = 1;
  if(ip->type == 0)
    panic("ilock: inode has no type");
}

void
iunlock(struct inode *ip)
{
  if(ip == 0 || !holdingsleep(&ip->lock) || ip->ref < 1)
    panic("iunlock: not locked");
  releasesleep(&ip->lock);
}

// Drop a reference. If it was the last one and no directory names the
// inode any more, free the inode and its blocks on disk. Because that may
// write, every iput() must run inside a transaction.
void
iput(struct inode *ip)
{
  int r;

  acquire(&itable.lock);
  if(ip->ref == 1 && ip->valid && ip->nlink == 0){
    // We hold the only reference, so no one else has it locked or can
    // find it (iget would need a link to it), and acquiresleep will not
    // wait. Drop the spinlock because freeing sleeps on the disk.
    acquiresleep(&ip->lock);
    release(&itable.lock);

    itrunc(ip);
    ip->type = 0;
    iupdate(ip);
    ip->valid = 0;

    releasesleep(&ip->lock);
    acquire(&itable.lock);
  }
  r = --ip->ref;
  if(r < 0)
    panic("iput: negative ref");
  release(&itable.lock);
}

void
iunlockput(struct inode *ip)
{
  iunlock(ip);
  iput(ip);
}

// ---------------------------------------------------------------- contents

// The content of an inode is NDIRECT blocks listed in ip->addrs[0..NDIRECT-1]
// and NINDIRECT more listed in the block ip->addrs[NDIRECT] (the indirect
// block). bmap returns the disk address of the bn'th block of ip,
// allocating it (and the indirect block) on first use; 0 if the disk is full.
static uint
bmap(struct inode *ip, uint bn)
{
  uint addr, *a;
  struct buf *bp;

  if(bn < NDIRECT){
    if((addr = ip->addrs[bn]) == 0){
      addr = balloc(ip->dev);
      ip->addrs[bn] = addr;
    }
    return addr;
  }
  bn -= NDIRECT;
  if(bn >= NINDIRECT)
    panic("bmap: block beyond the largest file");

  if((addr = ip->addrs[NDIRECT]) == 0){
    addr = balloc(ip->dev);
    if(addr == 0)
      return 0;
    ip->addrs[NDIRECT] = addr;
  }
  bp = bread(ip->dev, addr);
  a = (uint*)bp->data;
  if((addr = a[bn]) == 0){
    addr = balloc(ip->dev);
    if(addr){
      a[bn] = addr;
      log_write(bp);
    }
  }
  brelse(bp);
  return addr;
}

// Free every block of ip and set its size to 0. Caller holds ip->lock and
// is inside a transaction.
void
itrunc(struct inode *ip)
{
  int i;
  struct buf *bp;
  uint *a;

  for(i = 0; i < NDIRECT; i++){
    if(ip->addrs[i]){
      bfree(ip->dev, ip->addrs[i]);
      ip->addrs[i] = 0;
    }
  }
  if(ip->addrs[NDIRECT]){
    bp = bread(ip->dev, ip->addrs[NDIRECT]);
    a = (uint*)bp->data;
    for(i = 0; i < NINDIRECT; i++){
      if(a[i])
        bfree(ip->dev, a[i]);
    }
    brelse(bp);
    bfree(ip->dev, ip->addrs[NDIRECT]);
    ip->addrs[NDIRECT] = 0;
  }
  ip->size = 0;
  iupdate(ip);
}

// Fill *st from ip. Caller holds ip->lock.
void
stati(struct inode *ip, struct stat *st)
{
  st->dev = ip->dev;
  st->ino = ip->inum;
  st->type = ip->type;
  st->nlink = ip->nlink;
  st->size = ip->size;
}

// Read n bytes at offset off of ip into dst, a user virtual address if
// user_dst is 1, else a kernel address. Caller holds ip->lock.
// Returns the number of bytes read (short at end of file), or -1 if dst is
// not valid user memory.
int
readi(struct inode *ip, int user_dst, uint dst, uint off, uint n)
{
  uint tot, m, addr;
  struct buf *bp;

  if(off > ip->size || off + n < off)
    return 0;
  if(off + n > ip->size)
    n = ip->size - off;

  for(tot = 0; tot < n; tot += m, off += m, dst += m){
    addr = bmap(ip, off/BSIZE);
    if(addr == 0)
      break;
    bp = bread(ip->dev, addr);
    m = min(n - tot, BSIZE - off%BSIZE);
    if(either_copyout(user_dst, dst, bp->data + off%BSIZE, m) < 0){
      brelse(bp);
      return -1;
    }
    brelse(bp);
  }
  return tot;
}

// Write n bytes from src (user address if user_src is 1) to ip at offset
// off, growing the file if needed. Caller holds ip->lock and is inside a
// transaction. Returns the number of bytes written, which is less than n
// only if the disk filled up or src went bad part way (then the bytes
// before that point are written and counted); -1 if nothing was written
// because the arguments are out of range or src is bad at once.
int
writei(struct inode *ip, int user_src, uint src, uint off, uint n)
{
  uint tot, m, addr;
  struct buf *bp;

  if(off > ip->size || off + n < off)
    return -1;
  if(off + n > MAXFILE*BSIZE)
    return -1;

  for(tot = 0; tot < n; tot += m, off += m, src += m){
    addr = bmap(ip, off/BSIZE);
    if(addr == 0)
      break;
    bp = bread(ip->dev, addr);
    m = min(n - tot, BSIZE - off%BSIZE);
    if(either_copyin(bp->data + off%BSIZE, user_src, src, m) < 0){
      brelse(bp);
      break;
    }
    log_write(bp);
    brelse(bp);
  }

  if(off > ip->size)
    ip->size = off;
  // Even without a size change bmap may have filled in ip->addrs.
  iupdate(ip);
  if(tot == 0 && n > 0)
    return -1;
  return tot;
}

// ---------------------------------------------------------------- directories

int
namecmp(const char *s, const char *t)
{
  return strncmp(s, t, DIRSIZ);
}

// Look for name in directory dp (locked). On success return the entry's
// inode, referenced and unlocked, and its byte offset in *poff if poff is
// not 0. Return 0 if there is no such entry.
struct inode*
dirlookup(struct inode *dp, char *name, uint *poff)
{
  uint off;
  struct dirent de;

  if(dp->type != T_DIR)
    panic("dirlookup: not a directory");

  for(off = 0; off < dp->size; off += sizeof(de)){
    if(readi(dp, 0, (uint)&de, off, sizeof(de)) != sizeof(de))
      panic("dirlookup: short read");
    if(de.inum == 0)
      continue;
    if(namecmp(name, de.name) == 0){
      if(poff)
        *poff = off;
      return iget(dp->dev, de.inum);
    }
  }
  return 0;
}

// Add the entry (name, inum) to directory dp (locked), reusing a free slot
// if there is one. Returns 0, or -1 if the name exists or the disk is full.
int
dirlink(struct inode *dp, char *name, uint inum)
{
  uint off;
  struct dirent de;
  struct inode *ip;

  if((ip = dirlookup(dp, name, 0)) != 0){
    iput(ip);
    return -1;
  }

  for(off = 0; off < dp->size; off += sizeof(de)){
    if(readi(dp, 0, (uint)&de, off, sizeof(de)) != sizeof(de))
      panic("dirlink: short read");
    if(de.inum == 0)
      break;
  }

  memset(&de, 0, sizeof(de));
  strncpy(de.name, name, DIRSIZ);
  de.inum = inum;
  if(writei(dp, 0, (uint)&de, off, sizeof(de)) != sizeof(de))
    return -1;
  return 0;
}

// ---------------------------------------------------------------- path names

// Split off the first element of path: copy it into name (at most DIRSIZ
// bytes; a longer element is cut short, so "verylongname..." matches its
// first DIRSIZ bytes) and return what follows it, without leading slashes.
// For "/usr//bin/ls" name becomes "usr" and the result is "bin/ls"; for
// "ls" it is "ls" and ""; for "" or "///" there is no element and the
// result is 0.
static char*
skipelem(char *path, char *name)
{
  char *s;
  int len;

  while(*path == '/')
    path++;
  if(*path == 0)
    return 0;
  s = path;
  while(*path != '/' && *path != 0)
    path++;
  len = path - s;
  if(len >= DIRSIZ){
    memmove(name, s, DIRSIZ);
  } else {
    memmove(name, s, len);
    name[len] = 0;
  }
  while(*path == '/')
    path++;
  return path;
}

// Resolve path to an inode. With parent set, stop one element early:
// return the directory that would contain the last element and copy that
// element into name (DIRSIZ bytes). Returns a referenced, unlocked inode,
// or 0. Only one directory is locked at a time, so a lookup cannot
// deadlock against another that walks the same directories in another
// order; ".." is safe because the child is unlocked before its parent is
// locked.
static struct inode*
namex(char *path, int nameiparent, char *name)
{
  struct inode *ip, *next;
  struct proc *p = myproc();

  if(*path == '/' || p == 0 || p->cwd == 0)
    ip = iget(ROOTDEV, ROOTINO);
  else
    ip = idup(p->cwd);

  while((path = skipelem(path, name)) != 0){
    ilock(ip);
    if(ip->type != T_DIR){
      iunlockput(ip);
      return 0;
    }
    if(nameiparent && *path == 0){
      iunlock(ip);
      return ip;
    }
    if((next = dirlookup(ip, name, 0)) == 0){
      iunlockput(ip);
      return 0;
    }
    iunlockput(ip);
    ip = next;
  }
  if(nameiparent){
    // The path had no last element ("/" or "").
    iput(ip);
    return 0;
  }
  return ip;
}

struct inode*
namei(char *path)
{
  char name[DIRSIZ];

  return namex(path, 0, name);
}

struct inode*
nameiparent(char *path, char *name)
{
  return namex(path, 1, name);
}
