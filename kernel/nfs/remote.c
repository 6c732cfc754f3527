// remote.c: remote files in the fd and path layers.
//
// sysfile.c hands every path that nfsremote() recognizes to nfsopen,
// nfsmkdir or nfsunlink instead of the local file system, and file.c
// sends read, write, fstat, seek and close of an FD_REMOTE file here. An
// FD_REMOTE file holds its server, the handle the server gave it, the
// connection that handle belongs to (gen), and its own offset: two opens
// of one remote file are two handles and two offsets, and after fork or
// dup the descriptors share one struct file, and so one offset, exactly
// as for a file on disk.
//
// Every call takes the server for itself (srvlock) for its exchanges;
// a read or write larger than the server's iounit is several READs or
// WRITEs, under one hold of the server, so it is never interleaved with
// another process's.

#include "types.h"
#include "defs.h"
#include "param.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "fs.h"
#include "file.h"
#include "stat.h"
#include "fcntl.h"
#include "nfs.h"
#include "proto.h"
#include "client.h"

static int
isdigit(int c)
{
  return c >= '0' && c <= '9';
}

// Does path name a remote file: does it start with an IPv4 address in
// dotted form and a ':'? Nothing else is ever looked up remotely.
int
nfsremote(const char *path)
{
  int dots = 0, digits = 0;

  for(; *path && *path != ':'; path++){
    if(*path == '.' && digits > 0){
      dots++;
      digits = 0;
    } else if(isdigit(*path) && digits < 3){
      digits++;
    } else {
      return 0;
    }
  }
  return *path == ':' && dots == 3 && digits > 0;
}

// LAB 5: BEGIN SOLUTION
// A decimal number of at most max from *p on, which moves past it.
// Returns -1 if there are no digits or it is too big.
static int
number(const char **p, int max)
{
  int v = 0, n = 0;

  while(isdigit(**p) && n < 6){
    v = v * 10 + (**p - '0');
    (*p)++;
    n++;
  }
  return n == 0 || v > max ? -1 : v;
}

// Split a remote path A.B.C.D[:PORT]:/path into the server's address ip
// (4 bytes, network order), its port (NFS_PORT if the path names none)
// and path in the protocol's form in rel (MAXPATH bytes): no leading or
// trailing '/', no empty components, so "/" is "". Returns 0, or -1 if
// path is not well formed.
static int
nfsparse(const char *path, uchar *ip, ushort *port, char *rel)
{
  const char *p = path;
  int i, v, n;

  for(i = 0; i < 4; i++){
    if((v = number(&p, 255)) < 0 || *p != (i < 3 ? '.' : ':'))
      return -1;
    ip[i] = v;
    p++;
  }
  *port = NFS_PORT;
  if(*p != '/'){
    if((v = number(&p, 65535)) <= 0 || *p != ':')
      return -1;
    *port = v;
    p++;
  }
  if(*p != '/')
    return -1;
  n = 0;
  while(*p){
    while(*p == '/')
      p++;
    if(*p == 0)
      break;
    if(n > 0 && n < MAXPATH - 1)
      rel[n++] = '/';
    while(*p && *p != '/' && n < MAXPATH - 1)
      rel[n++] = *p++;
  }
  rel[n] = 0;
  return 0;
}

// Split rel into its last name (a pointer into rel, which is cut at the
// '/' before it) and returns the directory it is in ("" for the root).
// Returns 0 if rel is the root itself, which has no last name.
static char*
lastname(char *rel, char **dir)
{
  char *slash;

  if(rel[0] == 0)
    return 0;
  slash = rel + strlen(rel);
  while(slash > rel && *slash != '/')
    slash--;
  if(*slash != '/'){
    *dir = "";
    return rel;
  }
  *slash = 0;
  *dir = rel;
  return slash + 1;
}

// The server a remote path names, taken (srvlock) and connected, with
// the path in the protocol's form in rel. 0 on any failure.
static struct server*
reach(const char *path, char *rel)
{
  struct server *s;
  uchar ip[4];
  ushort port;

  if(nfsparse(path, ip, &port, rel) < 0 || (s = srvget(ip, port)) == 0)
    return 0;
  if(srvlock(s, 1) < 0)
    return 0;
  if(srvconnect(s) < 0){
    srvunlock(s);
    return 0;
  }
  return s;
}

// A handle for directory dir (relative path): the root's, or a LOOKUP's,
// which the caller clunks. Returns an NFS status.
static int
dirhandle(struct server *s, const char *dir, uint *h)
{
  struct nstat st;
  int r;

  if(dir[0] == 0){
    *h = NFS_ROOT;
    return NFS_OK;
  }
  if((r = nfs_lookup(s, dir, h, &st)) == NFS_OK && st.kind != NFS_KDIR){
    nfs_clunk(s, *h);
    r = NFS_ERR_NOTDIR;
  }
  return r;
}

static void
dropdir(struct server *s, uint h)
{
  if(h != NFS_ROOT && srvcurrent(s, s->gen))
    nfs_clunk(s, h);
}

// CREATE rel as a new file opened with mode; its handle to *h.
static int
createfile(struct server *s, char *rel, int mode, uint *h)
{
  char *dir, *name;
  uint dh;
  int r;

  if((name = lastname(rel, &dir)) == 0)
    return NFS_ERR_ISDIR;
  if((r = dirhandle(s, dir, &dh)) != NFS_OK)
    return r;
  r = nfs_create(s, dh, mode, name, h);
  dropdir(s, dh);
  return r;
}

// Find or make the file rel names and give it a handle opened as omode
// asks; *isdir says it is a directory (readable only, not opened). An
// NFS status.
static int
openhandle(struct server *s, char *rel, int omode, uint *h, int *isdir)
{
  char again[MAXPATH];
  struct nstat st;
  int mode, r;

  mode = omode & O_RDWR ? NFS_ORDWR : omode & O_WRONLY ? NFS_OWRITE : NFS_OREAD;
  if((omode & O_TRUNC) && mode != NFS_OREAD)
    mode |= NFS_OTRUNC;
  *isdir = 0;
  r = nfs_lookup(s, rel, h, &st);
  if(r == NFS_ERR_NOENT && (omode & O_CREATE)){
    safestrcpy(again, rel, sizeof(again));   // createfile cuts rel
    if((r = createfile(s, rel, mode, h)) != NFS_ERR_EXIST)
      return r;
    safestrcpy(rel, again, MAXPATH);         // made meanwhile: open it
    r = nfs_lookup(s, rel, h, &st);
  }
  if(r != NFS_OK)
    return r;
  if(st.kind == NFS_KDIR && mode == NFS_OREAD){
    *isdir = 1;
    return NFS_OK;
  }
  if((r = nfs_open(s, *h, mode)) != NFS_OK && srvcurrent(s, s->gen))
    nfs_clunk(s, *h);
  return r;
}

// open() of a remote path: a new FD_REMOTE file, or 0.
struct file*
nfsopen(char *path, int omode)
{
  char rel[MAXPATH];
  struct server *s;
  struct file *f;
  uint h;
  int isdir;

  if((f = filealloc()) == 0)
    return 0;
  if((s = reach(path, rel)) == 0){
    fileclose(f);
    return 0;
  }
  if(openhandle(s, rel, omode, &h, &isdir) != NFS_OK){
    srvunlock(s);
    fileclose(f);
    return 0;
  }
  f->type = FD_REMOTE;
  f->srv = s;
  f->handle = h;
  f->gen = s->gen;
  f->isdir = isdir;
  f->cookie = 0;
  f->off = 0;
  f->readable = (omode & O_WRONLY) == 0;
  f->writable = (omode & (O_WRONLY|O_RDWR)) != 0;
  srvunlock(s);
  return f;
}

// Take f's server for a call on f. Returns -1 if f's handle died with
// an older connection, or the caller was killed waiting.
static int
takefile(struct file *f, int killable)
{
  if(srvlock(f->srv, killable) < 0)
    return -1;
  if(!srvcurrent(f->srv, f->gen)){
    srvunlock(f->srv);
    return -1;
  }
  return 0;
}

// read() of a remote directory: whole struct rdirent records.
static int
readdir(struct file *f, uint addr, int n)
{
  struct rdirent *ents = f->srv->dirents;
  int max, got, r;

  max = n / sizeof(struct rdirent);
  if(max > NFS_DIRBATCH)
    max = NFS_DIRBATCH;
  if(max == 0)
    return -1;
  r = nfs_readdir(f->srv, f->handle, &f->cookie, ents, max, &got);
  if(r != NFS_OK)
    return -1;
  if(either_copyout(1, addr, ents, got * sizeof(struct rdirent)) < 0)
    return -1;
  return got * sizeof(struct rdirent);
}

// read() of a remote file: up to n bytes at f's offset, fewer only at
// the end of the file. Returns the count or -1.
int
nfsread(struct file *f, uint addr, int n)
{
  struct server *s = f->srv;
  uint chunk, got;
  int done, r;

  if(takefile(f, 1) < 0)
    return -1;
  if(f->isdir){
    r = readdir(f, addr, n);
    srvunlock(s);
    return r;
  }
  done = 0;
  while(done < n){
    chunk = n - done;
    if(chunk > iounit(s))
      chunk = iounit(s);
    if(nfs_read(s, f->handle, f->off, 1, addr + done, chunk, &got) != NFS_OK){
      srvunlock(s);
      return -1;
    }
    f->off += got;
    done += got;
    if(got < chunk)
      break;                            // the end of the file
  }
  srvunlock(s);
  return done;
}

// write() of a remote file: all n bytes at f's offset. Returns n, or -1
// if any part failed (the parts before it stay written).
int
nfswrite(struct file *f, uint addr, int n)
{
  struct server *s = f->srv;
  uint chunk;
  int done;

  if(takefile(f, 1) < 0)
    return -1;
  for(done = 0; done < n; done += chunk){
    chunk = n - done;
    if(chunk > iounit(s))
      chunk = iounit(s);
    if(nfs_write(s, f->handle, f->off, 1, addr + done, chunk) != NFS_OK){
      srvunlock(s);
      return -1;
    }
    f->off += chunk;
  }
  srvunlock(s);
  return n;
}

// fstat() of a remote file, into *st.
int
nfsstat(struct file *f, struct stat *st)
{
  struct nstat ns;
  int r;

  if(takefile(f, 1) < 0)
    return -1;
  r = nfs_stat(f->srv, f->handle, &ns);
  srvunlock(f->srv);
  if(r != NFS_OK)
    return -1;
  st->type = ns.kind == NFS_KFILE ? T_FILE : ns.kind == NFS_KDIR ? T_DIR : T_DEV;
  st->dev = NFS_DEV;
  st->ino = f->handle;
  st->nlink = 1;
  st->size = ns.size > 0xFFFFFFFF ? 0xFFFFFFFF : ns.size;
  return 0;
}

// seek() of a remote file: any offset from 0 on, even past the end.
// Nothing goes to the server, but the offset changes under the server's
// hold like in read and write, and a dead handle fails here too.
int
nfsseek(struct file *f, int off)
{
  if(f->isdir || off < 0 || takefile(f, 1) < 0)
    return -1;
  f->off = off;
  srvunlock(f->srv);
  return off;
}

// The last reference to f is gone: free its handle on the server,
// without waiting for the answer (forget), and even if the caller was
// killed, since exit closes every file.
void
nfsclose(struct file *f)
{
  if(srvlock(f->srv, 0) < 0)
    return;
  if(srvcurrent(f->srv, f->gen))
    forget(f->srv, f->handle);
  srvunlock(f->srv);
}

// mkdir() and unlink() of a remote path: MKDIR, or UNLINK, which for an
// empty directory is RMDIR, as unlink() removes those on disk too.
static int
nameop(char *path, int type)
{
  char rel[MAXPATH], *dir, *name;
  struct server *s;
  uint dh;
  int r;

  if((s = reach(path, rel)) == 0)
    return -1;
  if((name = lastname(rel, &dir)) == 0){
    srvunlock(s);
    return -1;                          // the root itself
  }
  if((r = dirhandle(s, dir, &dh)) == NFS_OK){
    r = nfs_name(s, type, dh, name);
    if(r == NFS_ERR_ISDIR && type == NFS_UNLINK)
      r = nfs_name(s, NFS_RMDIR, dh, name);
    dropdir(s, dh);
  }
  srvunlock(s);
  return r == NFS_OK ? 0 : -1;
}

int
nfsmkdir(char *path)
{
  return nameop(path, NFS_MKDIR);
}

int
nfsunlink(char *path)
{
  return nameop(path, NFS_UNLINK);
}
// LAB 5: STUB
// struct file*
// nfsopen(char *path, int omode)
// {
//   // Lab 5: open() of remote path (nfsremote(path) holds): a new
//   // FD_REMOTE file (filealloc) with its server, a handle opened on the
//   // server as omode asks (O_RDONLY, O_WRONLY, O_RDWR; O_CREATE makes
//   // the file if it is missing; O_TRUNC empties it) and the connection
//   // the handle belongs to; or 0 on any failure, with nothing held on
//   // the server or here. A directory opens O_RDONLY only, and is read
//   // as struct rdirent records. Traps: the port is optional in the
//   // path (NFS_PORT), and the path's form is not the protocol's (see
//   // LOOKUP); two processes may open the same server at once.
//   return 0;
// }
//
// int
// nfsread(struct file *f, uint addr, int n)
// {
//   // Lab 5: read() of FD_REMOTE file f: up to n bytes at f's offset to
//   // user address addr, fewer only at the end of the file, the offset
//   // moved past them; a directory gives whole struct rdirent records.
//   // Returns the count (0 at the end) or -1, also for a handle of an
//   // earlier connection. Traps: one READ carries at most iounit bytes;
//   // two descriptors on one file must not share an offset unless they
//   // share the struct file.
//   return -1;
// }
//
// int
// nfswrite(struct file *f, uint addr, int n)
// {
//   // Lab 5: write() of FD_REMOTE file f: all n bytes from user address
//   // addr at f's offset, which moves past them. Returns n, or -1 if any
//   // of them failed to reach the file.
//   return -1;
// }
//
// int
// nfsstat(struct file *f, struct stat *st)
// {
//   // Lab 5: fstat() of FD_REMOTE file f into *st, as nfs.h describes
//   // it. Returns 0 or -1.
//   return -1;
// }
//
// int
// nfsseek(struct file *f, int off)
// {
//   // Lab 5: seek() of FD_REMOTE file f to offset off (>= 0; past the end
//   // is allowed, not for a directory). Returns off or -1. sys_seek must
//   // send such a file here before it checks for FD_INODE: that is your
//   // lab-4 code, so no pointer in sysfile.c marks the spot.
//   return -1;
// }
//
// void
// nfsclose(struct file *f)
// {
//   // Lab 5: the last reference to FD_REMOTE file f is gone: free its
//   // handle on the server. Traps: this runs in exit() too, for a killed
//   // process, and must neither fail because of that nor wait for a
//   // dead server (see forget).
// }
//
// int
// nfsmkdir(char *path)
// {
//   // Lab 5: mkdir() of remote path. Returns 0 or -1.
//   return -1;
// }
//
// int
// nfsunlink(char *path)
// {
//   // Lab 5: unlink() of remote path: a file, or an empty directory.
//   // Returns 0 or -1.
//   return -1;
// }
// LAB 5: END
