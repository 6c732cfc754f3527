// System call stubs, one per SYS_* number in syscall.h.
//
// The calling convention is cdecl all the way into the kernel: the
// arguments stay where the C caller pushed them on the user stack, the
// kernel reads them from there (argint/argptr), so a stub only has to put
// the call number in %eax and trap. The result comes back in %eax, which
// is also where cdecl expects a function's return value.

#include "syscall.h"
#include "traps.h"

#define SYSCALL(name)           \
  .globl name;                  \
  .type name, @function;        \
  name:                         \
    movl $SYS_ ## name, %eax;   \
    int $T_SYSCALL;             \
    ret;                        \
  .size name, . - name

SYSCALL(fork)
SYSCALL(exit)
SYSCALL(wait)
SYSCALL(pipe)
SYSCALL(read)
SYSCALL(write)
SYSCALL(close)
SYSCALL(kill)
SYSCALL(exec)
SYSCALL(open)
SYSCALL(mknod)
SYSCALL(unlink)
SYSCALL(fstat)
SYSCALL(link)
SYSCALL(mkdir)
SYSCALL(chdir)
SYSCALL(dup)
SYSCALL(getpid)
SYSCALL(sbrk)
SYSCALL(sleep)
SYSCALL(uptime)
// LAB 4: BEGIN
SYSCALL(seek)
SYSCALL(select)
SYSCALL(socket)
SYSCALL(bind)
SYSCALL(listen)
SYSCALL(connect)
SYSCALL(accept)
SYSCALL(send)
SYSCALL(recv)
SYSCALL(sendto)
SYSCALL(recvfrom)
// LAB 4: END

// The stubs need no executable stack; say so, or ld warns.
.section .note.GNU-stack,"",@progbits
