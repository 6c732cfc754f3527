// Every interrupt, exception and system call enters the kernel here.
//
// By the time a vector stub (vectors.S) jumps to alltraps, the stack holds
// what the CPU pushed (ss and esp only if it came from user mode, then
// eflags, cs, eip), an error code (the CPU's or a 0 from the stub, so the
// frame always has the same shape) and the vector number. alltraps adds
// the data segment registers and the general registers, which completes a
// struct trapframe (x86.h), and hands a pointer to it to trap() in C.
// trapret undoes all of it; a new process starts by "returning" through
// trapret with a trap frame that fork() or exec() prepared.

#include "mmu.h"

  .text
  .globl alltraps
alltraps:
  // Finish the trap frame, highest field first.
  pushl %gs
  pushl %fs
  pushl %es
  pushl %ds
  pushal

  // The CPU loaded the kernel code and stack segments from the IDT gate
  // and the TSS, but ds and es still hold whatever user mode had.
  movw $(SEG_KDATA<<3), %ax
  movw %ax, %ds
  movw %ax, %es

  // User code may leave the direction flag set, and gates do not clear
  // it; compiled C code assumes it is clear (string instructions).
  cld

  pushl %esp                // trap(tf): tf is the frame we just built
  call trap
  addl $4, %esp

  .globl trapret
trapret:
  popal
  popl %ds
  popl %es
  popl %fs
  popl %gs
  addl $8, %esp             // drop the vector number and the error code
  iret

// No executable stack needed (keeps ld from warning).
  .section .note.GNU-stack,"",@progbits
