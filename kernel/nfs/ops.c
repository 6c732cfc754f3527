// ops.c: the protocol's operations, one function each. Every one builds
// its request (msgstart, put*), makes the exchange (rpc) and takes the
// reply's body apart (get*), checking that the body is as long as the
// protocol says. Each returns NFS_OK, the server's NFS_ERR_ status, or -1
// if the connection failed. The caller holds the server (srvlock) and
// has checked that it is connected.
//
// nfs_stat is written out as the example the others follow.

#include "types.h"
#include "defs.h"
#include "param.h"
#include "spinlock.h"
#include "stat.h"
#include "nfs.h"
#include "proto.h"
#include "client.h"

// STAT: what the server knows of handle h.
int
nfs_stat(struct server *s, uint h, struct nstat *st)
{
  struct msg m, r;
  int status;

  msgstart(&m, s, NFS_STAT);
  put32(&m, h);
  if((status = rpc(s, &m, &r)) != NFS_OK)
    return status;
  if(getstat(&r, st) < 0)
    return NFS_ERR_BADMSG;              // a reply too short to be one
  return NFS_OK;
}

// LAB 5: BEGIN SOLUTION
// LOOKUP: a new handle for path (the protocol's form: no leading '/'),
// and what it names.
int
nfs_lookup(struct server *s, const char *path, uint *h, struct nstat *st)
{
  struct msg m, r;
  int status;

  msgstart(&m, s, NFS_LOOKUP);
  putstr(&m, path);
  if((status = rpc(s, &m, &r)) != NFS_OK)
    return status;
  *h = get32(&r);
  if(getstat(&r, st) < 0)
    return NFS_ERR_BADMSG;
  return NFS_OK;
}

// OPEN handle h with mode (NFS_OREAD, NFS_OWRITE, NFS_ORDWR, maybe with
// NFS_OTRUNC).
int
nfs_open(struct server *s, uint h, int mode)
{
  struct msg m, r;

  msgstart(&m, s, NFS_OPEN);
  put32(&m, h);
  put8(&m, mode);
  return rpc(s, &m, &r);
}

// CREATE a regular file called name in directory dir, rw-r--r--, opened
// with mode; its handle goes to *h.
int
nfs_create(struct server *s, uint dir, int mode, const char *name, uint *h)
{
  struct msg m, r;
  int status;

  msgstart(&m, s, NFS_CREATE);
  put32(&m, dir);
  put8(&m, mode);
  put16(&m, 0644);
  putstr(&m, name);
  if((status = rpc(s, &m, &r)) != NFS_OK)
    return status;
  *h = get32(&r);
  return r.bad ? NFS_ERR_BADMSG : NFS_OK;
}

// READ at most n bytes (n <= iounit) of h from offset off into dst (a
// user address if user_dst); *got says how many came, fewer only at the
// end of the file.
int
nfs_read(struct server *s, uint h, uint64 off, int user_dst, uint dst,
         uint n, uint *got)
{
  struct msg m, r;
  int status;
  uint count;

  msgstart(&m, s, NFS_READ);
  put32(&m, h);
  put64(&m, off);
  put32(&m, n);
  if((status = rpc(s, &m, &r)) != NFS_OK)
    return status;
  count = get32(&r);
  if(r.bad || count > n || r.len - r.pos != count)
    return NFS_ERR_BADMSG;
  if(getdata(&r, user_dst, dst, count) < 0)
    return NFS_ERR_INVAL;               // dst cannot be written
  *got = count;
  return NFS_OK;
}

// WRITE n bytes (n <= iounit) from src (a user address if user_src) to h
// at offset off. NFS_OK means all n are in the file.
int
nfs_write(struct server *s, uint h, uint64 off, int user_src, uint src,
          uint n)
{
  struct msg m, r;
  int status;

  msgstart(&m, s, NFS_WRITE);
  put32(&m, h);
  put64(&m, off);
  put32(&m, n);
  if(putdata(&m, user_src, src, n) < 0)
    return NFS_ERR_INVAL;               // src cannot be read, or too long
  if((status = rpc(s, &m, &r)) != NFS_OK)
    return status;
  if(get32(&r) != n || r.bad)
    return NFS_ERR_IO;                  // a server that wrote less
  return NFS_OK;
}

// READDIR of dir from *cookie: at most max entries into out, their count
// in *n (0 at the end of the listing), and *cookie moved to resume just
// after the last one stored. Entries of the reply beyond max are left
// for the next call, which asks for them again.
int
nfs_readdir(struct server *s, uint dir, uint64 *cookie, struct rdirent *out,
            int max, int *n)
{
  struct msg m, r;
  int status, i, count, kind, len;
  uint64 next;

  msgstart(&m, s, NFS_READDIR);
  put32(&m, dir);
  put64(&m, *cookie);
  if((status = rpc(s, &m, &r)) != NFS_OK)
    return status;
  count = get16(&r);
  for(i = 0; i < count && i < max; i++){
    next = get64(&r);
    kind = get8(&r);
    len = get8(&r);
    if(r.bad || getdata(&r, 0, (uint)out[i].name, len) < 0)
      return NFS_ERR_BADMSG;
    out[i].name[len] = 0;
    out[i].namelen = len;
    out[i].type = kind == NFS_KFILE ? T_FILE : kind == NFS_KDIR ? T_DIR : T_DEV;
    *cookie = next;
  }
  *n = i;
  return NFS_OK;
}

// One of the name operations, MKDIR, UNLINK or RMDIR (type), of name in
// directory dir. MKDIR makes it rwxr-xr-x.
int
nfs_name(struct server *s, int type, uint dir, const char *name)
{
  struct msg m, r;

  msgstart(&m, s, type);
  put32(&m, dir);
  if(type == NFS_MKDIR)
    put16(&m, 0755);
  putstr(&m, name);
  return rpc(s, &m, &r);
}

// CLUNK: handle h is no longer needed.
int
nfs_clunk(struct server *s, uint h)
{
  struct msg m, r;

  msgstart(&m, s, NFS_CLUNK);
  put32(&m, h);
  return rpc(s, &m, &r);
}
// LAB 5: STUB
// // Lab 5: each function below makes one exchange of the protocol
// // (handouts/nfs-protocol.md, section 3), as nfs_stat does, and returns
// // NFS_OK, the server's NFS_ERR_ status, or -1 if the connection failed.
// // Traps common to all: a success reply's body must be checked for the
// // length its type implies before anything of it is used (a short one
// // is NFS_ERR_BADMSG); user addresses are copied with user_src/user_dst.
//
// int
// nfs_lookup(struct server *s, const char *path, uint *h, struct nstat *st)
// {
//   // Lab 5: LOOKUP of path (the protocol's form, no leading '/'): a new
//   // handle for it in *h, and its stat in *st.
//   return -1;
// }
//
// int
// nfs_open(struct server *s, uint h, int mode)
// {
//   // Lab 5: OPEN handle h with mode (NFS_OREAD, NFS_OWRITE or NFS_ORDWR,
//   // maybe with NFS_OTRUNC).
//   return -1;
// }
//
// int
// nfs_create(struct server *s, uint dir, int mode, const char *name, uint *h)
// {
//   // Lab 5: CREATE a regular file called name, permissions 0644, in
//   // directory handle dir, opened with mode; its handle goes to *h.
//   return -1;
// }
//
// int
// nfs_read(struct server *s, uint h, uint64 off, int user_dst, uint dst,
//          uint n, uint *got)
// {
//   // Lab 5: READ at most n bytes (n <= iounit(s)) of handle h from
//   // offset off into dst (a user address if user_dst); how many came
//   // goes to *got. Trap: the reply's count is the server's word, and
//   // must agree with n and with the reply's size before bytes are
//   // copied.
//   return -1;
// }
//
// int
// nfs_write(struct server *s, uint h, uint64 off, int user_src, uint src,
//           uint n)
// {
//   // Lab 5: WRITE n bytes (n <= iounit(s)) from src (a user address if
//   // user_src) to handle h at offset off. NFS_OK only when the server
//   // says it wrote all n.
//   return -1;
// }
//
// int
// nfs_readdir(struct server *s, uint dir, uint64 *cookie, struct rdirent *out,
//             int max, int *n)
// {
//   // Lab 5: READDIR of directory handle dir, resuming at *cookie (0:
//   // the start). Store at most max entries in out (name NUL-terminated,
//   // type T_FILE, T_DIR or T_DEV), their count in *n (0: the listing is
//   // over), and leave in *cookie what resumes the listing just after
//   // the last entry stored. Trap: a reply may hold more entries than
//   // max; the ones not stored must come back on the next call.
//   return -1;
// }
//
// int
// nfs_name(struct server *s, int type, uint dir, const char *name)
// {
//   // Lab 5: MKDIR (permissions 0755), UNLINK or RMDIR, as type says, of
//   // name in directory handle dir.
//   return -1;
// }
//
// int
// nfs_clunk(struct server *s, uint h)
// {
//   // Lab 5: CLUNK handle h, which frees it on the server.
//   return -1;
// }
// LAB 5: END
