// System call dispatch and argument fetching.
//
// A user program calls a stub in usys.S, which loads the call number into
// %eax and executes `int $T_SYSCALL`. trap.c hands the trap to syscall()
// below, which looks the number up in calltab[] and stores the handler's
// result in the saved %eax, where the stub's caller finds it.
//
// The handlers take no C arguments. The user's arguments are still where
// the user-mode call put them: on the user stack, just above the stub's
// return address, so argument n is the word at tf->esp + 4 + 4*n. The
// arg*() helpers below fetch them.
//
// Nothing that comes from user space is trusted. Every user address is
// checked with uaccess_ok() (vm.c: below p->sz and on a page user code may
// touch) before the kernel dereferences it, so a bad pointer makes the
// call return -1 instead of faulting in the kernel. Once checked, a user
// address can be read directly: during a system call the process's own
// page directory is loaded.

#include "types.h"
#include "defs.h"
#include "param.h"
#include "memlayout.h"
#include "mmu.h"
#include "proc.h"
#include "x86.h"
#include "syscall.h"

// Handlers, in system call number order. The process calls live in
// sysproc.c, the file calls in sysfile.c (select in select.c), the socket
// calls in sysnet.c.
int sys_fork(void);
int sys_exit(void);
int sys_wait(void);
int sys_pipe(void);
int sys_read(void);
int sys_kill(void);
int sys_exec(void);
int sys_fstat(void);
int sys_chdir(void);
int sys_dup(void);
int sys_getpid(void);
int sys_sbrk(void);
int sys_sleep(void);
int sys_uptime(void);
int sys_open(void);
int sys_write(void);
int sys_mknod(void);
int sys_unlink(void);
int sys_link(void);
int sys_mkdir(void);
int sys_close(void);
// LAB 4: BEGIN
int sys_seek(void);
int sys_select(void);
int sys_socket(void);
int sys_bind(void);
int sys_listen(void);
int sys_connect(void);
int sys_accept(void);
int sys_send(void);
int sys_recv(void);
int sys_sendto(void);
int sys_recvfrom(void);
// LAB 4: END

struct callentry {
  char *name;                   // for diagnostics
  int (*handler)(void);
};

// Indexed by call number; numbers with no entry (0, gaps) are invalid.
#define CALL(c) [SYS_##c] = { #c, sys_##c }
static const struct callentry calltab[] = {
  CALL(fork),   CALL(exit),   CALL(wait),   CALL(kill),
  CALL(getpid), CALL(sbrk),   CALL(sleep),  CALL(uptime),
  CALL(pipe),   CALL(read),   CALL(write),  CALL(open),
  CALL(close),  CALL(dup),    CALL(fstat),  CALL(exec),
  CALL(chdir),  CALL(mknod),  CALL(unlink), CALL(link),
  CALL(mkdir),
  // LAB 4: BEGIN
  CALL(seek),   CALL(select), CALL(socket), CALL(bind),
  CALL(listen), CALL(connect), CALL(accept), CALL(send),
  CALL(recv),   CALL(sendto), CALL(recvfrom),
  // LAB 4: END
};
#undef CALL

// The table entry for call number num, or 0 if there is none.
static const struct callentry*
findcall(uint num)
{
  if(num >= NELEM(calltab) || calltab[num].handler == 0)
    return 0;
  return &calltab[num];
}

// Run the system call the current process asked for in %eax.
void
syscall(void)
{
  struct proc *p = myproc();
  struct trapframe *tf = p->tf;
  const struct callentry *call = findcall(tf->eax);

  if(call == 0){
    cprintf("pid %d %s: unknown sys call %d\n", p->pid, p->name, tf->eax);
    tf->eax = -1;
    return;
  }
  tf->eax = call->handler();
}

// Load the int at user address addr into *ip. Returns 0, or -1 if those
// four bytes are not all user memory.
int
fetchint(uint addr, int *ip)
{
  if(!uaccess_ok(myproc(), addr, sizeof(*ip)))
    return -1;
  *ip = *(int*)addr;
  return 0;
}

// Point *pp at the NUL-terminated string at user address addr. Returns the
// string's length, or -1 unless all of it, terminator included, is user
// memory. The check is made for each page as the scan first reaches it,
// so the kernel never reads a byte of a page it has not checked; the scan
// also stops at p->sz, because the last page is mapped to its end even
// when sz is not page-aligned, and the bytes past sz are not the process's.
int
fetchstr(uint addr, char **pp)
{
  struct proc *p = myproc();
  uint a;

  for(a = addr; a < p->sz; a++){
    if((a == addr || a % PGSIZE == 0) && !uaccess_ok(p, a, 1))
      return -1;
    if(*(char*)a == 0){
      *pp = (char*)addr;
      return a - addr;
    }
  }
  return -1;
}

// User address of argument n's slot on the user stack.
static uint
argslot(int n)
{
  return myproc()->tf->esp + 4 + 4*n;
}

// Argument n as an int.
int
argint(int n, int *ip)
{
  return fetchint(argslot(n), ip);
}

// Argument n as a user address, not yet checked: whoever uses it checks
// it (copyout(), either_copyout()), and some calls accept 0 (wait(0)).
// Only the argument slot itself is validated here.
int
argaddr(int n, uint *ap)
{
  return fetchint(argslot(n), (int*)ap);
}

// Argument n as a pointer to size bytes, every one of them user memory.
int
argptr(int n, char **pp, int size)
{
  uint a;

  if(size < 0 || argaddr(n, &a) < 0)
    return -1;
  if(!uaccess_ok(myproc(), a, size))
    return -1;
  *pp = (char*)a;
  return 0;
}

// Argument n as a NUL-terminated user string. Returns its length or -1.
int
argstr(int n, char **pp)
{
  uint a;

  if(argaddr(n, &a) < 0)
    return -1;
  return fetchstr(a, pp);
}
