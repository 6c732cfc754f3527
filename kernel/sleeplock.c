// Sleeplocks: long-term locks for code that may block while holding them.
//
// The file system keeps a buffer or an inode locked across disk reads,
// which take milliseconds; spinning (with interrupts off!) that long would
// waste a CPU and could deadlock on the very interrupt the disk needs. A
// sleeplock is a "locked" flag guarded by a spinlock: a process that finds
// it taken sleeps on the lock's address and is woken by releasesleep().
// Sleeplocks may only be used in process context, never in an interrupt
// handler, because waiting means calling sleep().

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
initsleeplock(struct sleeplock *lk, char *name)
{
  initlock(&lk->lk, "sleep lock");
  lk->name = name;
  lk->locked = 0;
  lk->pid = 0;
}

void
acquiresleep(struct sleeplock *lk)
{
  acquire(&lk->lk);
  // sleep() gives up lk->lk while asleep and retakes it before returning,
  // so the flag is re-tested under the spinlock every time we wake: a
  // wakeup only means "it may be free now".
  while(lk->locked)
    sleep(lk, &lk->lk);
  lk->locked = 1;
  lk->pid = myproc() ? myproc()->pid : 0;
  release(&lk->lk);
}

void
releasesleep(struct sleeplock *lk)
{
  acquire(&lk->lk);
  if(!lk->locked)
    panic("releasesleep: not held");
  lk->locked = 0;
  lk->pid = 0;
  wakeup(lk);
  release(&lk->lk);
}

// Does the current process hold the lock? (For assertions: other
// processes' claims are not interesting.)
int
holdingsleep(struct sleeplock *lk)
{
  int r;

  acquire(&lk->lk);
  r = lk->locked && lk->pid == (myproc() ? myproc()->pid : 0);
  release(&lk->lk);
  return r;
}
