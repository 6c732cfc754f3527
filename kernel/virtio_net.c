// Driver for a virtio-net NIC through the legacy (virtio 0.9.5) PCI
// interface: vendor 1AF4, device 1000, registers in I/O BAR0 (virtio.h).
// QEMU's virtio-net-pci offers it both with disable-modern=on and as a
// transitional device; BitVisor presents its NIC to the guest the same way.
//
// The device has two queues we use: queue 0 (RX) and queue 1 (TX). Each is
// a ring of 256 descriptors in a static, page-aligned array (the legacy
// interface wants the ring physically contiguous; kalloc only gives single
// pages, the kernel image is contiguous). Every buffer is a chain of two
// descriptors, because a legacy device that does not offer ANY_LAYOUT
// expects the virtio_net_hdr alone in the first one:
//
//   slot i:  desc[2i]   -> hdr of buffer i   (10 bytes)
//            desc[2i+1] -> frame of buffer i (up to 1514 bytes)
//
// so a queue of N descriptors has N/2 slots and slot i always uses the same
// two descriptors; nothing needs a descriptor free list.
//
// RX: all slots are posted at attach time. When the device has filled one
// (it appears in the used ring), the frame is checked, handed to the
// network-device seam (netdev_input, which copies it for its users), and
// the slot is posted again.
// TX: the frame is copied into a free slot, the chain is put in the
// available ring and the device is notified, every time (BitVisor needs the
// notification). Slots come back through the TX used ring; a sender that
// finds none free sleeps until the interrupt (or poller) frees one.
//
// What we rely on is what BitVisor's virtual NIC offers, nothing more: we
// accept only VIRTIO_NET_F_MAC (no MRG_RXBUF, so every RX buffer must hold a
// whole frame; no checksum or segmentation offload; no event index; no
// indirect descriptors). Nothing the device writes is trusted: a used entry
// with a bad id or a length that does not fit is counted and skipped.
//
// Interrupts arrive on the function's INTx line, routed by the IOAPIC; the
// handler reads the ISR register, which acknowledges (lowers) the line.
// When the firmware routed no line, or the kernel command line says
// virtio_net.poll=1, a kernel thread looks at the used rings every tick.

#include "types.h"
#include "param.h"
#include "memlayout.h"
#include "mmu.h"
#include "spinlock.h"
#include "defs.h"
#include "x86.h"
#include "pci.h"
#include "virtio.h"
#include "net.h"

#define VIRTQ_MAX     256                 // largest queue we have memory for
#define VIRTQ_PAGES   3                   // legacy ring of VIRTQ_MAX entries
#define NSLOT         (VIRTQ_MAX / 2)     // two descriptors per buffer


// A virtqueue as the driver sees it.
struct virtq {
  int index;                    // queue number on the device
  uint size;                    // descriptors, as the device reported
  struct virtq_desc *desc;
  struct virtq_avail *avail;
  struct virtq_used *used;
  ushort last_used;             // next used->idx value we have not consumed
};

// One buffer: the header and the frame are the two descriptors of a chain.
struct netbuf {
  struct virtio_net_hdr hdr;
  uchar frame[ETH_FRAME_MAX];
};

static uchar rxring[VIRTQ_PAGES * PGSIZE] __attribute__((aligned(PGSIZE)));
static uchar txring[VIRTQ_PAGES * PGSIZE] __attribute__((aligned(PGSIZE)));
static struct netbuf rxbuf[NSLOT];
static struct netbuf txbuf[NSLOT];

static struct {
  struct spinlock lock;         // protects everything here and the rings
  int present;                  // attached and running
  uint iobase;                  // I/O BAR0
  int irq;                      // IRQ line, or -1 when polling
  uchar mac[6];
  struct virtq rx;
  struct virtq tx;
  char txbusy[NSLOT];           // slot handed to the device, not yet used
  int ntxbusy;
  uint nrx, ntx, nrxbad;        // counters for ifconfig
} vnet;

// Register access. Inline, so the ones a lab tree does not use yet cost
// no warning.
static inline uint  vio_inl(int reg)  { return inl(vnet.iobase + reg); }
static inline ushort vio_inw(int reg) { return inw(vnet.iobase + reg); }
static inline uchar vio_inb(int reg)  { return inb(vnet.iobase + reg); }
static inline void  vio_outl(int reg, uint v)   { outl(vnet.iobase + reg, v); }
static inline void  vio_outw(int reg, ushort v) { outw(vnet.iobase + reg, v); }
static inline void  vio_outb(int reg, uchar v)  { outb(vnet.iobase + reg, v); }

// Tell the device, after a barrier, that queue vq has new available
// buffers.
static inline void
virtq_notify(struct virtq *vq)
{
  __sync_synchronize();
  vio_outw(VIRTIO_PCI_QUEUE_NOTIFY, vq->index);
}

// The device's position in a used ring. The device writes it behind the
// compiler's back, so every look must really read memory.
static inline ushort
virtq_used_idx(struct virtq *vq)
{
  return *(volatile uint16*)&vq->used->idx;
}

// Choose the features to use out of those the device offers, tell the
// device, and return them; -1 if the device lacks something we need.
static int
virtio_net_negotiate(void)
{
  // LAB 2: BEGIN SOLUTION
  uint offered, accepted;

  offered = vio_inl(VIRTIO_PCI_HOST_FEATURES);
  // Only the MAC address. Everything else (MRG_RXBUF, checksum and GSO
  // offloads, EVENT_IDX, INDIRECT_DESC, ...) would change the header or
  // the ring protocol, and BitVisor does not offer it.
  accepted = offered & (1 << VIRTIO_NET_F_MAC);
  vio_outl(VIRTIO_PCI_GUEST_FEATURES, accepted);
  return accepted;
  // LAB 2: STUB
  // // Lab 2: the legacy feature handshake (virtio 0.9.5, 2.2.2.2 Feature
  // // Bits; virtio-net's bits in Appendix C). Of what this device offers,
  // // accept VIRTIO_NET_F_MAC and nothing else: every other feature would
  // // change the header or the ring protocol this driver speaks. Returns
  // // the accepted set, from which attach learns where the MAC address
  // // comes from; nothing is indispensable, so there is no reason for -1.
  // // Trap: virtio.h's VIRTIO_NET_F_* are bit numbers, not masks.
  // return -1;
  // LAB 2: END
}

// Set up queue number index in mem (VIRTQ_PAGES zeroed, page-aligned
// pages) with the legacy layout and give it to the device. Returns 0, or -1
// if the queue is missing or too large for mem.
static int
virtq_setup(struct virtq *vq, int index, uchar *mem)
{
  // LAB 2: BEGIN SOLUTION
  uint n, usedoff;

  vio_outw(VIRTIO_PCI_QUEUE_SEL, index);
  n = vio_inw(VIRTIO_PCI_QUEUE_NUM);
  // The size is the device's choice (256 on BitVisor and QEMU); it is a
  // power of two, and it must fit the memory we set aside.
  if(n < 2 || n > VIRTQ_MAX || (n & (n - 1)) != 0)
    return -1;
  usedoff = sizeof(struct virtq_desc) * n + sizeof(uint16) * (3 + n);
  usedoff = (usedoff + VIRTIO_PCI_VRING_ALIGN - 1) &
            ~(VIRTIO_PCI_VRING_ALIGN - 1);
  if(usedoff + sizeof(uint16) * 3 + sizeof(struct virtq_used_elem) * n >
     VIRTQ_PAGES * PGSIZE)
    return -1;

  memset(mem, 0, VIRTQ_PAGES * PGSIZE);
  vq->index = index;
  vq->size = n;
  vq->desc = (struct virtq_desc*)mem;
  vq->avail = (struct virtq_avail*)(mem + sizeof(struct virtq_desc) * n);
  vq->used = (struct virtq_used*)(mem + usedoff);
  vq->last_used = 0;
  vio_outl(VIRTIO_PCI_QUEUE_PFN, V2P(mem) >> VIRTIO_PCI_QUEUE_ADDR_SHIFT);
  return 0;
  // LAB 2: STUB
  // // Lab 2: give the device its queue number index, built in mem the way
  // // the legacy interface requires (virtio 0.9.5, 2.3 Virtqueue
  // // Configuration; virtio 1.0, 2.4.2 Legacy Interfaces: A Note on
  // // Virtqueue Layout), and fill in every field of *vq for the rest of the
  // // driver. Called by attach, once per queue, before DRIVER_OK.
  // // Returns 0, or -1 if the device has no such queue, or reports a size
  // // that is not a power of two or whose rings do not fit in mem.
  // // Traps: the size is the device's choice, to be checked, never assumed
  // // or changed; the device finds the rings by a physical page number, not
  // // by a kernel pointer.
  // return -1;
  // LAB 2: END
}

// Offer RX slot i to the device, for it to fill with a received frame.
// The caller notifies.
static int
virtq_add_rx_buffer(int i)
{
  // LAB 2: BEGIN SOLUTION
  struct virtq *vq = &vnet.rx;
  struct virtq_desc *d = &vq->desc[2*i];

  d[0].addr = V2P(&rxbuf[i].hdr);
  d[0].len = sizeof(struct virtio_net_hdr);
  d[0].flags = VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT;
  d[0].next = 2*i + 1;
  d[1].addr = V2P(rxbuf[i].frame);
  d[1].len = ETH_FRAME_MAX;
  d[1].flags = VIRTQ_DESC_F_WRITE;
  d[1].next = 0;
  vq->avail->ring[vq->avail->idx % vq->size] = 2*i;
  // The device may look at the ring as soon as idx moves: the entry and
  // the descriptors must be in memory first.
  __sync_synchronize();
  vq->avail->idx++;
  return 0;
  // LAB 2: STUB
  // // Lab 2: make RX slot i (rxbuf[i]) available to the device as one
  // // buffer for it to fill, header then frame, in the two descriptors the
  // // top of this file gives the slot; virtio 0.9.5, 2.4.1 Supplying
  // // Buffers to The Device. Do not notify: the caller does, once per batch.
  // // Caller holds vnet.lock, or is attach, before the device is live.
  // // Returns 0; -1 makes attach give up on the device, and since callers
  // // pass only slots of this queue there is nothing to refuse.
  // // Traps: the device knows only physical addresses; it may take the
  // // buffer the moment the available index moves, so that must be the last
  // // thing it can see change, whatever the compiler would prefer.
  // return -1;
  // LAB 2: END
}

// Hand TX slot i, holding a len-byte frame, to the device and notify it.
static int
virtq_transmit(int i, int len)
{
  // LAB 2: BEGIN SOLUTION
  struct virtq *vq = &vnet.tx;
  struct virtq_desc *d = &vq->desc[2*i];

  d[0].addr = V2P(&txbuf[i].hdr);
  d[0].len = sizeof(struct virtio_net_hdr);
  d[0].flags = VIRTQ_DESC_F_NEXT;
  d[0].next = 2*i + 1;
  d[1].addr = V2P(txbuf[i].frame);
  d[1].len = len;
  d[1].flags = 0;
  d[1].next = 0;
  vq->avail->ring[vq->avail->idx % vq->size] = 2*i;
  __sync_synchronize();
  vq->avail->idx++;
  // Always notify, whatever used->flags says: BitVisor only looks at the
  // TX ring when told to.
  virtq_notify(vq);
  return 0;
  // LAB 2: STUB
  // // Lab 2: make TX slot i available to the device as one buffer for it
  // // to read: the header (zeroed by the caller) and the first len bytes of
  // // the frame (virtio 0.9.5, 2.4.1; Appendix C, Packet Transmission), and
  // // tell the device (2.4.1.4 Notifying The Device). Caller holds
  // // vnet.lock, has checked len (14..1514) and marked the slot busy.
  // // Returns 0; on -1 the caller frees the slot again and the write fails
  // // (nothing here has a reason to fail).
  // // Traps: those of virtq_add_rx_buffer; and notify every time, whatever
  // // the device's used->flags says: BitVisor looks only when told.
  // return -1;
  // LAB 2: END
}

// Take back the TX slots the device has finished sending. Returns how many.
static int
virtq_reclaim_tx(void)
{
  // LAB 2: BEGIN SOLUTION
  struct virtq *vq = &vnet.tx;
  struct virtq_used_elem *e;
  int n = 0;
  uint i;

  while(vq->last_used != virtq_used_idx(vq)){
    __sync_synchronize();       // read the entry only after seeing idx move
    e = &vq->used->ring[vq->last_used % vq->size];
    i = e->id / 2;
    if(e->id % 2 == 0 && e->id < vq->size && vnet.txbusy[i]){
      vnet.txbusy[i] = 0;
      vnet.ntxbusy--;
      n++;
    }
    vq->last_used++;
  }
  return n;
  // LAB 2: STUB
  // // Lab 2: take back every TX buffer the device has returned in the used
  // // ring since the last call (virtio 0.9.5, 2.4.2 Receiving Used Buffers
  // // From The Device), freeing its slot (vnet.txbusy, vnet.ntxbusy) so that
  // // a sender waiting for one can go on. Caller holds vnet.lock.
  // // Returns how many slots it freed.
  // // Traps: the device is not to be trusted: an entry that names no slot
  // // we handed it frees nothing, yet is consumed like the others; the
  // // device writes the used ring behind the compiler's back, and an entry
  // // means something only once its index has been seen to move.
  // return 0;
  // LAB 2: END
}

// Pass every frame the device has received to ether.c and offer the
// buffers again. Returns the number of buffers offered again.
static int
virtio_net_rx_used(void)
{
  // LAB 2: BEGIN SOLUTION
  struct virtq *vq = &vnet.rx;
  struct virtq_used_elem *e;
  uint id, len;
  int n = 0;

  while(vq->last_used != virtq_used_idx(vq)){
    __sync_synchronize();
    e = &vq->used->ring[vq->last_used % vq->size];
    id = e->id;
    len = e->len;
    vq->last_used++;
    if(id % 2 != 0 || id >= vq->size){
      vnet.nrxbad++;            // not a head we posted: nothing to repost
      continue;
    }
    // len counts the header too. Runts, giants and lengths larger than
    // the buffer are dropped.
    if(len < sizeof(struct virtio_net_hdr) + ETH_FRAME_MIN ||
       len > sizeof(struct virtio_net_hdr) + ETH_FRAME_MAX){
      vnet.nrxbad++;
    } else {
      netdev_input(rxbuf[id/2].frame, len - sizeof(struct virtio_net_hdr));
      vnet.nrx++;
    }
    virtq_add_rx_buffer(id / 2);
    n++;
  }
  if(n > 0)
    virtq_notify(vq);
  return n;
  // LAB 2: STUB
  // // Lab 2: take every buffer the device has filled (virtio 0.9.5, 2.4.2;
  // // Appendix C, Packet Receive Interrupt). A good frame goes, without its
  // // virtio_net_hdr, to netdev_input() and counts in vnet.nrx; a bad entry
  // // counts in vnet.nrxbad. Every buffer goes back to the device, which is
  // // told once, if any went back. Caller holds vnet.lock, in the interrupt
  // // handler or the poller: do not sleep. Returns how many buffers went
  // // back.
  // // Traps: those of virtq_reclaim_tx; neither the id nor the length the
  // // device wrote may be used before it is checked; the length counts the
  // // header; a dropped frame's buffer must go back too, or enough bad
  // // frames leave the device with none.
  // return 0;
  // LAB 2: END
}

// Look at both used rings. Caller holds vnet.lock.
static void
virtio_net_service(void)
{
  virtio_net_rx_used();
  if(virtq_reclaim_tx() > 0)
    wakeup(&vnet.tx);
}

// The NIC's interrupt. Reading ISR tells why, and lowers the (level-
// triggered, possibly shared) line; a zero means it was someone else.
static void
virtio_net_intr(void)
{
  uchar isr;

  acquire(&vnet.lock);
  isr = vio_inb(VIRTIO_PCI_ISR);
  if(isr & VIRTIO_PCI_ISR_QUEUE)
    virtio_net_service();
  release(&vnet.lock);
}

// Polling mode: look at the rings once per timer tick.
static void
virtio_net_poller(void *arg)
{
  uint t;

  for(;;){
    acquire(&tickslock);
    t = ticks;
    while(ticks == t)
      sleep(&ticks, &tickslock);
    release(&tickslock);

    // Read (and so acknowledge) the ISR even though no interrupt came:
    // BitVisor's virtio-net moves frames from the real NIC into our RX
    // ring only when the guest reads ISR; QEMU's does not mind.
    acquire(&vnet.lock);
    vio_inb(VIRTIO_PCI_ISR);
    virtio_net_service();
    release(&vnet.lock);
  }
}

// Send one Ethernet frame of len bytes (14..1514). Sleeps while every TX
// slot is in flight. Returns len, or -1. (struct netdev's transmit.)
static int
virtio_net_transmit(const void *frame, int len)
{
  static int next;              // where to start looking for a free slot
  int i, nslot;

  if(len < ETH_FRAME_MIN || len > ETH_FRAME_MAX)
    return -1;
  acquire(&vnet.lock);
  if(!vnet.present){
    release(&vnet.lock);
    return -1;
  }
  nslot = vnet.tx.size / 2;
  while(vnet.ntxbusy >= nslot){
    if(virtq_reclaim_tx() > 0)
      continue;
    // A NIC that never completes must not trap its sender for good.
    if(myproc() && killed(myproc())){
      release(&vnet.lock);
      return -1;
    }
    sleep(&vnet.tx, &vnet.lock);
  }
  for(i = next; vnet.txbusy[i]; i = (i + 1) % nslot)
    ;
  next = (i + 1) % nslot;

  memset(&txbuf[i].hdr, 0, sizeof(txbuf[i].hdr));
  memmove(txbuf[i].frame, frame, len);
  vnet.txbusy[i] = 1;
  vnet.ntxbusy++;
  if(virtq_transmit(i, len) < 0){
    vnet.txbusy[i] = 0;
    vnet.ntxbusy--;
    release(&vnet.lock);
    return -1;
  }
  vnet.ntx++;
  release(&vnet.lock);
  return len;
}

// What ifconfig shows. (struct netdev's info.)
static int
virtio_net_info(struct netdev_info *ni)
{
  acquire(&vnet.lock);
  if(!vnet.present){
    release(&vnet.lock);
    return -1;
  }
  memmove(ni->mac, vnet.mac, sizeof(ni->mac));
  ni->link = 1;                 // without VIRTIO_NET_F_STATUS, always up
  ni->irq = vnet.irq;
  ni->rx = vnet.nrx;
  ni->tx = vnet.ntx;
  ni->rxbad = vnet.nrxbad;
  release(&vnet.lock);
  return 0;
}

// Read the MAC address the device was given, or make up a locally
// administered one if it offers none.
static void
virtio_net_readmac(int features)
{
  uint t;
  int i;

  if(features & (1 << VIRTIO_NET_F_MAC)){
    for(i = 0; i < 6; i++)
      vnet.mac[i] = vio_inb(VIRTIO_NET_CONFIG_MAC + i);
    return;
  }
  t = (uint)rdtsc();
  vnet.mac[0] = 0x02;
  vnet.mac[1] = 0x00;
  for(i = 2; i < 6; i++)
    vnet.mac[i] = t >> 8*(i-2);
}

// Route the interrupt, or start the poller when there is no line to use
// (none routed by the firmware, no I/O APIC pin) or we are told to poll.
static void
virtio_net_irqinit(struct pci_func *f)
{
  vnet.irq = -1;
  if(!cmdline_flag("virtio_net.poll") && f->irqpin != 0 &&
     f->irqline != 0 && f->irqline != PCI_IRQ_NONE){
    irq_register(f->irqline, virtio_net_intr);
    if(ioapicenable_pci(f->irqline, 0) == 0){
      vnet.irq = f->irqline;
      return;
    }
  }
  // Ask the device not to interrupt at all; the line stays masked anyway.
  vnet.rx.avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
  vnet.tx.avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
  if(kthread_create("vnetpoll", virtio_net_poller, 0) < 0)
    panic("virtio_net_irqinit: kthread_create");
}

static int
virtio_net_fail(char *why)
{
  cprintf("virtio_net: %s\n", why);
  vio_outb(VIRTIO_PCI_STATUS, VIRTIO_CONFIG_S_FAILED);
  return -1;
}

// How the network-device seam (netdev.c) reaches this driver.
static struct netdev vnet_netdev = {
  .name = "virtio_net",
  .transmit = virtio_net_transmit,
  .info = virtio_net_info,
};

// Called by pci.c for device 1AF4:1000, with I/O decoding and bus
// mastering on. Brings the device up in the order the virtio spec asks:
// reset, ACKNOWLEDGE, DRIVER, features, queues, DRIVER_OK.
int
virtio_net_attach(struct pci_func *f)
{
  int features, i;

  if(vnet.iobase != 0){
    cprintf("virtio_net: only one NIC is supported\n");
    return -1;
  }
  if(!f->bario[0] || f->bar[0] == 0){
    cprintf("virtio_net: no legacy I/O BAR0 (a modern-only device?)\n");
    return -1;
  }
  initlock(&vnet.lock, "vnet");
  vnet.iobase = f->bar[0];
  memset(rxbuf, 0, sizeof(rxbuf));
  memset(txbuf, 0, sizeof(txbuf));

  vio_outb(VIRTIO_PCI_STATUS, 0);                         // reset
  vio_outb(VIRTIO_PCI_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
  vio_outb(VIRTIO_PCI_STATUS,
           VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
  if((features = virtio_net_negotiate()) < 0)
    return virtio_net_fail("feature negotiation failed");
  virtio_net_readmac(features);
  if(virtq_setup(&vnet.rx, VIRTIO_NET_RXQ, rxring) < 0)
    return virtio_net_fail("cannot set up the RX queue");
  if(virtq_setup(&vnet.tx, VIRTIO_NET_TXQ, txring) < 0)
    return virtio_net_fail("cannot set up the TX queue");

  for(i = 0; i < vnet.rx.size / 2; i++){
    if(virtq_add_rx_buffer(i) < 0)
      return virtio_net_fail("cannot post RX buffers");
  }
  // Frames may reach the seam as soon as the device runs: register first.
  memmove(vnet_netdev.mac, vnet.mac, sizeof(vnet_netdev.mac));
  netdev_register(&vnet_netdev);
  virtio_net_irqinit(f);
  vio_outb(VIRTIO_PCI_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE |
           VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_DRIVER_OK);
  virtq_notify(&vnet.rx);

  acquire(&vnet.lock);
  vnet.present = 1;
  release(&vnet.lock);
  cprintf("virtio_net: mac ");
  for(i = 0; i < 6; i++)
    cprintf("%x%x%s", vnet.mac[i] >> 4, vnet.mac[i] & 0xF, i < 5 ? ":" : "");
  cprintf(", queues %d+%d, ", vnet.rx.size, vnet.tx.size);
  if(vnet.irq < 0)
    cprintf("polling\n");
  else
    cprintf("irq %d\n", vnet.irq);
  return 0;
}
