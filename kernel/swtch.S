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
// saved explicitly: it is the return address the call pushed, which sits
// just above the four words stored below it, so the whole is exactly a
// struct context (proc.h), lowest address first: ebx, ebp, esi, edi, eip.
// The final ret resumes the other thread at its own saved eip.

  .text
  .globl swtch
swtch:
  movl 4(%esp), %ecx        // old: where to leave a pointer to our context
  movl 8(%esp), %eax        // new: the context to resume

  // Save this thread's registers below its return address.
  subl $16, %esp
  movl %ebx, 0(%esp)
  movl %ebp, 4(%esp)
  movl %esi, 8(%esp)
  movl %edi, 12(%esp)
  movl %esp, (%ecx)

  // Take up the other thread's stack and registers.
  movl %eax, %esp
  movl 0(%esp), %ebx
  movl 4(%esp), %ebp
  movl 8(%esp), %esi
  movl 12(%esp), %edi
  addl $16, %esp
  ret

// No executable stack needed (keeps ld from warning).
  .section .note.GNU-stack,"",@progbits
