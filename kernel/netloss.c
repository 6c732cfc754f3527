// netloss.c: seeded frame loss in the network-device seam, for testing
// how a stack copes with a lossy wire (lab 3's loss test; handy when you
// debug retransmission by hand).
//
//   netloss=P    drop P percent (0..50) of the frames in each direction
//   netseed=S    the seed of the generator (default 1)
//
// QEMU's user-mode network never loses a frame, so without this a TCP's
// retransmission timers, and the timed waits under them, are never run.
// netdev.c asks netloss_drop() once per frame received (before any user
// of frames sees it) and once per frame sent (before the driver sees it;
// the sender is told the frame went). The same seed and the same frames
// give the same drops, so a failure reproduces from its command line.
//
// The generator is a 32-bit xorshift, one state for both directions,
// stepped under a spinlock: receive calls come from interrupt handlers,
// sends from threads on any CPU.

#include "types.h"
#include "param.h"
#include "spinlock.h"
#include "defs.h"
#include "net.h"

#define NETLOSS_MAX 50            // percent; more would be no network at all

static struct {
  struct spinlock lock;
  uint percent;                   // 0: off
  uint state;                     // xorshift state, never 0
  uint dropped[2];                // by direction: NETLOSS_RX, NETLOSS_TX
} loss;

// Parse a decimal word of the command line; returns -1 if absent or bad.
static int
cmdline_uint(const char *key)
{
  char val[12], *p;
  int v = 0;

  if(!cmdline_get(key, val, sizeof(val)) || val[0] == 0)
    return -1;
  for(p = val; *p; p++){
    if(*p < '0' || *p > '9' || v > 100000000)
      return -1;
    v = v*10 + (*p - '0');
  }
  return v;
}

// Called once by netdev_register().
void
netloss_init(void)
{
  int p, s;

  initlock(&loss.lock, "netloss");
  if((p = cmdline_uint("netloss")) <= 0)
    return;
  if(p > NETLOSS_MAX){
    cprintf("netloss=%d: at most %d; using %d\n", p, NETLOSS_MAX, NETLOSS_MAX);
    p = NETLOSS_MAX;
  }
  s = cmdline_uint("netseed");
  loss.state = s > 0 ? s : 1;
  loss.percent = p;
  cprintf("netloss: dropping %d%% of frames each way (netseed=%d)\n",
          p, loss.state);
}

static uint
xorshift(void)
{
  uint x = loss.state;

  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return loss.state = x;
}

// Should this frame (dir: NETLOSS_RX or NETLOSS_TX) be lost?
int
netloss_drop(int dir)
{
  int drop;

  if(loss.percent == 0)
    return 0;
  acquire(&loss.lock);
  drop = xorshift() % 100 < loss.percent;
  if(drop)
    loss.dropped[dir]++;
  release(&loss.lock);
  return drop;
}

// Frames dropped so far in direction dir (for ifconfig).
uint
netloss_count(int dir)
{
  return loss.dropped[dir];
}
