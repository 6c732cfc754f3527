// Sleeplocks: locks that may be held for a long time, across blocking.
//
// The buffer cache and the inode layer hold their locks while the disk
// works, which takes milliseconds. A spinlock is wrong for that: its
// holder must keep interrupts off, and the waiters would burn their CPUs
// (and the disk-done interrupt might never be taken). A sleeplock is
// instead a "held" flag plus the owner's pid, both guarded by a small
// spinlock that is only kept for the few instructions that look at them.
// A process that finds the flag set sleeps with the lock's address as its
// channel; releasing the lock wakes those sleepers and they race again.
//
// Waiting means sleep(), so sleeplocks belong to process context only,
// never to interrupt handlers.

#include "types.h"
#include "defs.h"
#include "param.h"
#include "x86.h"
#include "memlayout.h"
#include "mmu.h"
#include "proc.h"
#include "spinlock.h"
#include "sleeplock.h"

void
initsleeplock(struct sleeplock *sl, char *name)
{
  sl->name = name;
  sl->locked = 0;
  sl->pid = 0;
  initlock(&sl->lk, "sleeplock");
}

// The pid that owns what we take, or 0 when no process is running (the
// boot path may take a sleeplock before the first process exists).
static int
ownerpid(void)
{
  struct proc *p = myproc();

  return p ? p->pid : 0;
}

// Claim sl if it is free. Caller holds sl->lk.
static int
tryclaim(struct sleeplock *sl)
{
  if(sl->locked)
    return 0;
  sl->locked = 1;
  sl->pid = ownerpid();
  return 1;
}

void
acquiresleep(struct sleeplock *sl)
{
  acquire(&sl->lk);
  // sleep() drops sl->lk while we are parked and retakes it before it
  // returns, so each retry looks at the flag under the spinlock again.
  // Being woken only says the lock was freed, not that it is still free.
  while(!tryclaim(sl))
    sleep(sl, &sl->lk);
  release(&sl->lk);
}

void
releasesleep(struct sleeplock *sl)
{
  acquire(&sl->lk);
  if(!sl->locked)
    panic("releasesleep: lock is free");
  sl->pid = 0;
  sl->locked = 0;
  // Any waiter saw the flag set while it held sl->lk, and sleep() parked
  // it before sl->lk came free, so this wakeup is sure to find it.
  wakeup(sl);
  release(&sl->lk);
}

// Does the calling process own sl? Meant for assertions.
int
holdingsleep(struct sleeplock *sl)
{
  // Read without sl->lk: only the holder sets pid to its own pid and
  // only it clears it again, so if we hold sl both words stay as we left
  // them, and if we do not, no other thread can make pid equal ours. A
  // racing change by others can only turn one "no" into another. Taking
  // the spinlock here cost two cli/sti pairs per call, and lwIP asks on
  // every core-lock check and mutex operation (kernel/net/sys_arch.c).
  return *(volatile uint*)&sl->locked &&
         *(volatile int*)&sl->pid == ownerpid();
}
