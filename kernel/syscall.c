// System call dispatch and argument fetching.
//
// User code calls a stub in usys.S that puts the call number in %eax and
// executes `int $T_SYSCALL`; the C arguments are where the C calling
// convention left them, on the user stack just above the stub's return
// address: argument n is at tf->esp + 4 + 4*n. The return value goes back
// in the trap frame's %eax.
//
// Everything a process hands the kernel is untrusted. Each user address
// is checked with uaccess_ok() (vm.c: inside the process's memory, on
// pages user code may touch) before the kernel reads it, so a bad pointer
// makes the system call fail with -1 and never faults in the kernel. The
// reads themselves are plain loads: during a system call the process's
// page directory is the one loaded, so user addresses work as they are.

#include "types.h"
#include "defs.h"
#include "param.h"
#include "memlayout.h"
#include "mmu.h"
#include "proc.h"
#include "x86.h"
#include "syscall.h"

// Read the int at user address addr.
int
fetchint(uint addr, int *ip)
{
  if(!uaccess_ok(myproc(), addr, sizeof(int)))
    return -1;
  *ip = *(int*)addr;
  return 0;
}

// Point *pp at the NUL-terminated string at user address addr, after
// checking that all of it, terminator included, is user memory. Returns
// the string's length, or -1. The string is checked page by page as the
// scan reaches each page, so a string that runs into unmapped or guard
// memory is refused before the kernel touches that memory.
int
fetchstr(uint addr, char **pp)
{
  struct proc *p = myproc();
  uint a;

  for(a = addr; ; a++){
    if((a == addr || a % PGSIZE == 0) && !uaccess_ok(p, a, 1))
      return -1;
    if(*(char*)a == 0){
      *pp = (char*)addr;
      return a - addr;
    }
  }
}

// The user address of the n'th argument slot.
static uint
argslot(int n)
{
  return myproc()->tf->esp + 4 + 4*n;
}

// The n'th argument as an int.
int
argint(int n, int *ip)
{
  return fetchint(argslot(n), ip);
}

// The n'th argument as a user address, not checked yet: the caller passes
// it to copyout()/either_copyout(), which check it, and 0 may be allowed
// (wait(0)). Only the argument slot itself is validated here.
int
argaddr(int n, uint *ap)
{
  return fetchint(argslot(n), (int*)ap);
}

// The n'th argument as a pointer to a user block of size bytes, all of
// which must be user memory.
int
argptr(int n, char **pp, int size)
{
  int i;

  if(argint(n, &i) < 0)
    return -1;
  if(size < 0 || !uaccess_ok(myproc(), (uint)i, size))
    return -1;
  *pp = (char*)i;
  return 0;
}

// The n'th argument as a NUL-terminated user string. Returns its length
// or -1.
int
argstr(int n, char **pp)
{
  int addr;

  if(argint(n, &addr) < 0)
    return -1;
  return fetchstr(addr, pp);
}

// Process calls (sysproc.c)
extern int sys_fork(void);
extern int sys_exit(void);
extern int sys_wait(void);
extern int sys_kill(void);
extern int sys_getpid(void);
extern int sys_sbrk(void);
extern int sys_sleep(void);
extern int sys_uptime(void);

// File calls (sysfile.c)
extern int sys_pipe(void);
extern int sys_read(void);
extern int sys_exec(void);
extern int sys_fstat(void);
extern int sys_chdir(void);
extern int sys_dup(void);
extern int sys_open(void);
extern int sys_write(void);
extern int sys_mknod(void);
extern int sys_unlink(void);
extern int sys_link(void);
extern int sys_mkdir(void);
extern int sys_close(void);

static int (*syscalls[])(void) = {
[SYS_fork]    sys_fork,
[SYS_exit]    sys_exit,
[SYS_wait]    sys_wait,
[SYS_pipe]    sys_pipe,
[SYS_read]    sys_read,
[SYS_kill]    sys_kill,
[SYS_exec]    sys_exec,
[SYS_fstat]   sys_fstat,
[SYS_chdir]   sys_chdir,
[SYS_dup]     sys_dup,
[SYS_getpid]  sys_getpid,
[SYS_sbrk]    sys_sbrk,
[SYS_sleep]   sys_sleep,
[SYS_uptime]  sys_uptime,
[SYS_open]    sys_open,
[SYS_write]   sys_write,
[SYS_mknod]   sys_mknod,
[SYS_unlink]  sys_unlink,
[SYS_link]    sys_link,
[SYS_mkdir]   sys_mkdir,
[SYS_close]   sys_close,
};

void
syscall(void)
{
  struct proc *p = myproc();
  uint num;

  num = p->tf->eax;
  if(num > 0 && num < NELEM(syscalls) && syscalls[num]){
    p->tf->eax = syscalls[num]();
  } else {
    cprintf("pid %d %s: unknown sys call %d\n", p->pid, p->name, num);
    p->tf->eax = -1;
  }
}
