// Raw Ethernet for user programs: the device files of major ETHER.
//
//   minor 0 (/dev/ether0)      one write() sends one frame of 14..1514
//                              bytes (no padding, no FCS); one read()
//                              returns one received frame, waiting for it
//                              unless the file was opened O_NONBLOCK. A
//                              buffer shorter than the frame gets its first
//                              bytes; the rest of that frame is dropped.
//   minor 1 (/dev/ether0info)  a line of text: MAC address, link, IRQ line
//                              (or "poll"), counters; each read() returns
//                              the whole current line. ifconfig prints it.
//
// The network-device seam (netdev.c) hands every good frame to
// ether_deliver(), from the driver's interrupt handler or poller, under
// the driver's lock: it must not sleep. Frames wait in a fixed ring of
// NETHERQ frames until a reader takes them; when the ring is full, new
// frames are dropped and counted, so a program that stops reading costs
// memory only once and never stalls the driver. Writes go out through
// netdev_transmit(); this file never names a driver.

#include "types.h"
#include "param.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "fs.h"
#include "file.h"
#include "mmu.h"
#include "proc.h"
#include "defs.h"
#include "net.h"

#define NETHERQ       64          // received frames waiting for readers

#define ETHER_MINOR_FRAMES 0
#define ETHER_MINOR_INFO   1

struct frame {
  int len;
  uchar data[ETH_FRAME_MAX];
};

static struct {
  struct spinlock lock;
  struct frame q[NETHERQ];
  uint head;                  // frames taken by readers (wraps)
  uint tail;                  // frames put by ether_deliver (wraps)
  uint ndrop;                 // frames dropped because q was full
} rxq;

// Called by netdev_input() for every frame the NIC receives.
void
ether_deliver(const uchar *data, int len)
{
  struct frame *fr;

  if(len < ETH_FRAME_MIN || len > ETH_FRAME_MAX)
    panic("ether_deliver: bad length");   // netdev_input checks this
  acquire(&rxq.lock);
  if(rxq.tail - rxq.head == NETHERQ){
    rxq.ndrop++;
    release(&rxq.lock);
    return;
  }
  fr = &rxq.q[rxq.tail % NETHERQ];
  memmove(fr->data, data, len);
  fr->len = len;
  rxq.tail++;
  wakeup(&rxq);
  release(&rxq.lock);
}

// Read one frame into addr; at most n bytes of it.
static int
ether_readframe(struct file *f, int user_dst, uint addr, int n)
{
  struct frame *fr;
  int m;

  if(!netdev_present())
    return -1;                            // no NIC: nothing will ever come
  acquire(&rxq.lock);
  while(rxq.head == rxq.tail){
    if(f->nonblock || killed(myproc())){
      release(&rxq.lock);
      return -1;
    }
    sleep(&rxq, &rxq.lock);
  }
  fr = &rxq.q[rxq.head % NETHERQ];
  m = n < fr->len ? n : fr->len;
  // A bad address leaves the frame queued: the error loses nothing.
  if(either_copyout(user_dst, addr, fr->data, m) < 0){
    release(&rxq.lock);
    return -1;
  }
  rxq.head++;
  release(&rxq.lock);
  return m;
}

// "mac 52:54:00:12:34:56 link up irq 11 rx 3 tx 2 rxbad 0 rxdrop 0\n",
// in buf (size bytes, always NUL-terminated); returns its length.
static int
ether_infoline(char *buf, int size)
{
  struct netdev_info ni;
  char irq[12];
  uchar *a = ni.mac;
  uint ndrop;
  int n;

  if(netdev_info(&ni) < 0)
    n = snprintf(buf, size, "no nic\n");
  else {
    acquire(&rxq.lock);
    ndrop = rxq.ndrop;
    release(&rxq.lock);
    if(ni.irq < 0)
      snprintf(irq, sizeof(irq), "poll");
    else
      snprintf(irq, sizeof(irq), "%d", ni.irq);
    n = snprintf(buf, size, "mac %02x:%02x:%02x:%02x:%02x:%02x link %s irq %s "
                 "rx %u tx %u rxbad %u rxdrop %u\n", a[0], a[1], a[2], a[3],
                 a[4], a[5], ni.link ? "up" : "down", irq, ni.rx, ni.tx,
                 ni.rxbad, ndrop);
  }
  return n < size ? n : size - 1;
}

// The info file reads like a one-line text file (devtext_read in file.c),
// rebuilt on every read, so `cat /dev/ether0info` shows fresh counters.
static int
ether_readinfo(struct file *f, int user_dst, uint addr, int n)
{
  char line[128];

  return devtext_read(f, user_dst, addr, n, line,
                      ether_infoline(line, sizeof(line)));
}

static int
etherread(struct file *f, int user_dst, uint addr, int n)
{
  switch(f->ip->minor){
  case ETHER_MINOR_FRAMES:
    return ether_readframe(f, user_dst, addr, n);
  case ETHER_MINOR_INFO:
    return ether_readinfo(f, user_dst, addr, n);
  }
  return -1;
}

// Send the n bytes at addr as one frame.
static int
etherwrite(struct file *f, int user_src, uint addr, int n)
{
  char *buf;
  int r;

  if(f->ip->minor != ETHER_MINOR_FRAMES)
    return -1;
  if(n < ETH_FRAME_MIN || n > ETH_FRAME_MAX)
    return -1;
  // A page keeps the frame off the small kernel stack.
  if((buf = kalloc()) == 0)
    return -1;
  r = -1;
  if(either_copyin(buf, user_src, addr, n) == 0)
    r = netdev_transmit(buf, n);
  kfree(buf);
  return r;
}

// The NIC's info line on the console, after ^P's process list.
void
ether_dump(void)
{
  char line[128];

  ether_infoline(line, sizeof(line));
  cprintf("ether0: %s", line);
}

// Called by netdev_register(): the device files go live with the NIC;
// without one, opening them finds no devsw entry and fails at once.
void
ether_init(void)
{
  initlock(&rxq.lock, "etherq");
  devsw[ETHER].read = etherread;
  devsw[ETHER].write = etherwrite;
}
