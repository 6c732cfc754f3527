// The kernel's first instructions.
//
// A boot loader jumps to _start with paging off, in 32-bit protected mode:
// GRUB (or QEMU's -kernel) with %eax = MB_BOOT_MAGIC and %ebx = the physical
// address of its multiboot information, our own boot sector (boot/) with
// %eax = 0. This code lives in the .boot section, which kernel.ld links
// at the physical address where it is loaded, so its own labels are
// physical; the rest of the kernel is linked in the high half but loaded
// at EXTMEM, so until paging is on every other address must be converted
// with V2P_WO.
//
// The steps, in order:
//  1. save %eax/%ebx before anything clobbers them;
//  2. make sure the segment registers use descriptors we control: the
//     multiboot specification only promises flat segments, not a GDT we may
//     keep using, and a hypervisor's or GRUB's descriptors may sit in the
//     low slots, so ours are at SEG_KCODE/SEG_KDATA (see mmu.h);
//  3. turn on paging with entrypgdir, which maps the first 8 MiB of physical
//     memory twice: at 0 (this code keeps running at low addresses until the
//     jump) and at KERNBASE (where the kernel is linked). 4 MiB pages (PSE)
//     mean no page tables are needed;
//  4. switch to a stack in the high half and call main(magic, mbinfo_pa).
// main() replaces entrypgdir by kpgdir (vm.c) and this GDT by a per-CPU one
// (seginit) before any interrupt can arrive.

#include "mmu.h"
#include "memlayout.h"
#include "param.h"
#include "multiboot.h"

// LAB 1: BEGIN SOLUTION
// The multiboot header: GRUB scans the first 8 KiB of the image for it
// (kernel.ld puts this section first). We ask for page-aligned modules
// (the file system image is handed out page by page) and for the memory map.
#define MB_FLAGS (MB_PAGE_ALIGN | MB_MEMORY_INFO)

.section .multiboot, "a"
.p2align 2
multiboot_header:
  .long MB_HEADER_MAGIC
  .long MB_FLAGS
  .long -(MB_HEADER_MAGIC + MB_FLAGS)
// LAB 1: STUB
// // Lab 1: GRUB boots only an image that carries a multiboot header in its
// // first 8 KiB (Multiboot 0.6.96, 3.1.1 The layout of Multiboot header,
// // 3.1.2 The magic fields of Multiboot header); this kernel has none yet,
// // so only our own boot sector can start it. The header must ask for the
// // memory map and for page-aligned modules, and for nothing else (GRUB
// // loads this image by its ELF headers; the kernel keeps VGA text mode).
// // kernel.ld says where the header goes; multiboot.h has the constants.
// // Traps: the checksum, and the alignment the specification requires.
// LAB 1: END

.section .boot, "ax"

// The ELF entry point (kernel.ld: a physical address, and virtual = physical).
.globl _start
_start:
.globl entry
entry:
  movl %eax, %edi               // boot magic (MB_BOOT_MAGIC, or 0 from boot/)
  movl %ebx, %esi               // physical address of the multiboot info
  cli
  cld

// LAB 1: BEGIN SOLUTION
  // Paging is off, so the GDT's address must be physical.
  lgdt V2P_WO(bootgdtdesc)
  ljmp $(SEG_KCODE<<3), $reloadsegs
reloadsegs:
  movw $(SEG_KDATA<<3), %ax
  movw %ax, %ds
  movw %ax, %es
  movw %ax, %ss
  movw %ax, %fs
  movw %ax, %gs

.pushsection .rodata
// Flat 4 GiB kernel code and data descriptors in slots SEG_KCODE and
// SEG_KDATA; the slots below are empty and never loaded.
.p2align 3
bootgdt:
  .fill SEG_KCODE, 8, 0
  .word 0xFFFF, 0x0000          // code: limit 0xFFFFF pages, base 0
  .byte 0x00, 0x9A, 0xCF, 0x00  //   present, ring 0, execute/read, 32-bit
  .word 0xFFFF, 0x0000          // data: limit 0xFFFFF pages, base 0
  .byte 0x00, 0x92, 0xCF, 0x00  //   present, ring 0, read/write, 32-bit
bootgdtend:

.p2align 2
  .word 0                       // align the 32-bit base below
bootgdtdesc:
  .word bootgdtend - bootgdt - 1
  .long V2P_WO(bootgdt)
.popsection
// LAB 1: STUB
// // Lab 1: from here on every segment register must hold a selector of a
// // GDT the kernel owns, with flat 4 GiB ring-0 code at SEG_KCODE and data
// // at SEG_KDATA (mmu.h). Our boot sector happens to leave such a GDT
// // loaded; GRUB promises flat segments but not a GDT the kernel may keep
// // using (Multiboot 0.6.96, 3.2 Machine state), and the low slots belong
// // to GRUB and BitVisor.
// // Traps: paging is still off, so any address the CPU is given here must
// // be physical (V2P_WO); CS cannot be loaded like the other segment
// // registers; the table must sit where nothing will overwrite it.
// LAB 1: END

  // Turn on 4 MiB pages, then paging with the boot page directory.
  // CR0_WP makes the kernel honour read-only user pages too.
  movl %cr4, %eax
  orl $CR4_PSE, %eax
  movl %eax, %cr4
  movl $V2P_WO(entrypgdir), %eax
  movl %eax, %cr3
  movl %cr0, %eax
  orl $(CR0_PG|CR0_WP), %eax
  movl %eax, %cr0

  // Still executing at a low address; from here on use high ones.
  movl $(bootstack + KSTACKSIZE), %esp
  xorl %ebp, %ebp               // ends the frame-pointer chain for backtraces
  pushl %esi
  pushl %edi
  movl $main, %eax              // an absolute jump to main's high address
  call *%eax

  // main() never returns; stop here if it does.
spin:
  hlt
  jmp spin

// The boot page directory: VA [0, 8 MiB) and [KERNBASE, KERNBASE+8 MiB)
// both map PA [0, 8 MiB). The kernel image, its bss and the boot stack must
// fit in those 8 MiB (main() switches to kpgdir first thing).
#define BOOTPDE(pa) ((pa) | PTE_P | PTE_W | PTE_PS)

.data
.p2align 12
.globl entrypgdir
entrypgdir:
  .long BOOTPDE(0x000000)
  .long BOOTPDE(0x400000)
  .fill (KERNBASE >> PDXSHIFT) - 2, 4, 0
  .long BOOTPDE(0x000000)
  .long BOOTPDE(0x400000)
  .fill NPDENTRIES - (KERNBASE >> PDXSHIFT) - 2, 4, 0

// The boot CPU's stack, used by main() and then by its scheduler.
.bss
.p2align 4
.globl bootstack
bootstack:
  .space KSTACKSIZE

// Not an executable stack (keeps ld from warning).
.section .note.GNU-stack, "", @progbits
