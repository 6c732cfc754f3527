// msg.c: building and taking apart protocol messages.
//
// A request is built in its server's buffer with msgstart() and the put
// functions, which append little-endian integers and strings; rpc()
// fills in the size and tag. A reply is taken apart with the get
// functions. Neither side ever trusts a length: a put that would pass the
// buffer's end, or a get that would pass the message's, sets m->bad and
// does nothing else, so one check after a run of gets is enough.

#include "types.h"
#include "defs.h"
#include "param.h"
#include "spinlock.h"
#include "nfs.h"
#include "proto.h"
#include "client.h"

uint
rd16(const uchar *p)
{
  return p[0] | p[1] << 8;
}

uint
rd32(const uchar *p)
{
  return p[0] | p[1] << 8 | p[2] << 16 | (uint)p[3] << 24;
}

void
wr16(uchar *p, uint v)
{
  p[0] = v;
  p[1] = v >> 8;
}

void
wr32(uchar *p, uint v)
{
  wr16(p, v);
  wr16(p + 2, v >> 16);
}

// Begin a request of the given type in s's buffer, which holds at most
// s->msize bytes; the header's size and tag are left for rpc().
void
msgstart(struct msg *m, struct server *s, int type)
{
  m->buf = s->buf;
  m->cap = s->msize;
  m->pos = 0;
  m->bad = 0;
  memset(m->buf, 0, NFS_HDRSIZE);
  m->buf[4] = type;
  m->len = NFS_HDRSIZE;
}

// Room for n more bytes? If not, the message is bad from now on.
static int
room(struct msg *m, uint n)
{
  if(m->bad || n > m->cap - m->len){
    m->bad = 1;
    return 0;
  }
  return 1;
}

void
put8(struct msg *m, uint v)
{
  if(room(m, 1))
    m->buf[m->len++] = v;
}

void
put16(struct msg *m, uint v)
{
  if(room(m, 2)){
    wr16(m->buf + m->len, v);
    m->len += 2;
  }
}

void
put32(struct msg *m, uint v)
{
  if(room(m, 4)){
    wr32(m->buf + m->len, v);
    m->len += 4;
  }
}

void
put64(struct msg *m, uint64 v)
{
  put32(m, (uint)v);
  put32(m, (uint)(v >> 32));
}

// A string: its length in 2 bytes, then its bytes, no NUL.
void
putstr(struct msg *m, const char *s)
{
  uint n = strlen(s);

  if(n > 0xFFFF){
    m->bad = 1;
    return;
  }
  put16(m, n);
  if(room(m, n)){
    memmove(m->buf + m->len, s, n);
    m->len += n;
  }
}

// n bytes from src (a user address if user_src) appended as they are.
// Returns 0, or -1 if they do not fit or cannot be read.
int
putdata(struct msg *m, int user_src, uint src, uint n)
{
  if(!room(m, n))
    return -1;
  if(either_copyin(m->buf + m->len, user_src, src, n) < 0){
    m->bad = 1;
    return -1;
  }
  m->len += n;
  return 0;
}

// Is there room for n more bytes to get? If not, the message is bad.
static int
left(struct msg *m, uint n)
{
  if(m->bad || n > m->len - m->pos){
    m->bad = 1;
    return 0;
  }
  return 1;
}

uint
get8(struct msg *m)
{
  return left(m, 1) ? m->buf[m->pos++] : 0;
}

uint
get16(struct msg *m)
{
  uint v = 0;

  if(left(m, 2)){
    v = rd16(m->buf + m->pos);
    m->pos += 2;
  }
  return v;
}

uint
get32(struct msg *m)
{
  uint v = 0;

  if(left(m, 4)){
    v = rd32(m->buf + m->pos);
    m->pos += 4;
  }
  return v;
}

uint64
get64(struct msg *m)
{
  uint64 lo = get32(m);

  return lo | (uint64)get32(m) << 32;
}

// The 20-byte stat of LOOKUP and STAT replies. Returns 0, or -1 if the
// message is too short.
int
getstat(struct msg *m, struct nstat *st)
{
  st->kind = get8(m);
  get8(m);                              // reserved
  st->perm = get16(m);
  st->size = get64(m);
  st->mtime = get64(m);
  return m->bad ? -1 : 0;
}

// The next n bytes, copied to dst (a user address if user_dst). Returns
// 0, or -1 if the message has fewer or they cannot be stored.
int
getdata(struct msg *m, int user_dst, uint dst, uint n)
{
  if(!left(m, n))
    return -1;
  if(either_copyout(user_dst, dst, m->buf + m->pos, n) < 0){
    m->bad = 1;
    return -1;
  }
  m->pos += n;
  return 0;
}
