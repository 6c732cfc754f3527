// The AP start-up code (entryother.S), built as a flat binary linked at
// 0x7000, carried in the kernel image between these two labels for smp.c
// to copy into low memory.

.section .rodata
.globl entryother_start
.globl entryother_end
.p2align 2
entryother_start:
  .incbin "entryother.bin"
entryother_end:

// The kernel needs no executable stack.
.section .note.GNU-stack,"",@progbits
