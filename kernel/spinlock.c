// Spinlocks: short-term mutual exclusion between CPUs.
//
// A spinlock is one word that is 0 when free and 1 when held. A CPU takes
// it with an atomic exchange and retries until the old value was 0. While
// a CPU holds any spinlock its interrupts are off: otherwise an interrupt
// handler on the same CPU could try to take the lock it interrupted, and
// spin forever waiting for itself.
//
// Interrupts are switched off by pushcli() and back on by popcli(), which
// nest: a CPU holding two locks re-enables interrupts only when it lets go
// of the second, and only if they were on before the first. The nesting
// depth and the "were they on?" bit live in struct cpu, which is why
// mycpu() has to be called with interrupts already off (a timer tick could
// otherwise move the code to another CPU between reading and using it).
//
// Each lock also remembers which CPU holds it and the call chain that took
// it, so a deadlock or a double acquire can be diagnosed from a panic.

#include "types.h"
#include "defs.h"
#include "param.h"
#include "x86.h"
#include "memlayout.h"
#include "mmu.h"
#include "proc.h"
#include "spinlock.h"

void
initlock(struct spinlock *lk, char *name)
{
  lk->name = name;
  lk->locked = 0;
  lk->cpu = 0;
}

// Take the lock, spinning until it is free. Interrupts stay off on this
// CPU until the matching release().
void
acquire(struct spinlock *lk)
{
  pushcli();
  if(holding(lk))
    panic("acquire: lock already held by this cpu");

  // xchg is a locked read-modify-write, so exactly one CPU sees the
  // 0 -> 1 transition even if several race for the lock.
  while(xchg(&lk->locked, 1) != 0)
    ;

  // Full barrier: keep the compiler and the CPU from moving any load or
  // store of the critical section above this point, i.e. before we own
  // the lock. (x86's locked xchg already orders memory for the CPU; the
  // builtin also stops the compiler, and documents the intent.)
  __sync_synchronize();

  lk->cpu = mycpu();
  getcallerpcs(&lk, lk->pcs);
}

// Let go of the lock and, if this was the outermost one, restore the
// interrupt state the CPU had before it was taken.
void
release(struct spinlock *lk)
{
  if(!holding(lk))
    panic("release: lock not held");

  lk->pcs[0] = 0;
  lk->cpu = 0;

  // Full barrier: every store made inside the critical section must be
  // visible to other CPUs before they can see the lock as free.
  __sync_synchronize();

  // A plain C assignment might be split or reordered by the compiler;
  // one movl to the lock word is atomic on x86 and cannot be.
  asm volatile("movl $0, %0" : "+m" (lk->locked) : );

  popcli();
}

// Record the return addresses of the current call chain in pcs[], by
// following the saved frame pointers (the kernel is compiled with
// -fno-omit-frame-pointer). v is the address of the first argument of
// the function whose callers we want: that function's saved %ebp sits
// two words below it, and its return address one word below.
void
getcallerpcs(void *v, uint pcs[])
{
  uint *ebp;
  int i;

  ebp = (uint*)v - 2;
  for(i = 0; i < 10; i++){
    // Stop at the end of the chain (entry code sets %ebp to 0) or at
    // anything that cannot be a kernel stack address.
    if(ebp == 0 || (uint)ebp < KERNBASE || (uint)ebp == 0xffffffff)
      break;
    pcs[i] = ebp[1];
    ebp = (uint*)ebp[0];
  }
  for(; i < 10; i++)
    pcs[i] = 0;
}

// Does this CPU hold the lock?
int
holding(struct spinlock *lk)
{
  int r;

  pushcli();
  r = lk->locked && lk->cpu == mycpu();
  popcli();
  return r;
}

// Interrupts off, counting how deep we are. The first pushcli on a CPU
// remembers whether interrupts were on, so the last popcli can restore it.
void
pushcli(void)
{
  uint eflags;
  struct cpu *c;

  eflags = readeflags();
  cli();
  c = mycpu();
  if(c->ncli == 0)
    c->intena = eflags & FL_IF;
  c->ncli++;
}

void
popcli(void)
{
  struct cpu *c;

  if(readeflags() & FL_IF)
    panic("popcli: interrupts enabled");
  c = mycpu();
  if(--c->ncli < 0)
    panic("popcli: not pushed");
  if(c->ncli == 0 && c->intena)
    sti();
}
