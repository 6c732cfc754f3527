// File-system system calls: argument checking and the glue between file
// descriptors (myproc()->ofile) and the file, inode and pipe layers.
//
// Every argument from user space is distrusted: a file descriptor must be
// in range and open, a pointer must lie in the caller's memory (argptr,
// argstr, fetchstr check that), a path must fit in MAXPATH bytes. Anything
// else makes the call return -1; nothing here panics because of user input.
// Path names are copied into kernel buffers first, so the rest of the
// kernel never looks at user memory while it resolves them.

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

// Fetch system call argument n as a file descriptor of the calling
// process. Returns 0 and fills in *pfd and *pf (either may be 0), or -1.
static int
argfd(int n, int *pfd, struct file **pf)
{
  int fd;
  struct file *f;

  if(argint(n, &fd) < 0)
    return -1;
  if(fd < 0 || fd >= NOFILE || (f = myproc()->ofile[fd]) == 0)
    return -1;
  if(pfd)
    *pfd = fd;
  if(pf)
    *pf = f;
  return 0;
}

// Give f the lowest free descriptor of the calling process, or return -1.
static int
fdalloc(struct file *f)
{
  int fd;
  struct proc *p = myproc();

  for(fd = 0; fd < NOFILE; fd++){
    if(p->ofile[fd] == 0){
      p->ofile[fd] = f;
      return fd;
    }
  }
  return -1;
}

// Copy the path name in argument n into buf (MAXPATH bytes).
static int
argpath(int n, char *buf)
{
  char *s;

  if(argstr(n, &s) < 0)
    return -1;
  if(strlen(s) >= MAXPATH)
    return -1;
  safestrcpy(buf, s, MAXPATH);
  return 0;
}

int
sys_dup(void)
{
  struct file *f;
  int fd;

  if(argfd(0, 0, &f) < 0)
    return -1;
  if((fd = fdalloc(f)) < 0)
    return -1;
  filedup(f);
  return fd;
}

int
sys_read(void)
{
  struct file *f;
  int n;
  char *p;

  if(argfd(0, 0, &f) < 0 || argint(2, &n) < 0 || n < 0)
    return -1;
  if(argptr(1, &p, n) < 0)
    return -1;
  return fileread(f, (uint)p, n);
}

int
sys_write(void)
{
  struct file *f;
  int n;
  char *p;

  if(argfd(0, 0, &f) < 0 || argint(2, &n) < 0 || n < 0)
    return -1;
  if(argptr(1, &p, n) < 0)
    return -1;
  return filewrite(f, (uint)p, n);
}

int
sys_close(void)
{
  int fd;
  struct file *f;

  if(argfd(0, &fd, &f) < 0)
    return -1;
  myproc()->ofile[fd] = 0;
  fileclose(f);
  return 0;
}

int
sys_fstat(void)
{
  struct file *f;
  char *st;

  if(argfd(0, 0, &f) < 0)
    return -1;
  if(argptr(1, &st, sizeof(struct stat)) < 0)
    return -1;
  return filestat(f, (uint)st);
}

// Create the path new as another name for the inode at old.
int
sys_link(void)
{
  char name[DIRSIZ], new[MAXPATH], old[MAXPATH];
  struct inode *dp, *ip;

  if(argpath(0, old) < 0 || argpath(1, new) < 0)
    return -1;

  begin_op();
  if((ip = namei(old)) == 0){
    end_op();
    return -1;
  }
  ilock(ip);
  if(ip->type == T_DIR){
    // Links to directories would allow cycles in the tree.
    iunlockput(ip);
    end_op();
    return -1;
  }
  // Count the new link first: a crash in between leaves nlink too high,
  // which wastes an inode, instead of too low, which would free a file
  // that a directory still names.
  ip->nlink++;
  iupdate(ip);
  iunlock(ip);

  if((dp = nameiparent(new, name)) == 0)
    goto bad;
  ilock(dp);
  if(dp->dev != ip->dev || dirlink(dp, name, ip->inum) < 0){
    iunlockput(dp);
    goto bad;
  }
  iunlockput(dp);
  iput(ip);
  end_op();
  return 0;

bad:
  ilock(ip);
  ip->nlink--;
  iupdate(ip);
  iunlockput(ip);
  end_op();
  return -1;
}

// Is directory dp empty apart from "." and ".."?
static int
isdirempty(struct inode *dp)
{
  uint off;
  struct dirent de;

  for(off = 2*sizeof(de); off < dp->size; off += sizeof(de)){
    if(readi(dp, 0, (uint)&de, off, sizeof(de)) != sizeof(de))
      panic("isdirempty: short read");
    if(de.inum != 0)
      return 0;
  }
  return 1;
}

int
sys_unlink(void)
{
  struct inode *ip, *dp;
  struct dirent de;
  char name[DIRSIZ], path[MAXPATH];
  uint off;

  if(argpath(0, path) < 0)
    return -1;

  begin_op();
  if((dp = nameiparent(path, name)) == 0){
    end_op();
    return -1;
  }
  ilock(dp);

  if(namecmp(name, ".") == 0 || namecmp(name, "..") == 0)
    goto bad;
  if((ip = dirlookup(dp, name, &off)) == 0)
    goto bad;
  ilock(ip);
  if(ip->nlink < 1)
    panic("sys_unlink: nlink < 1");
  if(ip->type == T_DIR && !isdirempty(ip)){
    iunlockput(ip);
    goto bad;
  }

  memset(&de, 0, sizeof(de));
  if(writei(dp, 0, (uint)&de, off, sizeof(de)) != sizeof(de))
    panic("sys_unlink: writei");
  if(ip->type == T_DIR){
    dp->nlink--;      // the child's ".." no longer names dp
    iupdate(dp);
  }
  iunlockput(dp);

  ip->nlink--;
  iupdate(ip);
  iunlockput(ip);     // frees the inode if nothing else holds it
  end_op();
  return 0;

bad:
  iunlockput(dp);
  end_op();
  return -1;
}

// Create path as a new inode of the given type and return it locked, or,
// for T_FILE, return the existing file or device of that name. Returns 0
// on failure. Must be called inside a transaction.
static struct inode*
create(char *path, short type, short major, short minor)
{
  struct inode *ip, *dp;
  char name[DIRSIZ];

  if((dp = nameiparent(path, name)) == 0)
    return 0;
  ilock(dp);

  if((ip = dirlookup(dp, name, 0)) != 0){
    iunlockput(dp);
    ilock(ip);
    if(type == T_FILE && (ip->type == T_FILE || ip->type == T_DEV))
      return ip;
    iunlockput(ip);
    return 0;
  }

  if((ip = ialloc(dp->dev, type)) == 0){
    iunlockput(dp);
    return 0;
  }
  ilock(ip);
  ip->major = major;
  ip->minor = minor;
  ip->nlink = 1;
  iupdate(ip);

  if(type == T_DIR){
    // "." is not counted in nlink (it would keep a directory alive
    // forever); ".." counts as a link to the parent.
    if(dirlink(ip, ".", ip->inum) < 0 || dirlink(ip, "..", dp->inum) < 0)
      goto fail;
  }
  if(dirlink(dp, name, ip->inum) < 0)
    goto fail;
  if(type == T_DIR){
    dp->nlink++;
    iupdate(dp);
  }
  iunlockput(dp);
  return ip;

fail:
  // Nothing names the new inode; nlink 0 makes iput free it.
  ip->nlink = 0;
  iupdate(ip);
  iunlockput(ip);
  iunlockput(dp);
  return 0;
}

int
sys_open(void)
{
  char path[MAXPATH];
  int fd, omode;
  struct file *f;
  struct inode *ip;

  if(argpath(0, path) < 0 || argint(1, &omode) < 0)
    return -1;

  begin_op();
  if(omode & O_CREATE){
    if((ip = create(path, T_FILE, 0, 0)) == 0){
      end_op();
      return -1;
    }
  } else {
    if((ip = namei(path)) == 0){
      end_op();
      return -1;
    }
    ilock(ip);
    if(ip->type == T_DIR && (omode & (O_WRONLY|O_RDWR))){
      iunlockput(ip);
      end_op();
      return -1;
    }
  }

  if(ip->type == T_DEV && (ip->major < 0 || ip->major >= NDEV)){
    iunlockput(ip);
    end_op();
    return -1;
  }

  if((f = filealloc()) == 0 || (fd = fdalloc(f)) < 0){
    if(f)
      fileclose(f);
    iunlockput(ip);
    end_op();
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
  f->readable = !(omode & O_WRONLY);
  f->writable = (omode & O_WRONLY) || (omode & O_RDWR);
  f->nonblock = (omode & O_NONBLOCK) != 0;

  if((omode & O_TRUNC) && ip->type == T_FILE)
    itrunc(ip);

  iunlock(ip);
  end_op();
  return fd;
}

int
sys_mkdir(void)
{
  char path[MAXPATH];
  struct inode *ip;

  if(argpath(0, path) < 0)
    return -1;
  begin_op();
  if((ip = create(path, T_DIR, 0, 0)) == 0){
    end_op();
    return -1;
  }
  iunlockput(ip);
  end_op();
  return 0;
}

int
sys_mknod(void)
{
  struct inode *ip;
  char path[MAXPATH];
  int major, minor;

  if(argpath(0, path) < 0 || argint(1, &major) < 0 || argint(2, &minor) < 0)
    return -1;
  if(major < 0 || major >= NDEV || minor < 0 || minor > 0x7FFF)
    return -1;
  begin_op();
  if((ip = create(path, T_DEV, major, minor)) == 0){
    end_op();
    return -1;
  }
  iunlockput(ip);
  end_op();
  return 0;
}

int
sys_chdir(void)
{
  char path[MAXPATH];
  struct inode *ip;
  struct proc *p = myproc();

  if(argpath(0, path) < 0)
    return -1;
  begin_op();
  if((ip = namei(path)) == 0){
    end_op();
    return -1;
  }
  ilock(ip);
  if(ip->type != T_DIR){
    iunlockput(ip);
    end_op();
    return -1;
  }
  iunlock(ip);
  if(p->cwd)
    iput(p->cwd);
  end_op();
  p->cwd = ip;
  return 0;
}

// exec(path, argv): argv is a user array of user string pointers ending
// with 0. The strings are copied into kernel pages first, because exec
// throws away the address space they live in.
int
sys_exec(void)
{
  char path[MAXPATH], *argv[MAXARG+1], *s;
  uint uargv, uarg;
  int i, len, ret;

  if(argpath(0, path) < 0 || argaddr(1, &uargv) < 0)
    return -1;

  memset(argv, 0, sizeof(argv));
  ret = -1;
  for(i = 0; ; i++){
    if(fetchint(uargv + 4*i, (int*)&uarg) < 0)
      goto out;
    if(uarg == 0)
      break;
    if(i == MAXARG)
      goto out;       // more than MAXARG arguments
    if(fetchstr(uarg, &s) < 0)
      goto out;
    len = strlen(s);
    if(len >= PGSIZE)
      goto out;
    if((argv[i] = kalloc()) == 0)
      goto out;
    memmove(argv[i], s, len + 1);
  }
  argv[i] = 0;
  ret = exec(path, argv);

out:
  for(i = 0; i < NELEM(argv) && argv[i] != 0; i++)
    kfree(argv[i]);
  return ret;
}

int
sys_pipe(void)
{
  char *fdarray;
  struct file *rf, *wf;
  int fd[2];
  struct proc *p = myproc();

  if(argptr(0, &fdarray, 2*sizeof(int)) < 0)
    return -1;
  if(pipealloc(&rf, &wf) < 0)
    return -1;
  fd[0] = -1;
  if((fd[0] = fdalloc(rf)) < 0 || (fd[1] = fdalloc(wf)) < 0){
    if(fd[0] >= 0)
      p->ofile[fd[0]] = 0;
    fileclose(rf);
    fileclose(wf);
    return -1;
  }
  if(either_copyout(1, (uint)fdarray, fd, sizeof(fd)) < 0){
    p->ofile[fd[0]] = 0;
    p->ofile[fd[1]] = 0;
    fileclose(rf);
    fileclose(wf);
    return -1;
  }
  return 0;
}
