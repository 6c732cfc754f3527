// netfile.c: the stack's device files (major NET), for the shell
// before lab 4's sockets exist. Given code, not a lab exercise.
//
//   /dev/netinfo  (minor 0)  read: what ifconfig prints below the NIC line:
//                            the address, netmask, gateway and link of en0,
//                            then lwIP's counters (LWIP_STATS) and ethif.c's
//                            drops. One read returns it all; a read at the
//                            end returns 0, so `cat /dev/netinfo` works.
//   /dev/netdial  (minor 1)  write "A.B.C.D PORT": open a TCP connection to
//                            that address and echo back whatever the peer
//                            sends until it closes. The write returns the
//                            number of bytes echoed, or -1 if the connection
//                            could not be made or broke; the user program
//                            `connect` is its front end. 10.0.2.2 is the
//                            host under QEMU's user-mode network.
//   /dev/netctl   (minor 2)  write "hold MS": take lwIP's core lock and keep
//                            it for MS milliseconds (at most HOLD_MAX_MS),
//                            so the tcpip thread stands still while frames
//                            keep coming: a test's way to make the input
//                            path run out of pools on demand, where frames
//                            must be dropped and counted, never stall the
//                            driver or panic. The write returns its length
//                            once the hold is over.
//
// The connection is the writer's own: it is served in the writer's
// process, in the system call, with the netconn API, so each dialler
// costs one netconn and no thread. netconn_recv waits at most DIAL_POLL_MS
// at a time, so a killed process (^C has no meaning here, but kill does)
// gets out within that time.

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

#include "lwip/opt.h"
#include "lwip/api.h"
#include "lwip/tcpip.h"
#include "lwip/netif.h"
#include "lwip/dhcp.h"
#include "lwip/stats.h"
// LAB 4: BEGIN
#include "lwip/memp.h"
// LAB 4: END
#include "ethif.h"
#include "netfile.h"

#define NETINFO_MINOR 0
#define NETDIAL_MINOR 1
#define NETCTL_MINOR  2
#define HOLD_MAX_MS   10000
#define DIAL_POLL_MS  500         // how often a dialler looks at p->killed
#define DIAL_MAX      48          // longest "A.B.C.D PORT" accepted
#define INFO_MAX      2048

static struct netif *shown;       // the netif netinit.c brought up

// ---- /dev/netinfo

static int
info_addr(char *buf, int n, const char *what, const ip4_addr_t *a)
{
  return snprintf(buf, n, " %s %d.%d.%d.%d", what,
                  ip4_addr1(a), ip4_addr2(a), ip4_addr3(a), ip4_addr4(a));
}

// One line per lwIP protocol counter block: sent, received, dropped, and
// the errors that say why (checksum, length, protocol).
static int
info_proto(char *buf, int n, const char *name, struct stats_proto *s)
{
  return snprintf(buf, n, "  %s xmit %d recv %d drop %d chkerr %d "
                  "lenerr %d proterr %d memerr %d\n", name,
                  s->xmit, s->recv, s->drop, s->chkerr, s->lenerr,
                  s->proterr, s->memerr);
}

// Fill buf with the whole text; returns its length. Holds the core lock
// so that the address and counters are one consistent snapshot.
// LAB 4: BEGIN
// The pools a socket draws on, as "memp NAME USED" pairs (and lwIP's
// heap in bytes): a program that opens and closes sockets must leave
// them where they were.
static int
info_pools(char *buf, int n)
{
  static const struct { const char *name; int pool; } shown[] = {
    { "netconn", MEMP_NETCONN }, { "netbuf", MEMP_NETBUF },
    { "tcp_pcb", MEMP_TCP_PCB }, { "tcp_listen", MEMP_TCP_PCB_LISTEN },
    { "tcp_seg", MEMP_TCP_SEG }, { "udp_pcb", MEMP_UDP_PCB },
    { "pbuf_pool", MEMP_PBUF_POOL },
  };
  int i, len;

  len = snprintf(buf, n, "  memp");
  for(i = 0; i < NELEM(shown); i++)
    len += snprintf(buf + len, n - len, " %s %d", shown[i].name,
                    lwip_stats.memp[shown[i].pool]->used);
  len += snprintf(buf + len, n - len, " heap %d\n", (int)lwip_stats.mem.used);
  return len;
}
// LAB 4: END

static int
info_text(char *buf, int n)
{
  struct ethif_drops d;
  int len = 0;

  if(shown == 0)
    return snprintf(buf, n, "en0: stack not started (net=off)\n");
  ethif_drops(&d);
  LOCK_TCPIP_CORE();
  len += snprintf(buf + len, n - len, "en0:");
  len += info_addr(buf + len, n - len, "inet", netif_ip4_addr(shown));
  len += info_addr(buf + len, n - len, "netmask", netif_ip4_netmask(shown));
  len += info_addr(buf + len, n - len, "gateway", netif_ip4_gw(shown));
  len += snprintf(buf + len, n - len, " (%s) link %s\n",
                  dhcp_supplied_address(shown) ? "dhcp" : "static",
                  netif_is_link_up(shown) ? "up" : "down");
  len += info_proto(buf + len, n - len, "link ", &lwip_stats.link);
  len += info_proto(buf + len, n - len, "ip   ", &lwip_stats.ip);
  len += info_proto(buf + len, n - len, "icmp ", &lwip_stats.icmp);
  len += info_proto(buf + len, n - len, "udp  ", &lwip_stats.udp);
  len += info_proto(buf + len, n - len, "tcp  ", &lwip_stats.tcp);
  // LAB 4: BEGIN
  len += info_pools(buf + len, n - len);
  // LAB 4: END
  UNLOCK_TCPIP_CORE();
  len += snprintf(buf + len, n - len, "  ethif ring-full %d no-pbuf %d "
                  "no-msg %d\n", d.full, d.nopbuf, d.nomsg);
  len += snprintf(buf + len, n - len, "  netloss dropped rx %d tx %d\n",
                  netloss_count(NETLOSS_RX), netloss_count(NETLOSS_TX));
  // LAB 4: BEGIN
  len += snprintf(buf + len, n - len, "  sockets %d\n", sockcount());
  // LAB 4: END
  return len < n ? len : n - 1;
}

static int
netinfo_read(struct file *f, int user_dst, uint addr, int n)
{
  char *buf;

  if((buf = kalloc()) == 0)       // a page keeps the text off the stack
    return -1;
  n = devtext_read(f, user_dst, addr, n, buf, info_text(buf, INFO_MAX));
  kfree(buf);
  return n;
}

// ---- /dev/netdial

// Parse "A.B.C.D PORT" (a trailing newline allowed). Returns 0, or -1.
static int
dial_parse(char *s, ip_addr_t *addr, u16_t *port)
{
  char *sp;
  int p = 0;

  if((sp = strchr(s, ' ')) == 0)
    return -1;
  *sp++ = 0;
  if(!ipaddr_aton(s, addr) || *sp == 0 || *sp == '\n')
    return -1;
  for(; *sp && *sp != '\n'; sp++){
    if(*sp < '0' || *sp > '9')
      return -1;
    if((p = p*10 + (*sp - '0')) > 65535)
      return -1;
  }
  if(p == 0)
    return -1;
  *port = p;
  return 0;
}

// Echo what the peer sends until it closes (return the byte count) or
// the connection breaks or the process is killed (return -1).
static int
dial_echo(struct netconn *conn)
{
  struct pbuf *p, *q;
  err_t err;
  int total = 0;

  netconn_set_recvtimeout(conn, DIAL_POLL_MS);
  for(;;){
    if(myproc()->killed)
      return -1;
    err = netconn_recv_tcp_pbuf(conn, &p);
    if(err == ERR_TIMEOUT)
      continue;
    if(err == ERR_CLSD)
      return total;
    if(err != ERR_OK)
      return -1;
    for(q = p; q != 0 && err == ERR_OK; q = q->next)
      err = netconn_write(conn, q->payload, q->len, NETCONN_COPY);
    total += p->tot_len;
    pbuf_free(p);
    if(err != ERR_OK)
      return -1;
  }
}

static int
netdial_write(struct file *f, int user_src, uint addr, int n)
{
  char req[DIAL_MAX + 1];
  ip_addr_t peer;
  u16_t port;
  struct netconn *conn;
  int r;

  if(shown == 0 || n <= 0 || n > DIAL_MAX)
    return -1;
  if(either_copyin(req, user_src, addr, n) < 0)
    return -1;
  req[n] = 0;
  if(dial_parse(req, &peer, &port) < 0)
    return -1;
  if((conn = netconn_new(NETCONN_TCP)) == 0)
    return -1;
  r = -1;
  if(netconn_connect(conn, &peer, port) == ERR_OK){
    r = dial_echo(conn);
    netconn_close(conn);
  }
  netconn_delete(conn);
  return r;
}

// ---- /dev/netctl

static int
netctl_write(struct file *f, int user_src, uint addr, int n)
{
  char req[16], *p;
  int ms = 0;

  if(shown == 0 || n <= 5 || n >= sizeof(req))
    return -1;
  if(either_copyin(req, user_src, addr, n) < 0)
    return -1;
  req[n] = 0;
  if(strncmp(req, "hold ", 5) != 0)
    return -1;
  for(p = req + 5; *p >= '0' && *p <= '9' && ms <= HOLD_MAX_MS; p++)
    ms = ms*10 + (*p - '0');
  if((*p != 0 && *p != '\n') || ms <= 0 || ms > HOLD_MAX_MS)
    return -1;
  LOCK_TCPIP_CORE();
  sleep_until(0, 0, millis() + ms);
  UNLOCK_TCPIP_CORE();
  return n;
}

// ---- The device

static int
netread(struct file *f, int user_dst, uint addr, int n)
{
  if(f->ip->minor != NETINFO_MINOR)
    return -1;
  return netinfo_read(f, user_dst, addr, n);
}

static int
netwrite(struct file *f, int user_src, uint addr, int n)
{
  switch(f->ip->minor){
  case NETDIAL_MINOR:
    return netdial_write(f, user_src, addr, n);
  case NETCTL_MINOR:
    return netctl_write(f, user_src, addr, n);
  }
  return -1;
}

// Called by netinit.c with the netif it brought up (or 0 when the stack
// stays down, so that ifconfig can say so).
void
netfile_init(struct netif *netif)
{
  shown = netif;
  devsw[NET].read = netread;
  devsw[NET].write = netwrite;
}
