// The file system proper: turns the disk's numbered blocks into files,
// directories and path names.
//
// It is built in layers; each uses only the layers listed before it:
//   blocks       free-block bitmap: balloc, bfree
//   inodes       the inode table in memory and on disk: ialloc, iget,
//                ilock, iupdate, iput, and the map from a file's block
//                numbers to disk blocks (bmap, itrunc)
//   contents     readi, writei: bytes at an offset in a file
//   directories  a directory is a file of struct dirent records:
//                dirlookup, dirlink
//   path names   "/a/b/c" resolved one element at a time: namei,
//                nameiparent
// Below all of them, bio.c caches blocks and log.c makes a system call's
// block writes atomic: code here never calls bwrite(), it calls
// log_write(), and every caller that may change the disk has called
// begin_op().
//
// The inode table. itable holds a struct inode for every inode that the
// kernel is currently using, at most one per inode, so that everyone who
// uses a file shares its lock and its cached fields. An entry is pinned in
// the table by its reference count (ref): iget() and idup() add one,
// iput() removes one. References are cheap and long-lived (an open file,
// a current directory); the inode's sleeplock is taken only around an
// actual read or change, by ilock(), which also loads the fields from the
// disk the first time. The split matters: a path lookup can hold on to a
// directory without locking it, and open() returns files unlocked.
//
// An inode's life on disk ends when no directory names it (nlink == 0)
// and the kernel holds no reference to it (ref falls to 0): only then
// does iput() free it, so a file that is removed while open lives on
// until it is closed.
//
// Usual sequence: ip = namei(path); ilock(ip); readi(ip, ...);
// iunlock(ip); ... iput(ip);

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

// The root file system's superblock; iinit reads it once at boot.
struct superblock sb;

// Copy the superblock (block 1) of dev into *sb.
void
readsb(int dev, struct superblock *sb)
{
  struct buf *b;

  b = bread(dev, 1);
  memmove(sb, b->data, sizeof(*sb));
  brelse(b);
}

// ---------------------------------------------------------------- blocks
//
// Bit k of the bitmap is 1 when block k is in use. It is spread over
// bitmap blocks of BPB bits each; inside a block, block k is bit k%8 of
// byte (k%BPB)/8 (mkfs builds it the same way).

// First clear bit among the first nbits bits of map, or -1 if none.
static int
first_clear_bit(uchar *map, uint nbits)
{
  uint byte, bit;

  for(byte = 0; byte * 8 < nbits; byte++){
    if(map[byte] == 0xFF)
      continue;                 // a full byte: skip eight blocks at once
    for(bit = 0; bit < 8 && byte * 8 + bit < nbits; bit++){
      if((map[byte] & (1 << bit)) == 0)
        return byte * 8 + bit;
    }
  }
  return -1;
}

// Overwrite block bno with zeros, inside the current transaction, so a
// file that gets it cannot read what its last owner left there.
static void
zero_block(uint dev, uint bno)
{
  struct buf *b;

  b = bread(dev, bno);
  memset(b->data, 0, BSIZE);
  log_write(b);
  brelse(b);
}

// Take a free block, mark it used, zero it, and return its number; 0 if
// the disk is full (callers then write less, they do not panic).
static uint
balloc(uint dev)
{
  uint first, nbits;
  int i;
  struct buf *map;

  for(first = 0; first < sb.size; first += BPB){
    nbits = sb.size - first;
    if(nbits > BPB)
      nbits = BPB;
    map = bread(dev, BBLOCK(first, sb));
    i = first_clear_bit(map->data, nbits);
    if(i >= 0){
      map->data[i / 8] |= 1 << (i % 8);
      log_write(map);
    }
    brelse(map);
    if(i >= 0){
      zero_block(dev, first + i);
      return first + i;
    }
  }
  cprintf("balloc: out of blocks\n");
  return 0;
}

// Mark block bno free in the bitmap.
static void
bfree(uint dev, uint bno)
{
  struct buf *map;
  uint byte;
  uchar bit;

  map = bread(dev, BBLOCK(bno, sb));
  byte = (bno % BPB) / 8;
  bit = 1 << (bno % 8);
  if(!(map->data[byte] & bit))
    panic("bfree: freeing a free block");
  map->data[byte] &= ~bit;
  log_write(map);
  brelse(map);
}

// ---------------------------------------------------------------- inodes

struct {
  struct spinlock lock;       // guards dev, inum and ref of every entry
  struct inode inode[NINODE];
} itable;

// The on-disk inode inum inside b, which must be its inode block.
static struct dinode*
dinode_in(struct buf *b, uint inum)
{
  return (struct dinode*)b->data + inum % IPB;
}

// The in-memory and on-disk inode hold the same fields; these two copy
// them one way or the other.
static void
dinode_to_inode(struct inode *ip, struct dinode *d)
{
  ip->type = d->type;
  ip->nlink = d->nlink;
  ip->major = d->major;
  ip->minor = d->minor;
  ip->size = d->size;
  memmove(ip->addrs, d->addrs, sizeof(ip->addrs));
}

static void
inode_to_dinode(struct dinode *d, struct inode *ip)
{
  d->type = ip->type;
  d->nlink = ip->nlink;
  d->major = ip->major;
  d->minor = ip->minor;
  d->size = ip->size;
  memmove(d->addrs, ip->addrs, sizeof(d->addrs));
}

// Set up the inode table and read the root file system's superblock.
// Called from the first process, since reading the disk sleeps; initlog()
// comes after it.
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

// The table entry in use for (dev, inum), or 0. Caller holds itable.lock.
static struct inode*
itable_find(uint dev, uint inum)
{
  int i;
  struct inode *ip;

  for(i = 0; i < NINODE; i++){
    ip = &itable.inode[i];
    if(ip->ref > 0 && ip->inum == inum && ip->dev == dev)
      return ip;
  }
  return 0;
}

// An entry nobody refers to, or 0. Caller holds itable.lock.
static struct inode*
itable_unused(void)
{
  int i;

  for(i = 0; i < NINODE; i++){
    if(itable.inode[i].ref == 0)
      return &itable.inode[i];
  }
  return 0;
}

// A new reference to inode inum of dev, unlocked. The fields from the
// disk are loaded later, by ilock().
static struct inode*
iget(uint dev, uint inum)
{
  struct inode *ip;

  acquire(&itable.lock);
  ip = itable_find(dev, inum);
  if(ip == 0){
    ip = itable_unused();
    if(ip == 0)
      panic("iget: inode table full");
    ip->dev = dev;
    ip->inum = inum;
    ip->valid = 0;
  }
  ip->ref++;
  release(&itable.lock);
  return ip;
}

// Would giving up this reference leave an inode that no directory names
// and nobody uses? Then it must be freed.
static int
last_use_of_orphan(struct inode *ip)
{
  int orphan;

  acquire(&itable.lock);
  if(ip->ref <= 0)
    panic("iput: inode not referenced");
  orphan = ip->ref == 1 && ip->valid && ip->nlink == 0;
  release(&itable.lock);
  return orphan;
}

// Give an orphaned inode's blocks back and mark it free on the disk.
static void
ifree(struct inode *ip)
{
  itrunc(ip);
  ip->type = 0;
  iupdate(ip);
  ip->valid = 0;
}

// Give up a reference. If it was the last one and the inode has no
// links, free it on the disk; since that writes, callers must be inside
// a transaction whenever the inode could be an orphan.
void
iput(struct inode *ip)
{
  if(last_use_of_orphan(ip)){
    // Our reference is the only one, and with no links the inode cannot
    // be found by name, nor handed out by ialloc while its type is set:
    // no one else can lock it now, so the sleeplock is free and the
    // freeing below may sleep on the disk without the table lock.
    acquiresleep(&ip->lock);
    ifree(ip);
    releasesleep(&ip->lock);
  }
  acquire(&itable.lock);
  ip->ref--;
  release(&itable.lock);
}

// One more reference to ip; returns ip, for `p->cwd = idup(ip)`.
struct inode*
idup(struct inode *ip)
{
  acquire(&itable.lock);
  if(ip->ref <= 0)
    panic("idup: inode not referenced");
  ip->ref++;
  release(&itable.lock);
  return ip;
}

// Find a free on-disk inode, give it the type (which marks it used, as
// part of the current transaction), and return a reference to it,
// unlocked. Returns 0 when every inode is taken. Inode 0 is never used.
struct inode*
ialloc(uint dev, short type)
{
  uint inum, blk;
  struct buf *b;
  struct dinode *d;

  inum = 1;
  while(inum < sb.ninodes){
    blk = IBLOCK(inum, sb);
    b = bread(dev, blk);
    // Try every inode stored in this block before reading the next one.
    for(; inum < sb.ninodes && IBLOCK(inum, sb) == blk; inum++){
      d = dinode_in(b, inum);
      if(d->type != 0)
        continue;
      memset(d, 0, sizeof(*d));
      d->type = type;
      log_write(b);
      brelse(b);
      return iget(dev, inum);
    }
    brelse(b);
  }
  cprintf("ialloc: out of inodes\n");
  return 0;
}

// Write ip's fields to its on-disk inode. Needed after any change to them;
// the caller holds ip->lock and is inside a transaction.
void
iupdate(struct inode *ip)
{
  struct buf *b;

  b = bread(ip->dev, IBLOCK(ip->inum, sb));
  inode_to_dinode(dinode_in(b, ip->inum), ip);
  log_write(b);
  brelse(b);
}

// Lock ip; the first lock after iget also loads it from the disk.
void
ilock(struct inode *ip)
{
  struct buf *b;

  if(ip == 0 || ip->ref <= 0)
    panic("ilock: inode not referenced");
  acquiresleep(&ip->lock);
  if(ip->valid)
    return;

  b = bread(ip->dev, IBLOCK(ip->inum, sb));
  dinode_to_inode(ip, dinode_in(b, ip->inum));
  brelse(b);
  if(ip->type == 0)
    panic("ilock: inode is free on disk");
  ip->valid = 1;
}

void
iunlock(struct inode *ip)
{
  if(ip == 0 || ip->ref <= 0 || !holdingsleep(&ip->lock))
    panic("iunlock: inode not locked by caller");
  releasesleep(&ip->lock);
}

void
iunlockput(struct inode *ip)
{
  iunlock(ip);
  iput(ip);
}

// ---------------------------------------------------------------- contents
//
// Where a file's blocks are (fs.h draws it): block i is at ip->addrs[i]
// for i < NDIRECT; the next NINDIRECT are listed in the indirect block
// ip->addrs[NDIRECT]; the rest, NINDIRECT at a time, in indirect blocks
// that are themselves listed in the doubly-indirect block
// ip->addrs[NDIRECT+1]. So a block is reached through zero, one or two
// lists, and one helper, listed_block(), walks a single list. A 0
// anywhere means no block has been given yet; blocks, lists included,
// are allocated only when written.

// The block recorded in *slot. If there is none and alloc is set, take a
// new one and record it. Returns 0 for no block.
static uint
slot_block(uint dev, uint *slot, int alloc)
{
  if(*slot == 0 && alloc)
    *slot = balloc(dev);
  return *slot;
}

// Entry idx of the list (an indirect block) recorded in *list. With
// alloc set, a missing list or entry is allocated and recorded, and the
// list is logged if its entry changed. Returns 0 for no block.
static uint
listed_block(uint dev, uint *list, uint idx, int alloc)
{
  struct buf *b;
  uint *entry, before, addr;

  if(slot_block(dev, list, alloc) == 0)
    return 0;
  b = bread(dev, *list);
  entry = (uint*)b->data + idx;
  before = *entry;
  addr = slot_block(dev, entry, alloc);
  if(addr != before)
    log_write(b);
  brelse(b);
  return addr;
}

// Disk address of block bn of ip, allocating missing blocks (lists
// included) if alloc is set. 0 if there is none, or the disk is full.
// Caller holds ip->lock (and, to allocate, is in a transaction).
static uint
bmap(struct inode *ip, uint bn, int alloc)
{
  uint ind;

  if(bn < NDIRECT)
    return slot_block(ip->dev, &ip->addrs[bn], alloc);
  bn -= NDIRECT;
  if(bn < NINDIRECT)
    return listed_block(ip->dev, &ip->addrs[NDIRECT], bn, alloc);
  bn -= NINDIRECT;
  if(bn >= NDINDIRECT)
    panic("bmap: offset past the largest file");

  // First the indirect block that the doubly-indirect one lists, then
  // the entry in it. ind is a copy, already non-zero, so the second call
  // allocates at most the data block.
  ind = listed_block(ip->dev, &ip->addrs[NDIRECT+1], bn / NINDIRECT, alloc);
  if(ind == 0)
    return 0;
  return listed_block(ip->dev, &ind, bn % NINDIRECT, alloc);
}

// Free block bno and, when it is a list, what it lists: depth 0 is a data
// block, 1 an indirect block, 2 the doubly-indirect block.
static void
free_tree(uint dev, uint bno, int depth)
{
  struct buf *b;
  uint *list;
  int i;

  if(depth > 0){
    b = bread(dev, bno);
    list = (uint*)b->data;
    for(i = 0; i < NINDIRECT; i++){
      if(list[i] != 0)
        free_tree(dev, list[i], depth - 1);
    }
    brelse(b);
  }
  bfree(dev, bno);
}

// Freeing only reads the lists; what it writes is bitmap blocks. So the
// transaction that frees a file of any size (unlink: the directory's
// block and inode, the file's inode, then itrunc) changes at most every
// bitmap block of the image plus 3 blocks, which must fit.
_Static_assert(FSSIZE / BPB + 1 + 3 <= MAXOPBLOCKS,
               "itrunc: the bitmap has more blocks than a transaction holds");

// Give back all of ip's blocks and make it empty. Caller holds ip->lock
// and is inside a transaction.
void
itrunc(struct inode *ip)
{
  int i, depth;

  for(i = 0; i < NADDRS; i++){
    if(ip->addrs[i] == 0)
      continue;
    depth = i < NDIRECT ? 0 : i - NDIRECT + 1;
    free_tree(ip->dev, ip->addrs[i], depth);
    ip->addrs[i] = 0;
  }
  ip->size = 0;
  iupdate(ip);
}

// Metadata for fstat. Caller holds ip->lock.
void
stati(struct inode *ip, struct stat *st)
{
  st->type = ip->type;
  st->dev = ip->dev;
  st->ino = ip->inum;
  st->size = ip->size;
  st->nlink = ip->nlink;
}

// Move n bytes between ip's contents at off and memory at addr (a user
// address if user is 1): into the file if writing, else out of it. Works
// one block at a time; writing allocates and logs blocks. Stops early if
// a block is missing (disk full), or if addr turns out to be bad, which
// sets *fault. Returns the number of bytes moved.
static uint
inode_io(struct inode *ip, int writing, int user, uint addr, uint off,
         uint n, int *fault)
{
  uint done, chunk, within, blk;
  struct buf *b;
  int r;

  *fault = 0;
  for(done = 0; done < n; done += chunk){
    within = (off + done) % BSIZE;
    chunk = BSIZE - within;
    if(chunk > n - done)
      chunk = n - done;
    blk = bmap(ip, (off + done) / BSIZE, writing);
    if(blk == 0)
      break;
    b = bread(ip->dev, blk);
    if(writing)
      r = either_copyin(b->data + within, user, addr + done, chunk);
    else
      r = either_copyout(user, addr + done, b->data + within, chunk);
    if(r >= 0 && writing)
      log_write(b);
    brelse(b);
    if(r < 0){
      *fault = 1;
      break;
    }
  }
  return done;
}

// Copy up to n bytes at offset off of ip to dst (a user address if
// user_dst is 1). Returns the number copied, fewer at the end of the
// file, or -1 if dst is bad. Caller holds ip->lock.
int
readi(struct inode *ip, int user_dst, uint dst, uint off, uint n)
{
  uint got;
  int fault;

  if(off > ip->size || off + n < off)
    return 0;
  if(n > ip->size - off)
    n = ip->size - off;
  got = inode_io(ip, 0, user_dst, dst, off, n, &fault);
  if(fault)
    return -1;
  return got;
}

// Copy n bytes from src (a user address if user_src is 1) into ip at
// offset off, extending the file if needed; off may be at most the
// current size. Returns the bytes written: fewer than n if the disk
// filled up or src went bad part way, -1 if nothing could be written
// (also for an offset out of range). Caller holds ip->lock and is inside
// a transaction.
int
writei(struct inode *ip, int user_src, uint src, uint off, uint n)
{
  uint put;
  int fault;

  if(off > ip->size || off + n < off || off + n > MAXFILE * BSIZE)
    return -1;
  put = inode_io(ip, 1, user_src, src, off, n, &fault);
  if(off + put > ip->size)
    ip->size = off + put;
  // Written even when the size is unchanged: bmap may have filled in
  // ip->addrs.
  iupdate(ip);
  if(n > 0 && put == 0)
    return -1;
  return put;
}

// ---------------------------------------------------------------- directories
//
// A directory's contents are struct dirent records; inum 0 marks an
// unused record. Names shorter than DIRSIZ end with a NUL, names of
// exactly DIRSIZ bytes do not.

int
namecmp(const char *s, const char *t)
{
  return strncmp(s, t, DIRSIZ);
}

// Read the record at off of directory dp into *de.
static void
read_dirent(struct inode *dp, uint off, struct dirent *de)
{
  if(readi(dp, 0, (uint)de, off, sizeof(*de)) != sizeof(*de))
    panic("read_dirent: directory ends inside a record");
}

// Offset of the record named name in dp, or with name 0 of the first
// unused record, leaving the record in *de; -1 if there is none.
// Caller holds dp->lock.
static int
dir_find(struct inode *dp, char *name, struct dirent *de)
{
  uint off;

  for(off = 0; off < dp->size; off += sizeof(*de)){
    read_dirent(dp, off, de);
    if(name == 0 && de->inum == 0)
      return off;
    if(name != 0 && de->inum != 0 && namecmp(name, de->name) == 0)
      return off;
  }
  return -1;
}

// The inode that directory dp (locked) names name, referenced and
// unlocked, or 0 if there is no such name. Its record's offset goes to
// *poff if poff is not 0.
struct inode*
dirlookup(struct inode *dp, char *name, uint *poff)
{
  struct dirent de;
  int off;

  if(dp->type != T_DIR)
    panic("dirlookup: not a directory");
  off = dir_find(dp, name, &de);
  if(off < 0)
    return 0;
  if(poff)
    *poff = off;
  return iget(dp->dev, de.inum);
}

// Add a record (name, inum) to directory dp (locked), in the first unused
// record or else at the end. Returns 0, or -1 if name is taken or the
// disk is full.
int
dirlink(struct inode *dp, char *name, uint inum)
{
  struct dirent de;
  int off;

  if(dir_find(dp, name, &de) >= 0)
    return -1;
  off = dir_find(dp, 0, &de);
  if(off < 0)
    off = dp->size;

  memset(&de, 0, sizeof(de));
  strncpy(de.name, name, DIRSIZ);
  de.inum = inum;
  if(writei(dp, 0, (uint)&de, off, sizeof(de)) != sizeof(de))
    return -1;
  return 0;
}

// ---------------------------------------------------------------- path names

// Take the next element off the path *pp. Slashes before it are skipped,
// and so are those after it, so that *pp is "" exactly when the element
// was the last one. The element goes to name, cut to DIRSIZ bytes (then
// without a NUL, as in a dirent). Returns 0 when no element is left:
// "x//y/" gives "x" then "y" then 0.
static int
next_elem(char **pp, char *name)
{
  char *p;
  int len;

  p = *pp;
  while(*p == '/')
    p++;
  if(*p == 0)
    return 0;
  for(len = 0; p[len] != '/' && p[len] != 0; len++){
    if(len < DIRSIZ)
      name[len] = p[len];
  }
  if(len < DIRSIZ)
    name[len] = 0;
  p += len;
  while(*p == '/')
    p++;
  *pp = p;
  return 1;
}

// Where a lookup of path begins: the root for an absolute path (or
// before any process has a current directory), else the current directory.
static struct inode*
lookup_start(char *path)
{
  struct proc *p;

  p = myproc();
  if(path[0] == '/' || p == 0 || p->cwd == 0)
    return iget(ROOTDEV, ROOTINO);
  return idup(p->cwd);
}

// Lock ip and make sure it is a directory. If it is not, drop it
// (unlock and iput) and return 0.
static int
lock_dir(struct inode *ip)
{
  ilock(ip);
  if(ip->type == T_DIR)
    return 1;
  iunlockput(ip);
  return 0;
}

// Resolve path to a referenced, unlocked inode; 0 if something on the
// way does not exist or is not a directory. If last is not 0, stop one
// step short: return the directory that holds the final element and copy
// that element into last (DIRSIZ bytes).
//
// Each directory is unlocked before the next is locked. Holding two at
// once could deadlock: two lookups may walk the same directories in
// opposite orders (think of ".."), and a directory's entry for "." is
// the directory itself.
static struct inode*
walkpath(char *path, char *last)
{
  struct inode *dir, *child;
  char elem[DIRSIZ];

  dir = lookup_start(path);
  while(next_elem(&path, elem)){
    if(!lock_dir(dir))
      return 0;
    if(last != 0 && *path == 0){
      iunlock(dir);             // elem is the final element
      memmove(last, elem, DIRSIZ);
      return dir;
    }
    child = dirlookup(dir, elem, 0);
    iunlockput(dir);
    if(child == 0)
      return 0;
    dir = child;
  }
  if(last != 0){
    iput(dir);                  // "/" has no final element
    return 0;
  }
  return dir;
}

// The inode named by path.
struct inode*
namei(char *path)
{
  return walkpath(path, 0);
}

// The directory that would hold path's final element, which goes to name.
struct inode*
nameiparent(char *path, char *name)
{
  return walkpath(path, name);
}
