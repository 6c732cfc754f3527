// File-system system calls.
//
// Each sys_ function here does three things: fetch and check its
// arguments, do the work through the file layer (file.c), the inode and
// directory layer (fs.c) or pipes, and translate the outcome into a
// return value. Nothing the user passes may make the kernel panic: a
// descriptor must name an open file of the caller, a pointer must lie in
// the caller's memory (argptr, argstr, fetchstr check that), and a path
// must fit in MAXPATH bytes. Paths are copied to kernel buffers before
// use, so that resolving them never touches user memory.
//
// Everything that may modify the disk runs between begin_op() and
// end_op(), so that a crash leaves either all of it or none of it. Some
// operations take two steps that could each be cut off by a crash; they
// are ordered so that the in-between state is harmless (see link).
//
// The per-process descriptor table is myproc()->ofile[NOFILE]; a
// descriptor is an index into it and a null entry is a free one.

#include "types.h"
#include "param.h"
#include "stat.h"
#include "mmu.h"
#include "proc.h"
#include "fs.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "file.h"
#include "fcntl.h"
#include "defs.h"

// ---- descriptors

// The caller's open file with descriptor fd, or 0.
static struct file*
fd2file(int fd)
{
  if(fd < 0 || fd >= NOFILE)
    return 0;
  return myproc()->ofile[fd];
}

// Argument n as a descriptor of an open file: returns the file, and the
// descriptor in *fdp unless fdp is 0. Returns 0 if there is no such file.
struct file*
argfile(int n, int *fdp)
{
  int fd;
  struct file *f;

  if(argint(n, &fd) < 0 || (f = fd2file(fd)) == 0)
    return 0;
  if(fdp)
    *fdp = fd;
  return f;
}

// The lowest descriptor the caller has free, or -1.
static int
fdfree(void)
{
  struct file **ofile = myproc()->ofile;
  int fd;

  fd = 0;
  while(fd < NOFILE && ofile[fd] != 0)
    fd++;
  return fd < NOFILE ? fd : -1;
}

// Let the lowest free descriptor refer to f. The reference to f the
// caller holds moves to the descriptor. Returns it, or -1.
int
fdinstall(struct file *f)
{
  int fd;

  if((fd = fdfree()) >= 0)
    myproc()->ofile[fd] = f;
  return fd;
}

// ---- arguments

// Copy the path in argument n into buf, which holds MAXPATH bytes.
static int
argpath(int n, char *buf)
{
  char *s;

  if(argstr(n, &s) < 0 || strlen(s) >= MAXPATH)
    return -1;
  safestrcpy(buf, s, MAXPATH);
  return 0;
}

// The arguments of read and write: (fd, buffer, count), with the whole
// buffer inside the caller's memory.
static struct file*
argio(uint *addr, int *n)
{
  struct file *f;
  char *p;

  if((f = argfile(0, 0)) == 0 || argint(2, n) < 0 || *n < 0)
    return 0;
  if(argptr(1, &p, *n) < 0)
    return 0;
  *addr = (uint)p;
  return f;
}

// ---- calls on descriptors

int
sys_read(void)
{
  struct file *f;
  uint addr;
  int n;

  if((f = argio(&addr, &n)) == 0)
    return -1;
  return fileread(f, addr, n);
}

int
sys_write(void)
{
  struct file *f;
  uint addr;
  int n;

  if((f = argio(&addr, &n)) == 0)
    return -1;
  return filewrite(f, addr, n);
}

int
sys_dup(void)
{
  struct file *f;
  int fd;

  if((f = argfile(0, 0)) == 0)
    return -1;
  if((fd = fdinstall(f)) >= 0)
    filedup(f);             // the new descriptor's reference
  return fd;
}

int
sys_close(void)
{
  struct file *f;
  int fd;

  if((f = argfile(0, &fd)) == 0)
    return -1;
  myproc()->ofile[fd] = 0;
  fileclose(f);
  return 0;
}

// LAB 4: BEGIN SOLUTION
// seek(fd, offset): the next read or write of fd starts offset bytes
// from the start of the file (the only whence there is: SEEK_SET).
int
sys_seek(void)
{
  struct file *f;
  int off;

  if((f = argfile(0, 0)) == 0 || argint(1, &off) < 0)
    return -1;
// LAB 4: END
  // LAB 5: BEGIN SOLUTION
  if(f->type == FD_REMOTE)
    return nfsseek(f, off);
  // LAB 5: END
// LAB 4: BEGIN SOLUTION
  if(f->type != FD_INODE || off < 0)
    return -1;
  ilock(f->ip);
  if(off > f->ip->size){
    iunlock(f->ip);
    return -1;                // a hole could never be written (writei)
  }
  f->off = off;
  iunlock(f->ip);
  return off;
}
// LAB 4: STUB
// // seek(fd, offset): the next read or write of fd starts offset bytes
// // from the start of the file (the only whence there is: SEEK_SET).
// int
// sys_seek(void)
// {
//   // Lab 4: move fd's offset to `offset` bytes from the start of the
//   // file and return it. Only files on disk have an offset: -1 for a
//   // pipe, device or socket, for a negative offset and for one past the
//   // end of the file (socket.h). Trap: the offset is shared by every
//   // descriptor of the open file, and read and write change it too.
//   return -1;
// }
// LAB 4: END

int
sys_fstat(void)
{
  struct file *f;
  char *st;

  if((f = argfile(0, 0)) == 0 || argptr(1, &st, sizeof(struct stat)) < 0)
    return -1;
  return filestat(f, (uint)st);
}

int
sys_pipe(void)
{
  char *uarr;
  struct file *rf, *wf;
  int fds[2];

  if(argptr(0, &uarr, sizeof(fds)) < 0)
    return -1;
  if(pipealloc(&rf, &wf) < 0)
    return -1;
  fds[0] = fdinstall(rf);
  fds[1] = fds[0] < 0 ? -1 : fdinstall(wf);
  if(fds[1] >= 0 && either_copyout(1, (uint)uarr, fds, sizeof(fds)) == 0)
    return 0;

  // Undo: forget whichever descriptors were handed out, close both ends.
  if(fds[0] >= 0)
    myproc()->ofile[fds[0]] = 0;
  if(fds[1] >= 0)
    myproc()->ofile[fds[1]] = 0;
  fileclose(rf);
  fileclose(wf);
  return -1;
}

// ---- names: link and unlink

// Add delta to ip's link count on disk. ip is referenced, not locked.
static void
addlinks(struct inode *ip, int delta)
{
  ilock(ip);
  ip->nlink += delta;
  iupdate(ip);
  iunlock(ip);
}

// Is ip a directory? ip is referenced, not locked.
static int
isdir(struct inode *ip)
{
  int dir;

  ilock(ip);
  dir = ip->type == T_DIR;
  iunlock(ip);
  return dir;
}

// Enter ip in the directory that contains path, under path's last
// element. A directory entry holds only an inode number, so the parent
// must be on ip's device. A removed directory (see create) takes no names.
static int
addname(char *path, struct inode *ip)
{
  char name[DIRSIZ];
  struct inode *dir;
  int ok;

  if((dir = nameiparent(path, name)) == 0)
    return -1;
  ilock(dir);
  ok = dir->nlink > 0 && dir->dev == ip->dev && dirlink(dir, name, ip->inum) == 0;
  iunlockput(dir);
  return ok ? 0 : -1;
}

// link(old, new): make new one more name of the file old.
//
// The count goes up before the name is written. One transaction holds
// both, so a crash cannot separate them; still, this is the order that
// fails safe: a count one too high wastes an inode, one too low would
// free a file that a directory still names.
int
sys_link(void)
{
  char old[MAXPATH], new[MAXPATH];
  struct inode *ip;
  int r;

  if(argpath(0, old) < 0 || argpath(1, new) < 0)
    return -1;
  // LAB 5: BEGIN
  // A name nfsremote() calls remote is never made on the disk: open,
  // mkdir and unlink would send it to a server, and nothing could
  // remove it again.
  if(nfsremote(old) || nfsremote(new))
    return -1;
  // LAB 5: END
  begin_op();
  r = -1;
  // Directories get exactly one name each, so the tree has no cycles
  // and ".." is unambiguous.
  if((ip = namei(old)) != 0 && !isdir(ip)){
    addlinks(ip, 1);
    r = addname(new, ip);
    if(r < 0)
      addlinks(ip, -1);
  }
  if(ip)
    iput(ip);
  end_op();
  return r;
}

// Does directory dir (locked) hold nothing but "." and ".."? Those two
// are always its first two entries.
static int
emptydir(struct inode *dir)
{
  struct dirent de;
  uint i, n;

  n = dir->size / sizeof(de);
  for(i = 2; i < n; i++){
    if(readi(dir, 0, (uint)&de, i * sizeof(de), sizeof(de)) != sizeof(de))
      panic("emptydir: short directory");
    if(de.inum != 0)
      return 0;
  }
  return 1;
}

// Remove the entry name from directory dir (locked) and drop the link it
// stood for. Refuses "." and "..", and directories that are not empty.
static int
removename(struct inode *dir, char *name)
{
  struct dirent blank;
  struct inode *ip;
  uint off;

  if(namecmp(name, ".") == 0 || namecmp(name, "..") == 0)
    return -1;
  if((ip = dirlookup(dir, name, &off)) == 0)
    return -1;
  ilock(ip);
  if(ip->nlink <= 0)
    panic("removename: named inode has no links");
  if(ip->type == T_DIR && !emptydir(ip)){
    iunlockput(ip);
    return -1;
  }

  memset(&blank, 0, sizeof(blank));     // inum 0 marks a free entry
  if(writei(dir, 0, (uint)&blank, off, sizeof(blank)) != sizeof(blank))
    panic("removename: cannot clear entry");
  if(ip->type == T_DIR){
    // The removed directory's ".." was a link to dir.
    dir->nlink--;
    iupdate(dir);
  }
  ip->nlink--;
  iupdate(ip);
  iunlockput(ip);       // with no links and no other users, this frees ip
  return 0;
}

int
sys_unlink(void)
{
  char path[MAXPATH], name[DIRSIZ];
  struct inode *dir;
  int r;

  if(argpath(0, path) < 0)
    return -1;
  // LAB 5: BEGIN SOLUTION
  if(nfsremote(path))
    return nfsunlink(path);
  // LAB 5: STUB
  // // Lab 5: unlink of a remote path (nfs/remote.c).
  // LAB 5: END
  begin_op();
  r = -1;
  if((dir = nameiparent(path, name)) != 0){
    ilock(dir);
    r = removename(dir, name);
    iunlockput(dir);
  }
  end_op();
  return r;
}

// ---- creating files, directories and device nodes

// Link a new inode ip (locked) into dir (locked) as name. A directory
// also gets its "." and "..", and its ".." counts as a link to dir;
// "." is not counted, or no directory could ever be freed.
static int
linknew(struct inode *dir, char *name, struct inode *ip)
{
  if(ip->type == T_DIR){
    if(dirlink(ip, ".", ip->inum) < 0)
      return -1;
    if(dirlink(ip, "..", dir->inum) < 0)
      return -1;
  }
  if(dirlink(dir, name, ip->inum) < 0)
    return -1;
  if(ip->type == T_DIR){
    dir->nlink++;
    iupdate(dir);
  }
  return 0;
}

// Make a new inode called name in dir (locked). Returns it locked, or 0.
static struct inode*
newinode(struct inode *dir, char *name, short type, short major, short minor)
{
  struct inode *ip;

  if((ip = ialloc(dir->dev, type)) == 0)
    return 0;
  ilock(ip);
  ip->major = major;
  ip->minor = minor;
  if(linknew(dir, name, ip) < 0){
    // ip's link count is still 0, so letting go of it frees it again.
    iunlockput(ip);
    return 0;
  }
  ip->nlink = 1;
  iupdate(ip);
  return ip;
}

// Create path as a new inode of the given type and return it locked.
// If path exists, open() with O_CREATE still succeeds on a file or a
// device, so for type T_FILE such an inode is returned instead. Returns
// 0 on failure. Call inside a transaction.
//
// Nothing new goes into a directory that has been removed (nlink 0) but
// is still some process's cwd: the directory is freed with its last
// reference, and whatever it held would be reachable from nowhere, its
// inodes and blocks never freed.
static struct inode*
create(char *path, short type, short major, short minor)
{
  char name[DIRSIZ];
  struct inode *dir, *ip;

  if((dir = nameiparent(path, name)) == 0)
    return 0;
  ilock(dir);
  if((ip = dirlookup(dir, name, 0)) == 0){
    ip = dir->nlink > 0 ? newinode(dir, name, type, major, minor) : 0;
    iunlockput(dir);
    return ip;
  }

  // Already there. Let dir go before locking ip: name may be "." and
  // then ip is dir itself.
  iunlockput(dir);
  ilock(ip);
  if(type == T_FILE && (ip->type == T_FILE || ip->type == T_DEV))
    return ip;
  iunlockput(ip);
  return 0;
}

// Make a directory or device node at path; the mkdir and mknod calls.
static int
makenode(char *path, short type, short major, short minor)
{
  struct inode *ip;

  begin_op();
  ip = create(path, type, major, minor);
  if(ip)
    iunlockput(ip);
  end_op();
  return ip ? 0 : -1;
}

int
sys_mkdir(void)
{
  char path[MAXPATH];

  if(argpath(0, path) < 0)
    return -1;
  // LAB 5: BEGIN SOLUTION
  if(nfsremote(path))
    return nfsmkdir(path);
  // LAB 5: STUB
  // // Lab 5: mkdir of a remote path (nfs/remote.c).
  // LAB 5: END
  return makenode(path, T_DIR, 0, 0);
}

int
sys_mknod(void)
{
  char path[MAXPATH];
  int major, minor;

  if(argpath(0, path) < 0 || argint(1, &major) < 0 || argint(2, &minor) < 0)
    return -1;
  // A major number indexes devsw[]; both numbers must fit in a short.
  if(major < 0 || major >= NDEV || minor < 0 || minor > 0x7FFF)
    return -1;
  // LAB 5: BEGIN
  if(nfsremote(path))     // as in sys_link: it could never be removed
    return -1;
  // LAB 5: END
  return makenode(path, T_DEV, major, minor);
}

// ---- open and chdir

// Find or create the inode that open(path, omode) is about, and return
// it locked if it may be opened that way. Inside a transaction.
static struct inode*
openinode(char *path, int omode)
{
  struct inode *ip;

  if(omode & O_CREATE){
    if((ip = create(path, T_FILE, 0, 0)) == 0)
      return 0;
  } else {
    if((ip = namei(path)) == 0)
      return 0;
    ilock(ip);
  }
  // Directories change only through mkdir, link and unlink.
  if(ip->type == T_DIR && (omode & (O_WRONLY|O_RDWR)))
    goto refuse;
  // A device node from a foreign disk image may carry any major number.
  if(ip->type == T_DEV && (ip->major < 0 || ip->major >= NDEV))
    goto refuse;
  return ip;

refuse:
  iunlockput(ip);
  return 0;
}

// Give the caller a descriptor for ip (locked), opened as omode says.
// ip's reference goes to the new file, and ip ends up unlocked. Returns
// the descriptor, or -1 if the caller or the system is out of files.
static int
openfile(struct inode *ip, int omode)
{
  struct file *f;
  int fd;

  // Find the descriptor before taking the file, so that failure never
  // has to close a file that holds ip.
  if((fd = fdfree()) < 0 || (f = filealloc()) == 0){
    iunlockput(ip);
    return -1;
  }
  if(ip->type == T_DEV){
    f->type = FD_DEVICE;
    f->major = ip->major;
  } else {
    f->type = FD_INODE;
    f->off = 0;
  }
  f->ip = ip;
  f->readable = (omode & O_WRONLY) == 0;
  f->writable = (omode & (O_WRONLY|O_RDWR)) != 0;
  f->nonblock = (omode & O_NONBLOCK) != 0;
  myproc()->ofile[fd] = f;

  if((omode & O_TRUNC) && ip->type == T_FILE)
    itrunc(ip);
  iunlock(ip);
  return fd;
}

int
sys_open(void)
{
  char path[MAXPATH];
  struct inode *ip;
  int omode, fd;

  if(argpath(0, path) < 0 || argint(1, &omode) < 0)
    return -1;
  // LAB 5: BEGIN SOLUTION
  if(nfsremote(path)){
    struct file *f = nfsopen(path, omode);

    if(f == 0)
      return -1;
    if((fd = fdinstall(f)) < 0)
      fileclose(f);
    return fd;
  }
  // LAB 5: STUB
  // // Lab 5: a remote path (nfsremote) is opened by nfs/remote.c.
  // LAB 5: END
  begin_op();
  ip = openinode(path, omode);
  fd = ip ? openfile(ip, omode) : -1;
  end_op();
  return fd;
}

int
sys_chdir(void)
{
  char path[MAXPATH];
  struct proc *p = myproc();
  struct inode *ip, *old;

  if(argpath(0, path) < 0)
    return -1;
  begin_op();
  if((ip = namei(path)) != 0 && !isdir(ip)){
    iput(ip);
    ip = 0;
  }
  if(ip){
    old = p->cwd;
    p->cwd = ip;
    if(old)
      iput(old);        // may write to disk, hence inside the transaction
  }
  end_op();
  return ip ? 0 : -1;
}

// ---- exec

// Free the kernel copies of exec's arguments.
static void
freeargs(char **argv)
{
  int i;

  for(i = 0; i < MAXARG && argv[i] != 0; i++)
    kfree(argv[i]);
}

// Copy the user's argument vector at uargv (string pointers, then a
// null) into kernel pages, one per string, filling argv[] (MAXARG+1
// entries, all 0 on entry). Returns 0, or -1 if the vector is too long
// or anything in it is unreadable.
static int
fetchargs(uint uargv, char **argv)
{
  uint uarg;
  char *s;
  int i, len;

  for(i = 0; ; i++){
    if(fetchint(uargv + i*sizeof(uint), (int*)&uarg) < 0)
      return -1;
    if(uarg == 0)
      return 0;               // argv[i] is already 0
    if(i == MAXARG || fetchstr(uarg, &s) < 0)
      return -1;
    if((len = strlen(s)) >= PGSIZE || (argv[i] = kalloc()) == 0)
      return -1;
    memmove(argv[i], s, len + 1);
  }
}

// exec(path, argv). The arguments live in the address space exec is about
// to throw away, so they are copied into the kernel first.
int
sys_exec(void)
{
  char path[MAXPATH], *argv[MAXARG+1];
  uint uargv;
  int r;

  if(argpath(0, path) < 0 || argaddr(1, &uargv) < 0)
    return -1;
  memset(argv, 0, sizeof(argv));
  r = fetchargs(uargv, argv);
  if(r == 0)
    r = exec(path, argv);
  freeargs(argv);
  return r;
}
