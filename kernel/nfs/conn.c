// conn.c: the servers the client talks to, one TCP connection to each.
//
// A server is a slot of servers[], found by address and port the first
// time a path names it and kept from then on. Its connection is made when
// a call first needs it (srvconnect): a socket from net/socket.c, then the
// HELLO handshake. Any failure of the connection (the server went away,
// broke the protocol, or did not answer within NFS_TIMEOUT_MS) drops it
// (srvdrop); the next call connects again, which is how a restarted
// server comes back into use. Handles belong to one connection, so each
// new connection bumps s->gen, and a file opened under an older gen
// fails until it is opened again (srvcurrent).
//
// One process at a time uses a server: it takes s->busy (srvlock), makes
// its exchanges one after the other with rpc(), and gives busy back. So
// replies come back in the order requests went and need no sorting, at
// the price of no overlap between processes. busy is a sleeping lock
// that a kill gets out of, since its holder may wait up to
// NFS_TIMEOUT_MS for a silent server.
//
// The only exception to one reply per rpc() is forget(): close() must
// not wait for a dead server, nor fail because its process was killed,
// so CLUNK is sent and its reply left for the next rpc() to take
// (s->unread).
//
// The client caches nothing: every read and write goes to the server,
// and nothing is remembered between calls but handles.

#include "types.h"
#include "defs.h"
#include "param.h"
#include "mmu.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "fs.h"
#include "file.h"
#include "proc.h"
#include "net.h"
#include "socket.h"
#include "nfs.h"
#include "proto.h"
#include "client.h"

static struct server servers[NSERVER];
static struct spinlock tablelock;       // guards servers[].used, ip, port

void
nfsinit(void)
{
  int i;

  initlock(&tablelock, "nfstable");
  for(i = 0; i < NSERVER; i++)
    initlock(&servers[i].lock, "nfsserver");
}

// The server at ip:port, taking a free slot the first time. 0 if all
// NSERVER slots name other servers.
struct server*
srvget(uchar *ip, ushort port)
{
  struct server *s, *free = 0;

  acquire(&tablelock);
  for(s = servers; s < servers + NSERVER; s++){
    if(s->used && memcmp(s->ip, ip, 4) == 0 && s->port == port){
      release(&tablelock);
      return s;
    }
    if(!s->used && free == 0)
      free = s;
  }
  if(free){
    free->used = 1;
    memmove(free->ip, ip, 4);
    free->port = port;
  }
  release(&tablelock);
  return free;
}

// Take s for the caller's exchanges. Returns -1 if the caller is killed
// while waiting and killable is set (close waits regardless). The holder
// never waits without limit: at most CONNECT_TIMEOUT_MS to connect, and
// NFS_TIMEOUT_MS for each piece of each exchange.
int
srvlock(struct server *s, int killable)
{
  acquire(&s->lock);
  while(s->busy){
    if(killable && killed(myproc())){
      release(&s->lock);
      return -1;
    }
    sleep(&s->busy, &s->lock);
  }
  s->busy = 1;
  release(&s->lock);
  return 0;
}

void
srvunlock(struct server *s)
{
  acquire(&s->lock);
  s->busy = 0;
  wakeup(&s->busy);
  release(&s->lock);
}

// Close s's connection, if it has one. Its handles die with it.
void
srvdrop(struct server *s)
{
  if(s->conn){
    fileclose(s->conn);
    s->conn = 0;
  }
  s->unread = 0;
}

// Are handles of connection gen still good?
int
srvcurrent(struct server *s, uint gen)
{
  return s->conn != 0 && s->gen == gen;
}

// Most bytes one READ or WRITE may carry.
uint
iounit(struct server *s)
{
  return s->msize - NFS_IOHDR;
}

// The handshake on a new connection: our version and our buffer's size
// as msize; the server answers with its own version and the msize both
// will keep to.
static int
hello(struct server *s)
{
  struct msg m, r;
  uint version, msize;

  msgstart(&m, s, NFS_HELLO);
  put32(&m, NFS_VERSION);
  put32(&m, NFS_BUFSIZE);
  if(rpc(s, &m, &r) != NFS_OK)
    return -1;
  version = get32(&r);
  msize = get32(&r);
  if(r.bad || version != NFS_VERSION || msize < NFS_MSIZE_MIN ||
     msize > NFS_BUFSIZE)
    return -1;
  s->msize = msize;
  return 0;
}

// Make sure s has a working connection, connecting (and shaking hands)
// if it has none. Returns 0 or -1.
int
srvconnect(struct server *s)
{
  if(s->conn)
    return 0;
  if((s->conn = sockalloc(SOCK_STREAM)) == 0)
    return -1;
  net_wait_addr(NFS_TIMEOUT_MS);        // a first command just after boot
  s->gen++;
  s->msize = NFS_MSIZE_MIN;
  s->unread = 0;
  if(sockconnect(s->conn->sock, s->ip, s->port) < 0 || hello(s) < 0){
    srvdrop(s);
    return -1;
  }
  return 0;
}

// Send CLUNK of handle h without waiting for the reply, which the next
// rpc() takes and throws away. If even the sending fails, the connection
// is dropped, which frees every handle of it on the server anyway.
void
forget(struct server *s, uint h)
{
  struct msg m;

  msgstart(&m, s, NFS_CLUNK);
  put32(&m, h);
  wr32(m.buf, m.len);
  wr16(m.buf + 6, ++s->tag);
  if(socksend(s->conn->sock, (uint)m.buf, m.len, MSG_DONTWAIT, 0, 0) != m.len){
    srvdrop(s);
    return;
  }
  s->unread++;
}

// LAB 5: BEGIN SOLUTION
// Send all n bytes at buf, waiting at most NFS_TIMEOUT_MS each time the
// connection has no room. Returns 0, or -1 if it failed.
static int
sendall(struct server *s, uchar *buf, int n)
{
  struct sock *so = s->conn->sock;
  int put;

  while(n > 0){
    if(sockwait(so, POLLOUT, NFS_TIMEOUT_MS) < 0)
      return -1;
    if((put = socksend(so, (uint)buf, n, MSG_DONTWAIT, 0, 0)) <= 0)
      return -1;
    buf += put;
    n -= put;
  }
  return 0;
}

// Receive exactly n bytes into buf. TCP hands them over in whatever
// pieces they arrived in, so this loops; each piece may take up to
// NFS_TIMEOUT_MS. Returns 0, or -1 on a timeout, a kill, or the end or
// breaking of the connection.
static int
recvall(struct server *s, uchar *buf, int n)
{
  struct sock *so = s->conn->sock;
  int got;

  while(n > 0){
    if(sockwait(so, POLLIN, NFS_TIMEOUT_MS) < 0)
      return -1;
    if((got = sockrecv(so, (uint)buf, n, MSG_DONTWAIT, 0, 0)) <= 0)
      return -1;
    buf += got;
    n -= got;
  }
  return 0;
}

// Receive one whole message into s->buf: its header, then the rest of
// the size the header gives, which must be a reply's (12 bytes at least)
// and within msize. Returns its size, or -1.
static int
recvmsg(struct server *s)
{
  uint size;

  if(recvall(s, s->buf, NFS_HDRSIZE) < 0)
    return -1;
  size = rd32(s->buf);
  if(size < NFS_ERRSIZE || size > s->msize)
    return -1;
  if(recvall(s, s->buf + NFS_HDRSIZE, size - NFS_HDRSIZE) < 0)
    return -1;
  return size;
}

// One exchange: send the request req (built in s->buf with msgstart and
// the put functions), wait for its reply and set up rep to read the
// reply's body after its status. Returns the status (NFS_OK or an
// NFS_ERR_ code), or -1 if the request did not fit in its buffer (it is
// not sent) or the exchange failed (the connection is dropped).
int
rpc(struct server *s, struct msg *req, struct msg *rep)
{
  int type = req->buf[4];
  int size;

  if(s->conn == 0 || req->bad)
    return -1;
  wr32(req->buf, req->len);
  wr16(req->buf + 6, ++s->tag);
  if(sendall(s, req->buf, req->len) < 0)
    goto broken;
  for(; s->unread > 0; s->unread--)     // replies to forget()'s CLUNKs
    if(recvmsg(s) < 0)
      goto broken;
  if((size = recvmsg(s)) < 0)
    goto broken;
  if(rd16(s->buf + 6) != s->tag)
    goto broken;
  if(s->buf[4] != type + NFS_REPLY && s->buf[4] != NFS_UNKNOWN)
    goto broken;
  rep->buf = s->buf;
  rep->cap = rep->len = size;
  rep->pos = NFS_HDRSIZE;
  rep->bad = 0;
  return get32(rep);

broken:
  srvdrop(s);
  return -1;
}
// LAB 5: STUB
// int
// rpc(struct server *s, struct msg *req, struct msg *rep)
// {
//   // Lab 5: one exchange on s's connection (s->conn, a socket): send
//   // the request that req holds (built in s->buf by msgstart and the
//   // put functions; the size and tag in its header are yours to fill
//   // in), then receive its reply into s->buf and set rep up so that the
//   // get functions read the reply's body from just after its status.
//   // Returns the status (NFS_OK or an NFS_ERR_ code), or -1: if the
//   // request did not fit (req->bad; nothing is sent), or if the exchange
//   // failed, having dropped the connection (srvdrop).
//   // Traps: TCP delivers a message in pieces of any size; a silent
//   // server must fail the call within NFS_TIMEOUT_MS (see sockwait),
//   // never hang it; a reply that cannot be ours (its size, tag or type)
//   // leaves the stream in an unknown state; forget() sends requests
//   // whose replies (s->unread of them) arrive before yours.
//   return -1;
// }
// LAB 5: END
