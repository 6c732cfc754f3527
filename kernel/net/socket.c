// socket.c: sockets, the file type that lets user programs use lwIP
// (lab 4). sysnet.c checks the system calls' arguments and calls in here;
// file.c sends read, write and close of an FD_SOCK file here too.
//
// A socket is a slot of socks[] wrapped around one lwIP netconn. The
// netconn API could block a process inside lwIP, on lwIP's own
// semaphores, where kill() and select() cannot reach it. So every netconn
// here is non-blocking: a call into lwIP either does its work at once or
// answers ERR_WOULDBLOCK, and the waiting happens here, in the kernel's
// own sleep(), on the socket's slot as the channel, where kill() wakes it
// like any other sleeper.
//
// What wakes it is lwIP's netconn callback, sock_event(), which lwIP
// calls (in the tcpip thread, or in whoever holds the core lock) each
// time something changes on a netconn:
//
//   RCVPLUS / RCVMINUS   a message (data, a FIN, a new connection, an
//                        error) was queued for recv/accept / was taken;
//                        rcvevent counts the queued ones, so recv and
//                        accept will not block while it is positive;
//   SENDPLUS / SENDMINUS there is room / no room to queue more TCP data
//                        (sendevent; SENDPLUS also marks a finished
//                        connect);
//   ERROR                the connection failed or broke (errevent).
//
// The callback updates the counts under the slot's lock, wakes the
// slot's sleepers and then everyone in select() (pollwakeup). A sleeper
// tests the counts under that same lock before it sleeps, so no event
// can slip between its test and its sleep.
//
// Lifetime. A socket belongs to exactly one struct file, which dup() and
// fork() share by reference, as for a pipe; when the file's last
// reference goes, file.c calls sockclose(), which detaches the netconn
// from the slot (later events for it are ignored), deletes it and frees
// the slot. A process's exit closes its files, and so its sockets.
//
// Locks: the core lock (LOCK_TCPIP_CORE) before a slot's spinlock, never
// the other way round; no lwIP call is made while a slot's lock is held.

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

#include "lwip/opt.h"
#include "lwip/api.h"
#include "lwip/tcpip.h"
#include "lwip/ip.h"
#include "lwip/tcp.h"
#include "lwip/pbuf.h"
#include "lwip/netbuf.h"

#define NSOCK       40          // open sockets in the whole system
#define UDP_MAXDATA 8192        // the longest datagram sendto() takes

struct sock {
  struct spinlock lock;         // guards everything below but conn's use
  int used;                     // the slot is taken
  struct netconn *conn;         // 0 once closing: events are ignored
  int type;                     // SOCK_STREAM or SOCK_DGRAM
  int bound;                    // bind() succeeded (listen needs it)
  int listening;
  int connected;                // TCP: connect/accept done; UDP: peer set
  int broken;                   // a connect failed or timed out for good

  // Kept up to date by sock_event().
  int rcvevent;                 // messages queued for recv or accept
  int sendevent;                // room to send (TCP)
  int errevent;                 // an error is pending

  // TCP receive: a pbuf taken from lwIP and not yet all read, and the
  // end of the stream once seen.
  struct pbuf *rx;
  int rxoff;
  int eof;                      // the peer ended the stream
  int reset;                    // the stream broke (RST, abort)

  // One receiver and one sender at a time: the flags are locks that a
  // killed waiter can give up on.
  int reading;
  int writing;
};

static struct sock socks[NSOCK];
static int stackup;             // sockinit has run: lwIP takes calls

// Called by the bring-up once the tcpip thread runs. Before that (and
// with net=off, for good) socket() fails.
void
sockinit(void)
{
  int i;

  for(i = 0; i < NSOCK; i++)
    initlock(&socks[i].lock, "sock");
  __atomic_store_n(&stackup, 1, __ATOMIC_RELEASE);
}

// How many sockets are open (for /dev/netinfo).
int
sockcount(void)
{
  int i, n;

  n = 0;
  for(i = 0; i < NSOCK; i++)
    n += socks[i].used;
  return n;
}

// ---- Slots

// A free slot, marked used and cleared, or 0.
static struct sock*
slotalloc(int type)
{
  struct sock *s;
  int i;

  for(i = 0; i < NSOCK; i++){
    s = &socks[i];
    acquire(&s->lock);
    if(!s->used){
      memset((char*)s + sizeof(s->lock), 0, sizeof(*s) - sizeof(s->lock));
      s->used = 1;
      s->type = type;
      release(&s->lock);
      return s;
    }
    release(&s->lock);
  }
  return 0;
}

static void
slotfree(struct sock *s)
{
  acquire(&s->lock);
  s->used = 0;
  release(&s->lock);
}

// A struct file for s. Returns it, or 0 (s is then untouched).
static struct file*
sockfile(struct sock *s)
{
  struct file *f;

  if((f = filealloc()) == 0)
    return 0;
  f->type = FD_SOCK;
  f->sock = s;
  f->readable = f->writable = 1;
  return f;
}

// ---- Events from lwIP

// lwIP's netconn callback (see the top of the file). conn->socket holds
// the index of the netconn's slot. A connection that a listener has
// queued but nobody has accepted yet has no slot: its socket field is
// then negative and counts, below -1, the messages queued for it, which
// sockaccept() hands on to the connection's own slot.
static void
sock_event(struct netconn *conn, enum netconn_evt evt, u16_t len)
{
  // LAB 4: BEGIN SOLUTION
  struct sock *s;
  int woke;

  if(conn->socket < 0){
    if(evt == NETCONN_EVT_RCVPLUS)
      conn->socket--;
    return;
  }
  s = &socks[conn->socket];
  woke = 0;
  acquire(&s->lock);
  if(s->conn == conn){
    switch(evt){
    case NETCONN_EVT_RCVPLUS:   s->rcvevent++;    break;
    case NETCONN_EVT_RCVMINUS:  s->rcvevent--;    break;
    case NETCONN_EVT_SENDPLUS:  s->sendevent = 1; break;
    case NETCONN_EVT_SENDMINUS: s->sendevent = 0; break;
    case NETCONN_EVT_ERROR:     s->errevent = 1;  break;
    }
    // A MINUS makes nothing ready (and comes with each recv and send):
    // only the other events are worth a wakeup.
    woke = evt != NETCONN_EVT_RCVMINUS && evt != NETCONN_EVT_SENDMINUS;
    if(woke)
      wakeup(s);
  }
  release(&s->lock);
  if(woke)
    pollwakeup();
  // LAB 4: STUB
  // // Lab 4: keep the event counts of conn's socket up to date (the top of
  // // this file says what each event means) and wake whoever waits for
  // // them, in recv, send, accept, connect or select. Runs in the tcpip
  // // thread or under the core lock: it must never sleep. Traps: an event
  // // can name a netconn that has no socket yet (a connection not yet
  // // accepted) or no longer has one (a socket being closed).
  // LAB 4: END
}

// Give conn to slot s: from now on its events count in s, including the
// messages queued for it before it had a slot (see sock_event). Under the
// core lock, so that no event of conn's runs meanwhile.
static void
attach(struct sock *s, struct netconn *conn)
{
  LOCK_TCPIP_CORE();
  acquire(&s->lock);
  s->conn = conn;
  s->rcvevent = -1 - conn->socket;      // 0 for a netconn just made
  conn->socket = s - socks;
  release(&s->lock);
  UNLOCK_TCPIP_CORE();
}

// ---- Creating, naming, listening

// A new socket of type SOCK_STREAM or SOCK_DGRAM, in a file with one
// reference. Returns 0 if the kernel has no slot, file or netconn left.
struct file*
sockalloc(int type)
{
  struct sock *s;
  struct netconn *conn;
  struct file *f;

  if(!__atomic_load_n(&stackup, __ATOMIC_ACQUIRE) || (s = slotalloc(type)) == 0)
    return 0;
  conn = netconn_new_with_callback(type == SOCK_STREAM ? NETCONN_TCP
                                   : NETCONN_UDP, sock_event);
  if(conn == 0 || (f = sockfile(s)) == 0){
    if(conn)
      netconn_delete(conn);
    slotfree(s);
    return 0;
  }
  netconn_set_nonblocking(conn, 1);     // waits happen here, not in lwIP
  if(type == SOCK_STREAM){
    LOCK_TCPIP_CORE();
    ip_set_option(conn->pcb.tcp, SOF_REUSEADDR);  // rebind in TIME_WAIT
    UNLOCK_TCPIP_CORE();
  } else
    s->sendevent = 1;                   // UDP never waits for room
  attach(s, conn);
  return f;
}

static inline void
toip(ip_addr_t *ip, const uchar *a)
{
  IP4_ADDR(ip_2_ip4(ip), a[0], a[1], a[2], a[3]);
}

static inline void
fromip(uchar *a, const ip_addr_t *ip)
{
  const ip4_addr_t *v4 = ip_2_ip4(ip);

  a[0] = ip4_addr1(v4);
  a[1] = ip4_addr2(v4);
  a[2] = ip4_addr3(v4);
  a[3] = ip4_addr4(v4);
}

// The netconn of s, or 0 if s is being closed or broken.
static struct netconn*
connof(struct sock *s)
{
  return s->broken ? 0 : s->conn;
}

int
sockbind(struct sock *s, uchar *addr, ushort port)
{
  ip_addr_t ip;

  if(connof(s) == 0 || s->bound || s->connected)
    return -1;
  toip(&ip, addr);
  if(netconn_bind(s->conn, &ip, port) != ERR_OK)
    return -1;
  s->bound = 1;
  return 0;
}

int
socklisten(struct sock *s)
{
  if(connof(s) == 0 || s->type != SOCK_STREAM || !s->bound || s->connected)
    return -1;
  if(s->listening)
    return 0;
  if(netconn_listen(s->conn) != ERR_OK)
    return -1;
  s->listening = 1;
  return 0;
}

// ---- Connecting and accepting

// LAB 4: BEGIN SOLUTION
// Wait, with s->lock held, until ready(s) holds or s has an error, for at
// most timeout ms (0: no limit). Returns 0 then, or -1 when killed, out of
// time, or when nonblock forbids waiting.
static int
waitfor(struct sock *s, int (*ready)(struct sock*), int nonblock,
        uint timeout)
{
  uint deadline = millis() + timeout;

  while(!ready(s) && !s->errevent){
    if(nonblock || killed(myproc()))
      return -1;
    if(timeout == 0)
      sleep(s, &s->lock);
    else if(sleep_until(s, &s->lock, deadline))
      return ready(s) || s->errevent ? 0 : -1;
  }
  return 0;
}

static int canrecv(struct sock *s) { return s->rcvevent > 0 || s->eof || s->reset; }
static int cansend(struct sock *s) { return s->sendevent; }

// TCP: connect to addr:port, waiting at most CONNECT_TIMEOUT_MS. A
// refused port fails at once: the RST arrives as an error event. UDP:
// only remember the peer. Returns 0 or -1; after a TCP failure the
// socket can only be closed.
int
sockconnect(struct sock *s, uchar *addr, ushort port)
{
  ip_addr_t ip;
  err_t err;
  int r;

  if(connof(s) == 0 || s->listening || (s->connected && s->type == SOCK_STREAM))
    return -1;
  toip(&ip, addr);
  err = netconn_connect(s->conn, &ip, port);
  if(s->type == SOCK_DGRAM){
    s->connected = err == ERR_OK;
    return s->connected ? 0 : -1;
  }
  if(err != ERR_INPROGRESS && err != ERR_OK)
    return -1;
  acquire(&s->lock);
  r = waitfor(s, cansend, 0, CONNECT_TIMEOUT_MS);
  if(r == 0 && s->errevent)
    r = -1;
  if(r == 0)
    s->connected = 1;
  else
    s->broken = 1;                      // still connecting, or failed
  release(&s->lock);
  return r;
}

// Wait for the next connection on listening socket s and return it as a
// new socket in a file of its own, its peer's address and port stored in
// addr and port. Returns 0 on error or kill.
struct file*
sockaccept(struct sock *s, int nonblock, uchar *addr, ushort *port)
{
  struct sock *ns;
  struct file *f;
  struct netconn *nc;
  ip_addr_t ip;
  err_t err;

  if(connof(s) == 0 || !s->listening)
    return 0;
  if((ns = slotalloc(SOCK_STREAM)) == 0)
    return 0;
  if((f = sockfile(ns)) == 0){
    slotfree(ns);
    return 0;
  }
  for(;;){
    acquire(&s->lock);
    if(waitfor(s, canrecv, nonblock, 0) < 0 || s->errevent){
      release(&s->lock);
      fileclose(f);                     // frees ns, which has no netconn
      return 0;
    }
    release(&s->lock);
    err = netconn_accept(s->conn, &nc);
    if(err == ERR_OK)
      break;
    if(err != ERR_WOULDBLOCK){
      fileclose(f);
      return 0;
    }
  }
  netconn_set_nonblocking(nc, 1);
  ns->connected = 1;
  ns->sendevent = 1;
  attach(ns, nc);
  ip_addr_set_zero(&ip);
  *port = 0;
  netconn_peer(nc, &ip, port);           // fails if it was reset already
  fromip(addr, &ip);
  return f;
}
// LAB 4: STUB
// int
// sockconnect(struct sock *s, uchar *addr, ushort port)
// {
//   // Lab 4: TCP: connect s to addr:port. Returns 0 once the connection is
//   // made, or -1 if it is refused (at once: the peer's RST), does not
//   // come within CONNECT_TIMEOUT_MS, or the caller is killed meanwhile.
//   // UDP: fix the peer that send and recv use. Traps: lwIP must not be
//   // left to block the caller; connecting twice, or a listening socket.
//   return -1;
// }
//
// struct file*
// sockaccept(struct sock *s, int nonblock, uchar *addr, ushort *port)
// {
//   // Lab 4: wait for the next connection on listening socket s (fail at
//   // once instead if nonblock) and return it as a new socket in a file
//   // of its own; store the peer's address (4 bytes) at addr and its port
//   // at port. Returns 0 on any error or a kill, with nothing leaked.
//   // Traps: data can arrive on the new connection before accept()
//   // returns, and must not be forgotten; addr is the peer's, not s's.
//   return 0;
// }
// LAB 4: END

// ---- Sending and receiving

// LAB 4: BEGIN SOLUTION
// Take one of the two side locks (s->reading, s->writing), which let one
// receiver and one sender in at a time. Returns -1 if another process
// holds it and the caller may not wait (nonblock), or is killed waiting.
static int
takeside(struct sock *s, int *side, int nonblock)
{
  acquire(&s->lock);
  while(*side){
    if(nonblock || killed(myproc())){
      release(&s->lock);
      return -1;
    }
    sleep(side, &s->lock);
  }
  *side = 1;
  release(&s->lock);
  return 0;
}

static void
dropside(struct sock *s, int *side)
{
  acquire(&s->lock);
  *side = 0;
  wakeup(side);
  release(&s->lock);
}

// Copy what is waiting in s->rx to user address addr, at most n bytes.
static int
takerx(struct sock *s, uint addr, int n)
{
  struct pbuf *p = s->rx;

  if(n > p->tot_len - s->rxoff)
    n = p->tot_len - s->rxoff;
  pbuf_copy_partial(p, (void*)addr, n, s->rxoff);
  s->rxoff += n;
  if(s->rxoff == p->tot_len){
    pbuf_free(p);
    s->rx = 0;
  }
  return n;
}

// Fetch the next pbuf of the stream into s->rx without blocking, and
// add its length to *taken. Returns 1 if there is one, 0 if none is
// waiting, -1 at the end of the stream (s->eof) or when it broke
// (s->reset).
static int
fetchrx(struct sock *s, int *taken)
{
  err_t err;

  err = netconn_recv_tcp_pbuf_flags(s->conn, &s->rx,
                                    NETCONN_DONTBLOCK | NETCONN_NOAUTORCVD);
  if(err == ERR_OK){
    s->rxoff = 0;
    *taken += s->rx->tot_len;
    return 1;
  }
  s->rx = 0;
  if(err == ERR_WOULDBLOCK && !s->errevent)
    return 0;
  acquire(&s->lock);
  if(err == ERR_CLSD)
    s->eof = 1;                         // the peer's FIN
  else
    s->reset = 1;
  release(&s->lock);
  return -1;
}

// TCP recv: wait for data, then return what has arrived, up to n bytes.
// 0 only at the end of the stream; -1 if it broke before any data. The
// peer's window opens again by what was taken from lwIP, once per call
// rather than once per pbuf: each opening is a trip through the core.
static int
tcprecv(struct sock *s, uint addr, int n, int nonblock)
{
  int got, r, taken;

  got = taken = 0;
  while(got < n){
    if(s->rx == 0){
      if(s->eof || s->reset)
        break;
      if(got == 0){
        acquire(&s->lock);
        r = waitfor(s, canrecv, nonblock, 0);
        release(&s->lock);
        if(r < 0)
          return -1;
      }
      r = fetchrx(s, &taken);
      if(r == 0 && got == 0)
        continue;                       // another reader took it: wait again
      if(r <= 0)
        break;
    }
    got += takerx(s, addr + got, n - got);
  }
  if(taken > 0)
    netconn_tcp_recvd(s->conn, taken);
  return got == 0 && s->reset ? -1 : got;
}

// UDP recv: one datagram, cut to n bytes; its sender in addr and port.
static int
udprecv(struct sock *s, uint addr, int n, int nonblock, uchar *from,
        ushort *port)
{
  struct netbuf *nb;
  err_t err;
  int r;

  for(;;){
    acquire(&s->lock);
    r = waitfor(s, canrecv, nonblock, 0);
    release(&s->lock);
    if(r < 0)
      return -1;
    err = netconn_recv_udp_raw_netbuf_flags(s->conn, &nb, NETCONN_DONTBLOCK);
    if(err == ERR_OK)
      break;
    if(err != ERR_WOULDBLOCK || s->errevent)
      return -1;
  }
  if(n > nb->p->tot_len)
    n = nb->p->tot_len;
  pbuf_copy_partial(nb->p, (void*)addr, n, 0);
  if(from)
    fromip(from, netbuf_fromaddr(nb));
  if(port)
    *port = netbuf_fromport(nb);
  netbuf_delete(nb);
  return n;
}

// Receive up to n bytes into user address addr, which the caller has
// checked. from and port (may be 0) get a UDP datagram's sender.
int
sockrecv(struct sock *s, uint addr, int n, int flags, uchar *from,
         ushort *port)
{
  int nonblock = (flags & MSG_DONTWAIT) != 0;
  int got;

  if(s->conn == 0 || s->listening || n < 0)
    return -1;
  if(s->type == SOCK_STREAM && !s->connected)
    return -1;
  if(takeside(s, &s->reading, nonblock) < 0)
    return -1;
  if(s->type == SOCK_STREAM)
    got = tcprecv(s, addr, n, nonblock);
  else
    got = udprecv(s, addr, n, nonblock, from, port);
  dropside(s, &s->reading);
  return got;
}

// TCP send: queue all n bytes, waiting for room as the peer acknowledges.
// Returns n, or what was queued before an error or a kill (-1 if none).
static int
tcpsend(struct sock *s, uint addr, int n, int nonblock)
{
  size_t put;
  err_t err;
  int done, r;

  done = 0;
  while(done < n){
    acquire(&s->lock);
    r = waitfor(s, cansend, nonblock && done == 0, 0);
    if(r == 0 && s->errevent)
      r = -1;
    release(&s->lock);
    if(r < 0)
      break;
    put = 0;
    err = netconn_write_partly(s->conn, (void*)(addr + done), n - done,
                               NETCONN_COPY, &put);
    if(err != ERR_OK && err != ERR_WOULDBLOCK)
      break;
    done += put;
    if(nonblock && put == 0)
      break;
  }
  return done > 0 ? done : -1;
}

// UDP send: n bytes as one datagram, to addr:port, or to the connected
// peer if to is 0.
static int
udpsend(struct sock *s, uint addr, int n, uchar *to, ushort port)
{
  struct netbuf *nb;
  ip_addr_t ip;
  err_t err;
  void *data;

  if(n > UDP_MAXDATA || (to == 0 && !s->connected))
    return -1;
  if((nb = netbuf_new()) == 0)
    return -1;
  if((data = netbuf_alloc(nb, n)) == 0){
    netbuf_delete(nb);
    return -1;
  }
  memmove(data, (void*)addr, n);
  if(to){
    toip(&ip, to);
    err = netconn_sendto(s->conn, nb, &ip, port);
  } else {
    err = netconn_send(s->conn, nb);
  }
  netbuf_delete(nb);
  return err == ERR_OK ? n : -1;
}

// Send n bytes from user address addr, which the caller has checked;
// to and port (UDP only, to may be 0) name the receiver.
int
socksend(struct sock *s, uint addr, int n, int flags, uchar *to,
         ushort port)
{
  int nonblock = (flags & MSG_DONTWAIT) != 0;
  int put;

  if(connof(s) == 0 || s->listening || n < 0)
    return -1;
  if(s->type == SOCK_STREAM && (!s->connected || to))
    return -1;
  if(takeside(s, &s->writing, nonblock) < 0)
    return -1;
  if(s->type == SOCK_STREAM)
    put = tcpsend(s, addr, n, nonblock);
  else
    put = udpsend(s, addr, n, to, port);
  dropside(s, &s->writing);
  return put;
}
// LAB 4: STUB
// int
// sockrecv(struct sock *s, uint addr, int n, int flags, uchar *from,
//          ushort *port)
// {
//   // Lab 4: receive up to n bytes into user address addr (checked by the
//   // caller). TCP: wait until data has arrived, then return what there
//   // is, up to n bytes; 0 means the peer ended the stream, and only that.
//   // UDP: one datagram, cut short to n bytes; its sender's address and
//   // port go to from and port unless they are 0. MSG_DONTWAIT in flags:
//   // fail instead of waiting. Returns the count, or -1 on an error, a
//   // broken connection or a kill. Traps: lwIP hands over whole pbufs,
//   // which may hold more than n bytes; two processes sharing the socket
//   // after fork may read at the same time.
//   return -1;
// }
//
// int
// socksend(struct sock *s, uint addr, int n, int flags, uchar *to,
//          ushort port)
// {
//   // Lab 4: send n bytes from user address addr (checked by the caller).
//   // TCP (to must be 0): all of them, waiting for room as needed; returns
//   // n, or what went before an error or a kill (-1 if nothing did). UDP:
//   // one datagram of at most UDP_MAXDATA bytes, to to:port, or to the
//   // connected peer when to is 0. MSG_DONTWAIT: do not wait for room.
//   return -1;
// }
// LAB 4: END

// ---- Readiness and closing

// LAB 4: BEGIN SOLUTION
// What select() would find on s now: POLLIN, POLLOUT, POLLERR.
int
sockpoll(struct sock *s)
{
  int r = 0;

  acquire(&s->lock);
  if(s->rcvevent > 0 || s->rx || s->eof || s->reset || s->errevent || s->broken)
    r |= POLLIN;
  if((s->sendevent && (s->connected || s->type == SOCK_DGRAM))
     || s->errevent || s->broken)
    r |= POLLOUT;
  if(s->errevent || s->broken)
    r |= POLLERR;
  release(&s->lock);
  return r;
}

// The last reference to s's file is gone: end the connection (a TCP
// connection closes in the background, its FIN after any data still
// queued), and free everything s holds.
void
sockclose(struct sock *s)
{
  struct netconn *conn;

  acquire(&s->lock);
  conn = s->conn;
  s->conn = 0;                          // sock_event ignores it from now
  release(&s->lock);
  if(s->rx)
    pbuf_free(s->rx);
  if(conn)
    netconn_delete(conn);
  slotfree(s);
}
// LAB 4: STUB
// int
// sockpoll(struct sock *s)
// {
//   // Lab 4: what select() would find on s at this moment: POLLIN if a
//   // recv or accept would not wait, POLLOUT if a send would not wait,
//   // POLLERR if the connection failed. Trap: the end of a stream and an
//   // error must also count as readable, or a select()ing reader never
//   // learns of them.
//   return 0;
// }
//
// void
// sockclose(struct sock *s)
// {
//   // Lab 4: the last reference to s's file is gone: end s's connection
//   // or listener and free everything it holds (the netconn, data
//   // received but not read, the slot), so that its port can be bound
//   // again. Trap: lwIP may still report events for the netconn while it
//   // is being deleted.
// }
// LAB 4: END
// LAB 5: BEGIN

// Would a recv (what = POLLIN) or a send (POLLOUT) on s go ahead now,
// or fail (the connection ended or broke)? With s->lock held.
static int
sockready(struct sock *s, int what)
{
  if(s->errevent || s->reset || s->eof)
    return 1;
  if(what == POLLIN)
    return s->rx != 0 || s->rcvevent > 0;
  return s->sendevent;
}

// For the kernel's own users of sockets (the NFS client, nfs/), which
// must not wait without limit: wait until a recv (what = POLLIN) or a
// send (POLLOUT) on s would not wait, for at most ms milliseconds (0:
// no limit). Returns 0 then (also when the connection has ended or
// broken: the call will say so), or -1 if the time ran out or the
// caller was killed. It counts on what lab 4's sock_event promises: the
// counts kept up to date under s->lock, and sleepers on s woken.
int
sockwait(struct sock *s, int what, uint ms)
{
  uint deadline = millis() + ms;
  int r = 0;

  acquire(&s->lock);
  while(!sockready(s, what)){
    if(killed(myproc())){
      r = -1;
      break;
    }
    if(ms == 0)
      sleep(s, &s->lock);
    else if(sleep_until(s, &s->lock, deadline)){
      r = sockready(s, what) ? 0 : -1;
      break;
    }
  }
  release(&s->lock);
  return r;
}
// LAB 5: END
