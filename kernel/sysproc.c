// System calls about processes and time.
//
// Each sys_ function fetches its arguments from the user stack (syscall.c
// checks them) and calls the matching function in proc.c, which does the
// work. Time is in milliseconds at this interface: sleep(ms) waits on the
// timer tick (HZ per second) and both sleep() and uptime() read the
// calibrated millisecond clock of lapic.c.

#include "types.h"
#include "x86.h"
#include "defs.h"
#include "param.h"
#include "memlayout.h"
#include "mmu.h"
#include "proc.h"
#include "spinlock.h"

int
sys_fork(void)
{
  return fork();
}

int
sys_exit(void)
{
  int status;

  if(argint(0, &status) < 0)
    status = -1;
  exit(status);
}

// wait(int *status): status may be 0 when the caller does not care.
int
sys_wait(void)
{
  uint addr;

  if(argaddr(0, &addr) < 0)
    return -1;
  return wait(addr);
}

int
sys_kill(void)
{
  int pid;

  if(argint(0, &pid) < 0)
    return -1;
  return kill(pid);
}

int
sys_getpid(void)
{
  return myproc()->pid;
}

// sbrk(n): grow (or, for n < 0, shrink) the heap by n bytes; returns the
// old end of memory, which is where the new bytes start.
int
sys_sbrk(void)
{
  int n;
  uint addr;

  if(argint(0, &n) < 0)
    return -1;
  addr = myproc()->sz;
  if(growproc(n) < 0)
    return -1;
  return addr;
}

// sleep(ms): returns 0 after at least ms milliseconds, or -1 at once if
// the process is killed while it waits. The process sleeps on &ticks, so
// it is woken every timer tick (1000/HZ ms), and it judges the time with
// the calibrated millisecond clock rather than by counting ticks: the
// first tick can come at any point after the call, so n ticks may be up
// to one tick short of n*1000/HZ milliseconds.
int
sys_sleep(void)
{
  int ms;
  uint start;

  if(argint(0, &ms) < 0 || ms < 0)
    return -1;
  acquire(&tickslock);
  start = millis();
  while(millis() - start < (uint)ms){
    if(killed(myproc())){
      release(&tickslock);
      return -1;
    }
    sleep(&ticks, &tickslock);
  }
  release(&tickslock);
  return 0;
}

// uptime(): milliseconds since boot.
int
sys_uptime(void)
{
  return millis();
}
