// System calls about time, memory and processes.
//
// These are thin: each one fetches its arguments through syscall.c's
// arg*() helpers, which validate them, and leaves the real work to
// proc.c. Time crosses this interface in milliseconds. uptime() reads
// the calibrated millisecond clock of lapic.c directly; sleep() is
// proc.c's sleep_until() with a deadline on that same clock, not a count
// of timer ticks, because the first tick after the call can arrive at
// any moment and counting ticks would come up to one tick short. It ends
// at the first tick (1000/HZ ms apart) once the deadline has come.

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

// Block the current process for at least ms milliseconds, which must be
// below 2^31. The sleep has no channel, so only its deadline or kill()
// ends it: returns 0 on time, -1 early if the process is killed meanwhile.
static int
napms(uint ms)
{
  uint deadline = millis() + ms;

  while(!sleep_until(0, 0, deadline)){
    if(killed(myproc()))
      return -1;
  }
  return 0;
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
