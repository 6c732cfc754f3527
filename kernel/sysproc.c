// System calls about time, memory and processes.
//
// These are thin: each one fetches its arguments through syscall.c's
// arg*() helpers, which validate them, and leaves the real work to
// proc.c. Time crosses this interface in milliseconds. uptime() reads
// the calibrated millisecond clock of lapic.c directly; sleep() waits on
// the timer tick (HZ per second) but measures the time with that same
// clock, because the first tick after the call can arrive at any moment
// and counting ticks would come up to one tick short.

#include "types.h"
#include "x86.h"
#include "defs.h"
#include "param.h"
#include "memlayout.h"
#include "mmu.h"
#include "proc.h"
#include "spinlock.h"

// ---- Time ----

// uptime(): milliseconds since boot.
int
sys_uptime(void)
{
  return millis();
}

// Block the current process for at least ms milliseconds. Every timer
// tick wakes all sleepers on &ticks, so we look at the clock each time
// and go back to sleep if the time is not up. Returns -1 early if the
// process is killed meanwhile.
static int
napms(uint ms)
{
  uint start;
  int r = 0;

  acquire(&tickslock);
  start = millis();
  while(millis() - start < ms){
    if(killed(myproc())){
      r = -1;
      break;
    }
    sleep(&ticks, &tickslock);
  }
  release(&tickslock);
  return r;
}

// sleep(ms): 0 after at least ms milliseconds, -1 for a negative ms or if
// the process is killed while it waits.
int
sys_sleep(void)
{
  int ms;

  if(argint(0, &ms) != 0 || ms < 0)
    return -1;
  return napms(ms);
}

// ---- Memory ----

// sbrk(n): move the end of the heap by n bytes (n < 0 shrinks it) and
// return the old end, which is where any new bytes begin.
int
sys_sbrk(void)
{
  struct proc *p = myproc();
  uint oldend;
  int n;

  if(argint(0, &n) != 0)
    return -1;
  oldend = p->sz;
  return growproc(n) == 0 ? (int)oldend : -1;
}

// ---- Life cycle ----

int
sys_getpid(void)
{
  return myproc()->pid;
}

int
sys_fork(void)
{
  return fork();
}

// exit(status). A status that cannot be read is reported as -1.
int
sys_exit(void)
{
  int status;

  if(argint(0, &status) != 0)
    status = -1;
  exit(status);
}

// wait(int *status); status may be 0 if the caller does not want it.
int
sys_wait(void)
{
  uint status;

  return argaddr(0, &status) == 0 ? wait(status) : -1;
}

int
sys_kill(void)
{
  int victim;

  return argint(0, &victim) == 0 ? kill(victim) : -1;
}
