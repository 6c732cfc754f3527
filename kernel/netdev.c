// The network-device seam: where NIC drivers meet the users of frames.
//
// As disk.c does for block devices, this file is the one place that knows
// which NIC the kernel has and who receives its frames. A driver fills in
// a struct netdev (net.h: name, MAC, transmit, info) and calls
// netdev_register() when the device is ready to receive; from then on it
// hands every good received frame to netdev_input(), and whoever sends
// (raw /dev/ether0 writers; from lab 3 on, the TCP/IP stack) goes through
// netdev_transmit(). Neither side names the other: a driver never calls
// ether.c, and ether.c never calls a driver.
//
// The receive contract, checked in netdev_input():
//   * a driver calls netdev_input() from its interrupt handler or its
//     poller, with its own spinlock held, so interrupts are off on this
//     CPU and nothing on the path may sleep;
//   * everything netdev_input() calls copies the frame into a queue of its
//     own and returns: the frame's memory is the driver's again once
//     netdev_input() returns, and the driver's lock is still held, so no
//     user may call back into the driver (to transmit, say) from there;
//   * a user whose queue is full drops the frame and counts the drop: a
//     slow reader never stalls the driver.
// A stack that must not run in an interrupt handler (lwIP, lab 3) thus
// gets frames from a queue that a thread of its own drains.
//
// Transmit is the other way round: netdev_transmit() may sleep until the
// driver has a free slot, so it is called from thread context only, with
// no spinlock held.
//
// One NIC is supported; a second registration is refused.

#include "types.h"
#include "param.h"
#include "mmu.h"
#include "spinlock.h"
#include "defs.h"
#include "x86.h"
#include "net.h"

static struct netdev *nic;        // the registered NIC, or 0

// Called by a driver once its device can receive: from here on frames may
// arrive through netdev_input(), and the device files go live.
void
netdev_register(struct netdev *dev)
{
  if(nic != 0){
    cprintf("netdev: %s ignored: only one NIC is supported\n", dev->name);
    return;
  }
  ether_init();
  // LAB 3: BEGIN
  netloss_init();
  // LAB 3: END
  nic = dev;
}

int
netdev_present(void)
{
  return nic != 0;
}

int
netdev_transmit(const void *frame, int len)
{
  if(nic == 0)
    return -1;
  if(!(readeflags() & FL_IF))
    panic("netdev_transmit: called with interrupts off (it may sleep)");
  if(len < ETH_FRAME_MIN || len > ETH_FRAME_MAX)
    return -1;
  // LAB 3: BEGIN
  if(netloss_drop(NETLOSS_TX))
    return len;                   // lost on the wire, as far as anyone knows
  // LAB 3: END
  return nic->transmit(frame, len);
}

int
netdev_info(struct netdev_info *ni)
{
  if(nic == 0)
    return -1;
  return nic->info(ni);
}

// Called by the driver for every good frame it receives (the contract is
// at the top of this file). The frame goes to every user of frames.
void
netdev_input(const uchar *frame, int len)
{
  if(readeflags() & FL_IF)
    panic("netdev_input: interrupts on (call it with the driver's lock held)");
  if(len < ETH_FRAME_MIN || len > ETH_FRAME_MAX)
    panic("netdev_input: bad length (the driver checks it)");
  // LAB 3: BEGIN
  if(netloss_drop(NETLOSS_RX))
    return;
  // LAB 3: END
  ether_deliver(frame, len);
  // LAB 3: BEGIN
  // The TCP/IP stack's queue (net/ethif.c); a no-op until the stack has
  // started (and always with net=off).
  ethif_deliver(frame, len);
  // LAB 3: END
}
