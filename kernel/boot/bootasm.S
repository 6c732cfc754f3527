// The first half of the boot sector: from real mode to 32-bit C.
//
// The BIOS loads the first sector of the disk at 0x7C00 and jumps to it in
// 16-bit real mode with %dl = the boot drive. We switch interrupts off
// (there is no IDT for protected mode), open the A20 gate (otherwise
// every odd MiB aliases the one below it), load a GDT with flat 4 GiB code
// and data segments, enter protected mode and call bootmain() (bootmain.c)
// on a stack just below this code.
//
// The descriptors sit at the same slots as the kernel's (SEG_KCODE and
// SEG_KDATA in mmu.h), so the lab-1 starting kernel can keep using them.
// Only those two slots are ever loaded, and the CPU never looks at the
// others, so the table's base is placed SEG_KCODE entries before our code
// descriptor: the unused slots overlap the code above instead of costing
// 48 of the 510 bytes a boot sector has.

#include "mmu.h"

.code16
.globl start
start:
  cli
  cld
  xorw %ax, %ax
  movw %ax, %ds
  movw %ax, %es
  movw %ax, %ss

  // A20 through "system control port A" (0x92), bit 1. Bit 0 resets the
  // machine, so keep it clear.
  inb $0x92, %al
  orb $0x02, %al
  andb $0xFE, %al
  outb %al, $0x92

  lgdt gdtdesc
  movl %cr0, %eax
  orl $CR0_PE, %eax
  movl %eax, %cr0
  // The far jump loads CS from the new GDT and starts 32-bit decoding.
  ljmp $(SEG_KCODE<<3), $start32

.code32
start32:
  movw $(SEG_KDATA<<3), %ax
  movw %ax, %ds
  movw %ax, %es
  movw %ax, %ss
  movw %ax, %fs
  movw %ax, %gs
  movl $start, %esp
  call bootmain

  // bootmain() returns only if the disk holds no kernel.
spin:
  hlt
  jmp spin

.p2align 3
gdtcode:                        // slot SEG_KCODE: flat code, ring 0
  .word 0xFFFF, 0x0000
  .byte 0x00, 0x9A, 0xCF, 0x00
gdtdata:                        // slot SEG_KDATA: flat data, ring 0
  .word 0xFFFF, 0x0000
  .byte 0x00, 0x92, 0xCF, 0x00

gdtdesc:
  .word (SEG_KDATA + 1) * 8 - 1         // limit: through slot SEG_KDATA
  .long gdtcode - SEG_KCODE * 8         // base: slot 0 (see above)

// Not an executable stack (keeps ld from warning).
.section .note.GNU-stack, "", @progbits
