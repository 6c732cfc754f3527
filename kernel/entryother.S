// Start-up code for the other CPUs (application processors, APs).
//
// smp.c copies this code to physical 0x7000 and sends each AP a start-up
// IPI whose vector names page 7: the AP begins here in real mode, at
// 0000:7000, with no stack and no idea where the kernel is. smp.c leaves
// four words just below the code to tell it:
//
//   0x7000-4    top of the kernel stack to run on
//   0x7000-8    the C function to call (mpenter, never returns)
//   0x7000-12   physical address of the kernel page directory (kpgdir)
//   0x7000-16   physical address of a boot page directory
//
// The kernel's page directory maps RAM only at KERNBASE and up, not at the
// physical address this code runs at, so turning paging on with it would
// pull the floor from under the next instruction. The boot page directory
// maps the first 4 MiB both at 0 and at KERNBASE: we turn paging on with
// it, jump to this code's KERNBASE alias, and only then switch to kpgdir.
//
// The way up: real mode -> our own GDT (flat code and data in the kernel's
// slots SEG_KCODE and SEG_KDATA, so the selectors are the ones the kernel
// uses) -> protected mode -> 4 MiB pages -> paging -> stack -> mpenter.

#include "mmu.h"
#include "memlayout.h"

#define ARG_STACK   (start-4)
#define ARG_ENTRY   (start-8)
#define ARG_PGDIR   (start-12)
#define ARG_BOOTPD  (start-16)

.code16
.globl start
start:
  cli
  cld
  xorw    %ax, %ax
  movw    %ax, %ds
  movw    %ax, %es
  movw    %ax, %ss

  lgdt    gdtdesc
  movl    %cr0, %eax
  orl     $CR0_PE, %eax
  movl    %eax, %cr0
  // The far jump loads CS from our GDT and starts 32-bit decoding.
  ljmpl   $(SEG_KCODE<<3), $start32

.code32
start32:
  movw    $(SEG_KDATA<<3), %ax
  movw    %ax, %ds
  movw    %ax, %es
  movw    %ax, %ss
  xorw    %ax, %ax
  movw    %ax, %fs
  movw    %ax, %gs

  // Take the arguments while their physical addresses still work.
  movl    ARG_STACK, %edi
  movl    ARG_ENTRY, %esi
  movl    ARG_PGDIR, %ebx
  movl    ARG_BOOTPD, %eax

  movl    %cr4, %ecx
  orl     $CR4_PSE, %ecx
  movl    %ecx, %cr4
  movl    %eax, %cr3
  movl    %cr0, %eax
  orl     $(CR0_PG|CR0_WP), %eax
  movl    %eax, %cr0

  // Continue at the same code's KERNBASE alias, which kpgdir maps too.
  movl    $(high + KERNBASE), %eax
  jmp     *%eax
high:
  movl    %ebx, %cr3
  movl    %edi, %esp
  xorl    %ebp, %ebp            // the end of every backtrace
  call    *%esi

  // mpenter does not return; if it did, stop here.
spin:
  hlt
  jmp     spin

// Slots 0-5 are unused; SEG_KCODE and SEG_KDATA (6 and 7) are flat 4 GiB
// segments, 32-bit, page-granular, ring 0.
.p2align 3
#if SEG_KDATA != SEG_KCODE + 1
#error "entryother.S: the GDT below wants SEG_KDATA right after SEG_KCODE"
#endif
gdt:
  .fill   SEG_KCODE, 8, 0
  .word   0xFFFF, 0x0000        // code: limit 15:0, base 15:0
  .byte   0x00, 0x9A, 0xCF, 0x00 // base 23:16, present/ring 0/code, G+D, base 31:24
  .word   0xFFFF, 0x0000        // data
  .byte   0x00, 0x92, 0xCF, 0x00
gdtend:

gdtdesc:
  .word   gdtend - gdt - 1
  .long   gdt
