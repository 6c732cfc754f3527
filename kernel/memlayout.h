// Memory layout.
//
// Physical memory below PHYSLIMIT is mapped once, at KERNBASE, in every
// address space ("the direct map"), using 4 MiB pages so the kernel half of a
// page directory needs no page tables at all. The kernel image is linked at
// KERNLINK and loaded (by GRUB or our boot sector) at physical EXTMEM.
// The top 32 MiB of the address space (DEVSPACE) is mapped 1:1 for the
// memory-mapped LAPIC and IOAPIC. User memory is everything below KERNBASE.
//
//   0xFFFFFFFF +--------------------+
//              | devices (1:1)      |
//   0xFE000000 +--------------------+
//              | unmapped           |
//   0xF0000000 +--------------------+ KERNBASE + PHYSLIMIT
//              | direct map of RAM  |
//   0x80100000 |  kernel text, data |
//   0x80000000 +--------------------+ KERNBASE
//              | user text, data,   |
//              | stack, heap        |
//   0x00000000 +--------------------+

#define EXTMEM    0x100000            // start of extended memory (kernel load address)
#define PHYSLIMIT 0x70000000          // RAM above this is not used (1.75 GiB)
#define DEVSPACE  0xFE000000          // memory-mapped devices live above this

#define KERNBASE  0x80000000          // first kernel virtual address
#define KERNLINK  (KERNBASE+EXTMEM)   // address the kernel is linked at

#define V2P(a) (((uint) (a)) - KERNBASE)
#define P2V(a) ((void *)(((char *) (a)) + KERNBASE))

// Cast-free forms, for assembly files and the linker script.
#define V2P_WO(x) ((x) - KERNBASE)
#define P2V_WO(x) ((x) + KERNBASE)
