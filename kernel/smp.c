// Starting the other CPUs.
//
// The boot CPU runs main(); the others (application processors, APs) sit
// halted until their local APIC receives INIT and start-up IPIs naming a
// page below 1 MiB, where they begin in real mode. startothers() places the
// start-up code of entryother.S at 0x7000 (memory below 1 MiB that kalloc
// never hands out) and wakes the APs one at a time, each with its own
// kernel stack, waiting for each to report in (cpu->started, set once it
// has entered the scheduler's setup) before starting the next, because
// they all share the argument words at 0x7000.
//
// An AP that does not report in within about a second is given up for
// lost, and no further AP is started: the lost one might still wake up and
// read the shared argument words. The system carries on with the CPUs it
// has.

#include "types.h"
#include "param.h"
#include "memlayout.h"
#include "mmu.h"
#include "proc.h"
#include "x86.h"
#include "defs.h"

#define TRAMPOLINE 0x7000

// The start-up code, as the linker placed it (entryother_blob.S).
extern uchar entryother_start[], entryother_end[];

// Wait for c to start. The start-up IPIs take a few hundred microseconds;
// bound the wait by the time-stamp counter, which ticks at least 10^8
// times a second on any CPU with a local APIC worth starting.
static int
waitstarted(struct cpu *c)
{
  uint64 t0 = rdtsc();

  while(!c->started)
    if(rdtsc() - t0 > 2000000000ULL)
      return -1;
  return 0;
}

// The page directory the APs turn paging on with: the first 4 MiB at 0
// (where entryother runs) and at KERNBASE (where it continues).
static pde_t*
bootpgdir(void)
{
  pde_t *pd;

  if((pd = (pde_t*)kalloc()) == 0)
    panic("startothers: no memory");
  memset(pd, 0, PGSIZE);
  pd[0] = 0 | PTE_P | PTE_W | PTE_PS;
  pd[PDX(KERNBASE)] = 0 | PTE_P | PTE_W | PTE_PS;
  return pd;
}

void
startothers(void)
{
  uchar *code;
  uint *args;
  struct cpu *c;
  char *stack;
  pde_t *pd;
  int n;

  if(ncpu <= 1)
    return;
  code = P2V(TRAMPOLINE);
  if(entryother_end - entryother_start > PGSIZE)
    panic("startothers: trampoline too big");
  memmove(code, entryother_start, entryother_end - entryother_start);
  pd = bootpgdir();
  args = (uint*)code;

  n = 1;
  for(c = cpus; c < cpus + ncpu; c++){
    if(c == mycpu())
      continue;
    if((stack = kalloc()) == 0)
      panic("startothers: no memory for a stack");
    args[-1] = (uint)(stack + PGSIZE);
    args[-2] = (uint)mpenter;
    args[-3] = V2P(kpgdir);
    args[-4] = V2P(pd);

    lapicstartap(c->apicid, TRAMPOLINE);
    if(waitstarted(c) < 0){
      // It may still wake up later and use this stack, and the argument
      // words the next AP would be given: leave both be and start no more.
      cprintf("cpu with apic id %d did not start; starting no others\n",
              c->apicid);
      break;
    }
    n++;
  }
  // Every started AP has switched to kpgdir; a lost one keeps pd.
  if(n == ncpu)
    kfree((char*)pd);
  cprintf("smp: %d of %d cpus running\n", n, ncpu);
}
