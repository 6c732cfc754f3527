// ethif.c: the netif between lwIP and the network-device seam.
//
// Output: lwIP's etharp_output hands ethif_linkoutput() a finished frame
// as a pbuf chain, in the tcpip thread or in a thread that holds the core
// lock; it goes to netdev_transmit(), which may sleep for a free TX slot.
// That is allowed here, because lwIP's core lock is a mutex (sys_arch.c),
// not a spinlock. A chain is first copied into one buffer, which the core
// lock guards: only its holder ever calls linkoutput.
//
// Input: netdev_input() calls ethif_deliver() for every frame, from the
// driver's interrupt handler or poller with the driver's lock held. lwIP
// must not run there (it sleeps on mutexes and its heap is not interrupt-
// safe), so ethif_deliver() only copies the frame into a ring of NRXQ
// frames and wakes the "ethif-rx" thread. That thread copies each frame
// into a PBUF_POOL pbuf and hands it to tcpip_input() (netif->input),
// which posts it to the tcpip thread with sys_mbox_trypost and never
// blocks. Every place a frame can be refused drops it and counts it:
//   rxq.nfull    the ring was full (the stack is behind by NRXQ frames);
//   rxq.nnopbuf  lwIP's pbuf pool was empty;
//   rxq.nnomsg   tcpip_input refused it (no input message, or the tcpip
//                mailbox was full); the pbuf is freed at once.
// None of these stalls the driver or panics. Until ethif_start() the ring
// is off and ethif_deliver() returns at once, so with net=off the seam
// delivers to ether.c alone, as in lab 2.

#include "types.h"
#include "defs.h"
#include "param.h"
#include "spinlock.h"
#include "net.h"

#include "lwip/opt.h"
#include "lwip/pbuf.h"
#include "lwip/netif.h"
#include "lwip/etharp.h"
#include "lwip/stats.h"
#include "lwip/tcpip.h"
#include "netif/ethernet.h"
#include "ethif.h"

#define NRXQ 256                  // a full virtio RX ring's worth

static struct {
  struct spinlock lock;
  int on;                         // ethif_start() has run
  struct netif *netif;
  struct {
    int len;
    uchar data[ETH_FRAME_MAX];
  } q[NRXQ];
  uint head;                      // frames taken by the thread (wraps)
  uint tail;                      // frames put by ethif_deliver (wraps)
  uint nfull, nnopbuf, nnomsg;    // drops, by cause (file comment)
} rxq;

// Called by netdev_input() for every frame: interrupts off, the driver's
// lock held. Copy and return; never call lwIP from here.
void
ethif_deliver(const uchar *frame, int len)
{
  if(!rxq.on)                     // before ethif_start(); always with net=off
    return;
  // LAB 3: BEGIN SOLUTION
  acquire(&rxq.lock);
  if(rxq.tail - rxq.head == NRXQ){
    rxq.nfull++;
    release(&rxq.lock);
    return;
  }
  memmove(rxq.q[rxq.tail % NRXQ].data, frame, len);
  rxq.q[rxq.tail % NRXQ].len = len;
  rxq.tail++;
  wakeup(&rxq);
  release(&rxq.lock);
  // LAB 3: STUB
  // // Lab 3: queue a copy of the frame for the ethif-rx thread and wake
  // // it. From netdev_input(): interrupts off, the driver's lock held, the
  // // frame's memory the driver's again once this returns. With the
  // // ring full, drop the frame and count it (rxq.nfull).
  // // Traps: nothing here may sleep or call lwIP, not even pbuf_alloc
  // // (sys_arch_protect panics if you try); a full ring must drop the new
  // // frame, never overwrite one the thread has not taken yet.
  // panic("ethif_deliver: Lab 3");
  // LAB 3: END
}

// LAB 3: BEGIN SOLUTION
// Make one received frame a pbuf, or 0 (counted) when the pool is empty.
static struct pbuf*
ethif_frame_pbuf(const uchar *data, int len)
{
  struct pbuf *p;

  p = pbuf_alloc(PBUF_RAW, len, PBUF_POOL);
  if(p == 0){
    rxq.nnopbuf++;
    LINK_STATS_INC(link.memerr);
    LINK_STATS_INC(link.drop);
    return 0;
  }
  pbuf_take(p, data, len);
  LINK_STATS_INC(link.recv);
  return p;
}

// The "ethif-rx" thread: the only reader of the ring. The slot at head
// stays ours until head moves on, so it is read without the lock.
static void
ethif_rx_thread(void *arg)
{
  struct netif *netif = arg;
  struct pbuf *p;
  int slot;

  for(;;){
    acquire(&rxq.lock);
    while(rxq.head == rxq.tail)
      sleep(&rxq, &rxq.lock);
    slot = rxq.head % NRXQ;
    release(&rxq.lock);

    p = ethif_frame_pbuf(rxq.q[slot].data, rxq.q[slot].len);

    acquire(&rxq.lock);
    rxq.head++;
    release(&rxq.lock);

    if(p != 0 && netif->input(p, netif) != ERR_OK){
      rxq.nnomsg++;
      LINK_STATS_INC(link.drop);
      pbuf_free(p);
    }
  }
}
// LAB 3: STUB
// // The "ethif-rx" thread: the only reader of the ring, started by
// // ethif_start() with the netif as arg.
// static void
// ethif_rx_thread(void *arg)
// {
//   // Lab 3: for ever, wait for a frame in the ring and hand lwIP a
//   // PBUF_POOL pbuf holding it, through the netif's input function
//   // (tcpip_input, set by netif_add), which queues it for the tcpip
//   // thread. Count what is dropped: no pbuf (rxq.nnopbuf), or input
//   // refused (rxq.nnomsg); LINK_STATS_INC(link.recv/.drop/.memerr) feed
//   // ifconfig's counters.
//   // Traps: a pbuf whose input failed is still yours and must be freed,
//   // or the pool drains away one frame at a time; input may sleep, so no
//   // spinlock may be held across it; the slot at head is free for new
//   // frames only once you have copied it.
//   panic("ethif_rx_thread: Lab 3");
// }
// LAB 3: END

// LAB 3: BEGIN SOLUTION
static uchar txbuf[ETH_FRAME_MAX];    // guarded by lwIP's core lock

// netif->linkoutput: send one frame. Caller holds the core lock.
static err_t
ethif_linkoutput(struct netif *netif, struct pbuf *p)
{
  const void *frame;

  (void)netif;
  if(p->tot_len < ETH_FRAME_MIN || p->tot_len > ETH_FRAME_MAX){
    LINK_STATS_INC(link.lenerr);
    return ERR_IF;
  }
  if(p->next == 0)
    frame = p->payload;
  else {
    pbuf_copy_partial(p, txbuf, p->tot_len, 0);
    frame = txbuf;
  }
  if(netdev_transmit(frame, p->tot_len) < 0){
    LINK_STATS_INC(link.err);
    return ERR_IF;
  }
  LINK_STATS_INC(link.xmit);
  return ERR_OK;
}
// LAB 3: STUB
// // netif->linkoutput: send one frame. Caller holds the core lock.
// static err_t
// ethif_linkoutput(struct netif *netif, struct pbuf *p)
// {
//   // Lab 3: send the frame in p, a finished Ethernet frame of
//   // p->tot_len bytes, through netdev_transmit() (which may sleep: this
//   // runs in a thread, with lwIP's core lock, a mutex, held). Return
//   // ERR_OK once it is handed to the driver, ERR_IF if the driver or the
//   // length refuses it; LINK_STATS_INC(link.xmit/.err/.lenerr) count.
//   // Traps: p may be a chain of pbufs (p->len bytes each, p->next), and
//   // the driver takes one contiguous frame; p stays lwIP's, to free.
//   panic("ethif_linkoutput: Lab 3");
// }
// LAB 3: END

// netif_add's init function: describe the NIC to lwIP.
err_t
ethif_init(struct netif *netif)
{
  struct netdev_info ni;

  if(netdev_info(&ni) < 0)
    return ERR_IF;
  netif->name[0] = 'e';
  netif->name[1] = 'n';
  netif->mtu = 1500;
  netif->hwaddr_len = ETH_HWADDR_LEN;
  memmove(netif->hwaddr, ni.mac, ETH_HWADDR_LEN);
  netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
                 NETIF_FLAG_ETHERNET;
  if(ni.link)
    netif->flags |= NETIF_FLAG_LINK_UP;
  netif->output = etharp_output;
  netif->linkoutput = ethif_linkoutput;
  return ERR_OK;
}

// Start taking frames for netif (added, with tcpip_input as its input).
void
ethif_start(struct netif *netif)
{
  initlock(&rxq.lock, "ethif rx");
  rxq.netif = netif;
  if(kthread_create("ethif-rx", ethif_rx_thread, netif) < 0)
    panic("ethif_start: kthread_create");
  // The lock and the thread exist before any frame can be queued.
  __sync_synchronize();
  rxq.on = 1;
}

// The drop counters, for ifconfig (netfile.c).
void
ethif_drops(struct ethif_drops *d)
{
  acquire(&rxq.lock);
  d->full = rxq.nfull;
  d->nopbuf = rxq.nnopbuf;
  d->nomsg = rxq.nnomsg;
  release(&rxq.lock);
}
