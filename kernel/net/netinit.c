// netinit.c: bringing up lwIP on the one NIC.
//
//   (nothing)                             start the stack; DHCP
//   ip=10.0.2.15/24,gw=10.0.2.2           start it with that address
//   net=off                               leave it down
//
// With the stack up, every frame goes both to ether.c and to the stack
// (netdev.c), so raw /dev/ether0 readers keep working beside it. Lab 2's
// tests boot with net=off (lab 1's have no NIC at all): the stack would
// otherwise send DHCP and ARP frames on the wire those tests watch, and
// their judgement must not change from one lab's tree to the next. With net=off the NIC's
// frames go to the raw files alone, exactly as in lab 2.
//
// main() calls net_init() once the NIC is registered; it only starts the
// "netinit" kernel thread, so the shell prompt never waits for the
// network. That thread starts the tcpip thread (tcpip_init), adds the
// netif, starts the test services (services.c: echo, discard, chargen)
// and asks DHCP for an address. QEMU's user-mode network answers
// within a second; if no lease has come after DHCP_FALLBACK_MS, DHCP is
// stopped and the stack takes the static fallback 10.0.2.15/24 with the
// gateway 10.0.2.2 (slirp's own addresses). The address is printed once,
// when it is bound:
//
//   net: en0 10.0.2.15/24 gw 10.0.2.2 (dhcp)

#include "types.h"
#include "defs.h"
#include "param.h"
#include "spinlock.h"
#include "net.h"

#include "lwip/opt.h"
#include "lwip/tcpip.h"
#include "lwip/netif.h"
#include "lwip/dhcp.h"
#include "lwip/ip4_addr.h"
#include "ethif.h"
#include "services.h"
#include "netfile.h"

#define DHCP_FALLBACK_MS 15000    // then the static fallback below
#define FALLBACK_ADDR    "10.0.2.15"
#define FALLBACK_MASK    "255.255.255.0"
#define FALLBACK_GW      "10.0.2.2"

static struct netif netif;
static int usedhcp;

static struct {
  struct spinlock lock;
  int ready;                      // tcpip_init's callback has run
} tcpipready;

// The tcpip thread's first act (tcpip_init's callback).
static void
net_tcpip_ready(void *arg)
{
  (void)arg;
  acquire(&tcpipready.lock);
  tcpipready.ready = 1;
  wakeup(&tcpipready);
  release(&tcpipready.lock);
}

// netif's status callback, in the tcpip thread: print each new address.
static void
net_status(struct netif *n)
{
  static u32_t shown;
  const ip4_addr_t *a = netif_ip4_addr(n), *m = netif_ip4_netmask(n);
  const ip4_addr_t *g = netif_ip4_gw(n);
  u32_t mask = lwip_ntohl(ip4_addr_get_u32(m));
  int prefix;

  if(ip4_addr_isany(a) || ip4_addr_get_u32(a) == shown)
    return;
  shown = ip4_addr_get_u32(a);
  for(prefix = 0; prefix < 32 && (mask & (0x80000000u >> prefix)); prefix++)
    ;
  cprintf("net: %c%c%d %d.%d.%d.%d/%d gw %d.%d.%d.%d (%s)\n",
          n->name[0], n->name[1], n->num,
          ip4_addr1(a), ip4_addr2(a), ip4_addr3(a), ip4_addr4(a), prefix,
          ip4_addr1(g), ip4_addr2(g), ip4_addr3(g), ip4_addr4(g),
          usedhcp && dhcp_supplied_address(n) ? "dhcp" : "static");
}

// Parse "ADDR/PREFIX[,gw=ADDR]" (the value of ip=). Returns 0, or -1.
static int
net_parse_ip(char *s, ip4_addr_t *addr, ip4_addr_t *mask, ip4_addr_t *gw)
{
  char *slash, *comma;
  int prefix = 0;

  ip4_addr_set_zero(gw);
  if((comma = strchr(s, ',')) != 0){
    *comma++ = 0;
    if(strncmp(comma, "gw=", 3) != 0 || !ip4addr_aton(comma + 3, gw))
      return -1;
  }
  if((slash = strchr(s, '/')) == 0)
    return -1;
  *slash++ = 0;
  if(*slash == 0)
    return -1;
  for(; *slash; slash++){
    if(*slash < '0' || *slash > '9')
      return -1;
    prefix = prefix*10 + (*slash - '0');
    if(prefix > 32)
      return -1;
  }
  if(!ip4addr_aton(s, addr) || prefix == 0)
    return -1;
  ip4_addr_set_u32(mask, lwip_htonl(0xFFFFFFFFu << (32 - prefix)));
  return 0;
}

// Wait until DHCP has bound an address or DHCP_FALLBACK_MS has passed;
// then, without a lease, use the static fallback.
static void
net_dhcp_wait(void)
{
  uint deadline = millis() + DHCP_FALLBACK_MS;
  ip4_addr_t a, m, g;
  int bound;

  for(;;){
    LOCK_TCPIP_CORE();
    bound = dhcp_supplied_address(&netif);
    UNLOCK_TCPIP_CORE();
    if(bound)
      return;
    if((int)(millis() - deadline) >= 0)
      break;
    sleep_until(0, 0, millis() + 100);
  }
  ip4addr_aton(FALLBACK_ADDR, &a);
  ip4addr_aton(FALLBACK_MASK, &m);
  ip4addr_aton(FALLBACK_GW, &g);
  cprintf("net: no DHCP lease in %d ms: static fallback\n", DHCP_FALLBACK_MS);
  LOCK_TCPIP_CORE();
  dhcp_stop(&netif);
  usedhcp = 0;
  netif_set_addr(&netif, &a, &m, &g);
  UNLOCK_TCPIP_CORE();
}

// Make the NIC lwIP's netif, with the address addr/mask and gateway gw
// (all zero when usedhcp is set), and start it. In the netinit thread,
// once the tcpip thread runs.
static void
net_netif_start(const ip4_addr_t *addr, const ip4_addr_t *mask,
                const ip4_addr_t *gw)
{
  // LAB 3: BEGIN SOLUTION
  LOCK_TCPIP_CORE();
  if(netif_add(&netif, addr, mask, gw, 0, ethif_init, tcpip_input) == 0)
    panic("net_netif_start: netif_add");
  netif_set_default(&netif);
  netif_set_up(&netif);
  ethif_start(&netif);
  if(usedhcp && dhcp_start(&netif) != ERR_OK){
    cprintf("net: dhcp_start failed\n");
    usedhcp = 0;
  }
  UNLOCK_TCPIP_CORE();
  // LAB 3: STUB
  // // Lab 3: make the NIC lwIP's default netif (the static netif above)
  // // with this address, netmask and gateway, described by the glue's
  // // ethif_init and fed through tcpip_input; bring it up and start the
  // // glue's receive side (ethif_start). When usedhcp is set, start DHCP
  // // too (if it cannot start, say so and clear usedhcp).
  // // Traps: lwIP's calls here need its core lock (LWIP_ASSERT_CORE_LOCKED
  // // panics without it); frames flow as soon as the receive side starts,
  // // so the netif must be complete by then, and DHCP's answer is lost
  // // unless receiving has started.
  // panic("net_netif_start: Lab 3");
  // LAB 3: END
}

// The "netinit" thread.
static void
net_bringup(void *arg)
{
  char val[64];
  ip4_addr_t addr, mask, gw;

  (void)arg;
  initlock(&tcpipready.lock, "tcpipready");
  tcpip_init(net_tcpip_ready, 0);
  acquire(&tcpipready.lock);
  while(!tcpipready.ready)
    sleep(&tcpipready, &tcpipready.lock);
  release(&tcpipready.lock);
  // LAB 4: BEGIN
  sockinit();                     // socket() works from here on
  // LAB 4: END

  ip4_addr_set_zero(&addr);
  ip4_addr_set_zero(&mask);
  ip4_addr_set_zero(&gw);
  usedhcp = 1;
  if(cmdline_get("ip", val, sizeof(val))){
    if(net_parse_ip(val, &addr, &mask, &gw) == 0)
      usedhcp = 0;
    else
      cprintf("net: ip=%s: expected ip=A.B.C.D/N[,gw=A.B.C.D]; using DHCP\n",
              val);
  }

  net_netif_start(&addr, &mask, &gw);
  LOCK_TCPIP_CORE();
  netif_set_status_callback(&netif, net_status);
  net_status(&netif);             // a static address is bound already
  UNLOCK_TCPIP_CORE();
  netfile_init(&netif);

  services_start();               // echo, discard, chargen (services.c)
  if(usedhcp)
    net_dhcp_wait();
}

// Called by main() after the NIC drivers have registered: start the
// stack unless the command line says net=off. Never waits.
void
net_init(void)
{
  char val[8];

  netfile_init(0);                // ifconfig can say the stack is down
  if(cmdline_get("net", val, sizeof(val)) && strncmp(val, "off", 4) == 0){
    cprintf("net: net=off: TCP/IP stack not started\n");
    return;
  }
  if(!netdev_present())
    return;
  if(kthread_create("netinit", net_bringup, 0) < 0)
    panic("net_init: kthread_create");
}

// LAB 5: BEGIN
// Wait, at most ms milliseconds, until the NIC has an address (DHCP may
// still be asking when the shell already prompts). Returns 1 if it has.
// For kernel clients that connect on a user's first command (nfs/).
int
net_wait_addr(uint ms)
{
  uint deadline = millis() + ms;
  int up;

  for(;;){
    LOCK_TCPIP_CORE();
    up = netif_is_up(&netif) && !ip4_addr_isany_val(*netif_ip4_addr(&netif));
    UNLOCK_TCPIP_CORE();
    if(up || (int)(millis() - deadline) >= 0)
      return up;
    sleep_until(0, 0, millis() + 50);
  }
}
// LAB 5: END
