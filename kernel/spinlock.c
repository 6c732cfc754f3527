// Spinlocks: mutual exclusion between CPUs for short critical sections.
//
// The lock is one word, 0 when free and 1 when held. To take it a CPU
// atomically swaps in a 1 (xchg); if the old value was 0 the lock is now
// its own. While it is taken we do not keep hammering it with locked
// swaps, which would make every waiting CPU fight over the cache line:
// we wait with plain reads until the word looks free, and only then try
// the swap again ("test and test-and-set").
//
// A CPU holding a spinlock runs with interrupts off. If it did not, an
// interrupt handler on the same CPU might want the same lock and would
// spin forever against the thread it interrupted. pushcli() and popcli()
// count how many locks this CPU holds, so interrupts come back on only
// when the last one is released, and only if they were on before the
// first one was taken. That count lives in struct cpu.
//
// For diagnosis each lock also records the CPU that holds it and the
// chain of return addresses of the code that took it.
//
// The file reads bottom-up: interrupt nesting first, then the diagnostic
// helpers, then the lock operations built on them.

#include "types.h"
#include "defs.h"
#include "param.h"
#include "x86.h"
#include "memlayout.h"
#include "mmu.h"
#include "proc.h"
#include "spinlock.h"

#define NPCS 10         // entries in spinlock.pcs[]

// Turn interrupts off and count one more level of nesting. The outermost
// call records whether they were on, for the last popcli().
void
pushcli(void)
{
  int wason = (readeflags() & FL_IF) != 0;
  struct cpu *c;

  cli();
  c = mycpu();
  if(c->ncli == 0)
    c->intena = wason;
  c->ncli += 1;
}

// Undo one pushcli(). Only the outermost one may turn interrupts back on.
void
popcli(void)
{
  struct cpu *c;

  if(readeflags() & FL_IF)
    panic("popcli: interrupts on inside a cli section");
  c = mycpu();
  if(c->ncli <= 0)
    panic("popcli: more pops than pushes");
  c->ncli -= 1;
  if(c->ncli > 0)
    return;
  if(c->intena)
    sti();
}

// Is lk held by this CPU?
int
holding(struct spinlock *lk)
{
  int mine;

  pushcli();                    // mycpu() must not move under us
  mine = lk->locked != 0 && lk->cpu == mycpu();
  popcli();
  return mine;
}

// Could ebp be the frame pointer of a kernel stack frame? The walk ends at
// 0 (the entry code clears %ebp) or at anything outside kernel memory.
static int
plausibleframe(uint *ebp)
{
  return (uint)ebp >= KERNBASE && (uint)ebp != 0xffffffff;
}

// Fill pcs[] with the return addresses of the current call chain. v is the
// address of the first argument of some function; its saved %ebp is two
// words below v and its return address one word below. The kernel keeps
// frame pointers (-fno-omit-frame-pointer), so each saved %ebp leads to
// the caller's frame. Unused entries are set to 0.
void
getcallerpcs(void *v, uint pcs[])
{
  uint *ebp = (uint*)v - 2;
  int n;

  for(n = 0; n < NPCS; n++)
    pcs[n] = 0;
  for(n = 0; n < NPCS && plausibleframe(ebp); n++){
    pcs[n] = ebp[1];
    ebp = (uint*)ebp[0];
  }
}

void
initlock(struct spinlock *lk, char *name)
{
  lk->locked = 0;
  lk->cpu = 0;
  lk->name = name;
}

// Spin until the lock word goes from 0 to 1 under our own xchg.
static void
spin(struct spinlock *lk)
{
  volatile uint *word = &lk->locked;

  while(xchg(word, 1) == 1){
    while(*word)
      asm volatile("pause");    // tells the CPU this is a wait loop
  }
}

// Take lk. Interrupts on this CPU stay off until the matching release().
void
acquire(struct spinlock *lk)
{
  pushcli();
  if(holding(lk))
    panic("acquire: this cpu already holds the lock");
  spin(lk);
  // From here on the critical section may load and store. The barrier
  // stops the compiler from hoisting any of that above the point where
  // we own the lock; the CPU would not anyway, as xchg is locked.
  __sync_synchronize();
  lk->cpu = mycpu();
  getcallerpcs((uint*)__builtin_frame_address(0) + 2, lk->pcs);
}

// Let go of lk; if it was this CPU's last lock, interrupts return to the
// state they had before its first.
void
release(struct spinlock *lk)
{
  if(!holding(lk))
    panic("release: lock not held by this cpu");
  lk->cpu = 0;
  lk->pcs[0] = 0;
  // Stores made in the critical section must reach memory before other
  // CPUs can see the word as 0. xchg is a full barrier for the CPU and,
  // through its "memory" clobber, for the compiler, and it writes the
  // word in one indivisible access.
  xchg(&lk->locked, 0);
  popcli();
}
