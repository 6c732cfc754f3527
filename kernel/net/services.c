// services.c: the classic small TCP/IP test services, on lwIP's netconn
// API. Given code (not a lab exercise): they exist so that the host can
// test the stack before the socket system calls of lab 4 exist, and so
// that `make qemu` has something to talk to.
//
//   echo     RFC 862   TCP and UDP port 7   sends back what it receives
//   discard  RFC 863   TCP port 9           reads and drops everything
//   chargen  RFC 864   TCP port 19          sends the pattern below, as
//                                           fast as it can, until the
//                                           peer closes or resets
//
// The chargen pattern is RFC 864's: 95 lines of 72 printable ASCII
// characters (' ' .. '~') and CR LF; line i (from 0) starts with the
// character ' ' + i % 95 and goes on through the ring of 95. The 7030-byte
// period repeats from the first byte of the connection.
//
// netinit.c calls services_start() once the tcpip thread and the netif are
// up (before DHCP has bound: the listeners take any address). Threads:
//
//   - one acceptor thread per TCP service, blocked in netconn_accept();
//   - a fixed pool of NWORKER worker threads, shared by the three TCP
//     services, created here and never exiting. The acceptor hands each
//     new connection to an idle worker, which serves it to the end and
//     goes back to the pool. When every worker is busy the acceptor
//     closes the new connection at once (the peer sees an orderly FIN
//     before any data): a full pool refuses, it never queues or blocks;
//   - one UDP echo thread, answering datagram by datagram.
//
// Why a fixed pool: a kernel thread that exits stays a zombie until its
// parent wait()s, and no kernel thread here ever waits, so per-connection
// threads would leak a process slot each. Fixed threads also bound what
// the services take from the process table and from lwIP's netconn and
// PCB pools (lwipopts.h), whatever the peers do.
//
// Bad peers: every netconn call's error ends the connection (a reset, an
// abort, a timeout), and every way out of a worker goes through one
// netconn_close()/netconn_delete(), so a peer that resets mid-transfer or
// half-closes leaks nothing. A half-close (FIN) ends echo and discard
// after what came before it has been echoed or read, and ends chargen. A
// peer that vanishes without a word is found by TCP keepalive, turned on
// for every accepted connection (KEEP_* below), which aborts it and frees
// its worker. A peer that stays alive but idle keeps its worker; that is
// what the pool's bound is for.

#include "types.h"
#include "defs.h"
#include "param.h"
#include "spinlock.h"

#include "lwip/opt.h"
#include "lwip/api.h"
#include "lwip/tcp.h"
#include "lwip/ip.h"
#include "lwip/tcpip.h"
#include "services.h"

#define NWORKER      12       // TCP connections served at once, all services
#define ECHO_PORT    7
#define DISCARD_PORT 9
#define CHARGEN_PORT 19

#define KEEP_IDLE_MS  60000   // first keepalive probe after this much quiet
#define KEEP_INTVL_MS 10000   // then one every 10 s
#define KEEP_CNT      6       // unanswered probes before the abort

#define CG_LINE    72         // RFC 864: characters per line
#define CG_LINES   95         // lines in one period
#define CG_PERIOD  (CG_LINES * (CG_LINE + 2))
#define CG_NPERIOD 4          // periods per write (chargen_buf holds them)

#define DISCARD_BATCH (TCP_WND / 2)   // bytes read before the window goes back

enum { ECHO, DISCARD, CHARGEN, NSERVICE };

static const char *svcname[NSERVICE] = { "echo", "discard", "chargen" };
static const u16_t svcport[NSERVICE] = { ECHO_PORT, DISCARD_PORT, CHARGEN_PORT };

// CG_NPERIOD copies of the period, so that one netconn_write hands the
// stack about 28 KiB (half the send buffer) and the worker wakes once per
// many segments; the pattern still repeats from the first byte.
static char chargen_buf[CG_NPERIOD * CG_PERIOD];

static struct {
  struct spinlock lock;
  struct worker {
    struct netconn *conn;     // the connection to serve; 0 while idle
    int service;
  } w[NWORKER];
  int nworker;                // workers started (w[0..nworker-1])
  uint refused;               // connections refused with the pool full
} pool;

// ---- The services, each given an accepted connection

static void
serve_echo(struct netconn *conn)
{
  struct pbuf *p, *q;
  err_t err = ERR_OK;

  while(err == ERR_OK && netconn_recv_tcp_pbuf(conn, &p) == ERR_OK){
    for(q = p; q != 0 && err == ERR_OK; q = q->next)
      err = netconn_write(conn, q->payload, q->len,
                          NETCONN_COPY | (q->next ? NETCONN_MORE : 0));
    pbuf_free(p);
  }
}

// Read and drop. The window goes back to the peer once per batch (all
// that had arrived when the first segment of the batch was taken), not
// once per segment as netconn_recv would do it: each return is a call
// under the core lock and may send a window update, and at full speed
// several segments are waiting at every wakeup. Nothing read is ever
// held back when we block again, so the peer's window cannot close on
// data we have already dropped.
static void
serve_discard(struct netconn *conn)
{
  struct pbuf *p;
  size_t n;
  u8_t flags = NETCONN_NOAUTORCVD;

  while(netconn_recv_tcp_pbuf_flags(conn, &p, flags) == ERR_OK){
    n = 0;
    do {
      n += p->tot_len;
      pbuf_free(p);
    } while(n < DISCARD_BATCH &&
            netconn_recv_tcp_pbuf_flags(conn, &p, flags | NETCONN_DONTBLOCK)
            == ERR_OK);
    if(netconn_tcp_recvd(conn, n) != ERR_OK)
      return;
  }
}

// Write the pattern until a write fails (a reset) or the peer's FIN
// shows; whatever the peer sends meanwhile is read and dropped, so its
// data never closes our receive window.
static void
serve_chargen(struct netconn *conn)
{
  struct pbuf *p;
  err_t err;

  for(;;){
    if(netconn_write(conn, chargen_buf, sizeof(chargen_buf), NETCONN_COPY)
       != ERR_OK)
      return;
    while((err = netconn_recv_tcp_pbuf_flags(conn, &p, NETCONN_DONTBLOCK))
          == ERR_OK)
      pbuf_free(p);
    if(err != ERR_WOULDBLOCK)
      return;
  }
}

// ---- Workers and acceptors

static void
worker(void *arg)
{
  struct worker *w = arg;
  struct netconn *conn;
  int service;

  for(;;){
    acquire(&pool.lock);
    while(w->conn == 0)
      sleep(w, &pool.lock);
    conn = w->conn;
    service = w->service;
    release(&pool.lock);

    if(service == ECHO)
      serve_echo(conn);
    else if(service == DISCARD)
      serve_discard(conn);
    else
      serve_chargen(conn);
    netconn_close(conn);
    netconn_delete(conn);

    acquire(&pool.lock);
    w->conn = 0;
    release(&pool.lock);
  }
}

// Turn on keepalive for a new connection (under the core lock: the PCB is
// the tcpip thread's; it may already be gone if the peer reset).
static void
keepalive(struct netconn *conn)
{
  struct tcp_pcb *pcb;

  LOCK_TCPIP_CORE();
  if((pcb = conn->pcb.tcp) != 0){
    ip_set_option(pcb, SOF_KEEPALIVE);
    pcb->keep_idle = KEEP_IDLE_MS;
    pcb->keep_intvl = KEEP_INTVL_MS;
    pcb->keep_cnt = KEEP_CNT;
  }
  UNLOCK_TCPIP_CORE();
}

// Give conn to an idle worker. Returns 0, or -1 when all are busy.
static int
dispatch(struct netconn *conn, int service)
{
  int i;

  acquire(&pool.lock);
  for(i = 0; i < pool.nworker; i++){
    if(pool.w[i].conn == 0){
      pool.w[i].conn = conn;
      pool.w[i].service = service;
      wakeup(&pool.w[i]);
      release(&pool.lock);
      return 0;
    }
  }
  pool.refused++;
  release(&pool.lock);
  return -1;
}

static struct netconn*
listener(u16_t port)
{
  struct netconn *conn;

  if((conn = netconn_new(NETCONN_TCP)) == 0)
    return 0;
  if(netconn_bind(conn, IP_ADDR_ANY, port) != ERR_OK ||
     netconn_listen(conn) != ERR_OK){
    netconn_delete(conn);
    return 0;
  }
  return conn;
}

static void
acceptor(void *arg)
{
  int service = (int)arg;
  struct netconn *lconn, *conn;
  err_t err;

  if((lconn = listener(svcport[service])) == 0){
    cprintf("net: %s: cannot listen on tcp port %d\n",
            svcname[service], svcport[service]);
    return;
  }
  for(;;){
    if((err = netconn_accept(lconn, &conn)) != ERR_OK){
      // A connection reset before we took it (ERR_ABRT), or the pools
      // ran dry for a moment: not the listener's end.
      if(err != ERR_ABRT)
        sleep_until(0, 0, millis() + 10);
      continue;
    }
    keepalive(conn);
    if(dispatch(conn, service) < 0){
      netconn_close(conn);
      netconn_delete(conn);
    }
  }
}

// ---- UDP echo: one datagram in, the same datagram back to its sender

static void
udpecho(void *arg)
{
  struct netconn *conn;
  struct netbuf *buf;

  (void)arg;
  if((conn = netconn_new(NETCONN_UDP)) == 0 ||
     netconn_bind(conn, IP_ADDR_ANY, ECHO_PORT) != ERR_OK){
    if(conn)
      netconn_delete(conn);
    cprintf("net: echo: cannot bind udp port %d\n", ECHO_PORT);
    return;
  }
  for(;;){
    if(netconn_recv(conn, &buf) != ERR_OK){
      sleep_until(0, 0, millis() + 10);
      continue;
    }
    // The netbuf holds the sender's address and port: sending it back
    // answers the sender with the bytes it sent.
    netconn_send(conn, buf);
    netbuf_delete(buf);
  }
}

// Start the services (from netinit's thread, once the stack is up).
// Failures are reported and leave the rest running; never a panic.
void
services_start(void)
{
  int i, j;

  for(i = 0; i < CG_NPERIOD * CG_LINES; i++){
    for(j = 0; j < CG_LINE; j++)
      chargen_buf[i*(CG_LINE+2) + j] = ' ' + (i + j) % 95;
    chargen_buf[i*(CG_LINE+2) + CG_LINE] = '\r';
    chargen_buf[i*(CG_LINE+2) + CG_LINE + 1] = '\n';
  }
  initlock(&pool.lock, "services");
  for(i = 0; i < NWORKER; i++){
    if(kthread_create("netsvc", worker, &pool.w[i]) < 0)
      break;
    acquire(&pool.lock);
    pool.nworker = i + 1;
    release(&pool.lock);
  }
  if(i < NWORKER)
    cprintf("net: services: only %d of %d workers\n", i, NWORKER);
  for(i = 0; i < NSERVICE; i++)
    if(kthread_create((char*)svcname[i], acceptor, (void*)i) < 0)
      cprintf("net: %s: no thread\n", svcname[i]);
  if(kthread_create("udpecho", udpecho, 0) < 0)
    cprintf("net: echo: no udp thread\n");
}
