// swtch(struct context **old, struct context *new)
//
// The kernel's only context switch: between a process's kernel thread and
// its CPU's scheduler thread. The caller's state is saved as a struct
// context on the caller's own stack, and *old is set to point at it; then
// the stack pointer moves to new and the state saved there is resumed.
//
// Only the callee-saved registers need saving: swtch() is an ordinary C
// call, so the compiler already treats eax, ecx and edx as clobbered, and
// the segment registers are the same in every kernel thread. eip is not
// saved explicitly: it is the return address the call pushed, and the
// final ret jumps to the return address stored in new. The push order
// below builds exactly struct context (proc.h), lowest address first:
// edi, esi, ebx, ebp, eip.

  .text
  .globl swtch
swtch:
  movl 4(%esp), %eax        // old
  movl 8(%esp), %edx        // new

  // Save the current thread: its return eip is already on the stack.
  pushl %ebp
  pushl %ebx
  pushl %esi
  pushl %edi
  movl %esp, (%eax)

  // Resume the other thread, on its own stack.
  movl %edx, %esp
  popl %edi
  popl %esi
  popl %ebx
  popl %ebp
  ret

// No executable stack needed (keeps ld from warning).
  .section .note.GNU-stack,"",@progbits
