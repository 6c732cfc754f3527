// x86 memory-management unit: segment descriptors, the GDT layout the kernel
// uses, page-table entry bits, interrupt gates and the task-state segment.

// EFLAGS bits
#define FL_IF           0x00000200      // interrupts enabled

// CR0 bits
#define CR0_PE          0x00000001      // protection enable
#define CR0_WP          0x00010000      // supervisor writes honour PTE_W
#define CR0_PG          0x80000000      // paging

// CR4 bits
#define CR4_PSE         0x00000010      // 4 MiB pages

// GDT slots. GRUB leaves its own GDT with entries 1..4 in use, and a
// hypervisor may inspect the low selectors too, so the kernel's descriptors
// start at slot 6: whatever is still in a segment register when we load our
// GDT never aliases one of ours.
#define SEG_KCODE 6     // kernel code
#define SEG_KDATA 7     // kernel data and stack
#define SEG_UCODE 8     // user code
#define SEG_UDATA 9     // user data and stack
#define SEG_TSS   10    // this CPU's task state
#define NSEGS     11

// Descriptor privilege levels
#define DPL_KERNEL 0x0
#define DPL_USER   0x3

// Segment type bits
#define STA_X       0x8     // executable
#define STA_W       0x2     // writeable (data)
#define STA_R       0x2     // readable (code)
#define STS_T32A    0x9     // available 32-bit TSS
#define STS_IG32    0xE     // 32-bit interrupt gate
#define STS_TG32    0xF     // 32-bit trap gate

#ifndef __ASSEMBLER__
// A segment descriptor, as the CPU reads it from the GDT.
struct segdesc {
  uint lim_15_0 : 16;
  uint base_15_0 : 16;
  uint base_23_16 : 8;
  uint type : 4;
  uint s : 1;           // 0 = system, 1 = code/data
  uint dpl : 2;
  uint p : 1;           // present
  uint lim_19_16 : 4;
  uint avl : 1;
  uint rsv1 : 1;
  uint db : 1;          // 0 = 16-bit, 1 = 32-bit
  uint g : 1;           // limit counts 4 KiB units
  uint base_31_24 : 8;
};

// A flat 4 GiB code or data segment.
#define SEG_FLAT(type, dpl) (struct segdesc)                  \
{ 0xffff, 0, 0, (type), 1, (dpl), 1, 0xf, 0, 0, 1, 1, 0 }

// A byte-granular system segment (the TSS).
#define SEG_SYS16(type, base, lim, dpl) (struct segdesc)     \
{ (lim) & 0xffff, (uint)(base) & 0xffff,                      \
  ((uint)(base) >> 16) & 0xff, (type), 0, (dpl), 1,           \
  (uint)(lim) >> 16, 0, 0, 1, 0, (uint)(base) >> 24 }
#endif

// Page directory and page table geometry.
//
//  +--------10------+-------10-------+---------12----------+
//  | dir index      | table index    | offset in page      |
//  +----------------+----------------+---------------------+
#define PDX(va)         (((uint)(va) >> PDXSHIFT) & 0x3FF)
#define PTX(va)         (((uint)(va) >> PTXSHIFT) & 0x3FF)
#define PGADDR(d, t, o) ((uint)((d) << PDXSHIFT | (t) << PTXSHIFT | (o)))

#define NPDENTRIES      1024
#define NPTENTRIES      1024
#define PGSIZE          4096
#define BIGPGSIZE       0x400000        // a 4 MiB (PTE_PS) page
#define PTXSHIFT        12
#define PDXSHIFT        22

#define PGROUNDUP(sz)  (((sz)+PGSIZE-1) & ~(PGSIZE-1))
#define PGROUNDDOWN(a) (((a)) & ~(PGSIZE-1))

// Page-table and page-directory entry bits
#define PTE_P           0x001   // present
#define PTE_W           0x002   // writeable
#define PTE_U           0x004   // user may access
#define PTE_PWT         0x008   // write-through
#define PTE_PCD         0x010   // cache disabled (device memory)
#define PTE_PS          0x080   // 4 MiB page (in a PDE)

#define PTE_ADDR(pte)   ((uint)(pte) & ~0xFFF)
#define PTE_FLAGS(pte)  ((uint)(pte) &  0xFFF)

#ifndef __ASSEMBLER__
// Task-state segment. The kernel only uses it to find the kernel stack
// (ss0:esp0) on a trap from user mode; iomb past the limit denies all ports.
struct taskstate {
  uint link;
  uint esp0;
  ushort ss0;
  ushort padding1;
  uint esp1;
  ushort ss1, padding2;
  uint esp2;
  ushort ss2, padding3;
  uint cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
  ushort es, padding4, cs, padding5, ss, padding6;
  ushort ds, padding7, fs, padding8, gs, padding9;
  ushort ldt, padding10;
  ushort t;
  ushort iomb;
};

// An IDT entry: an interrupt or trap gate.
struct gatedesc {
  uint off_15_0 : 16;
  uint cs : 16;
  uint args : 5;
  uint rsv1 : 3;
  uint type : 4;
  uint s : 1;
  uint dpl : 2;
  uint p : 1;
  uint off_31_16 : 16;
};

// Fill in gate g: istrap selects a trap gate (interrupts stay enabled),
// sel:off is the handler, dpl the privilege needed to raise it with int.
#define SETGATE(gate, istrap, sel, off, d)                \
{                                                         \
  (gate).off_15_0 = (uint)(off) & 0xffff;                 \
  (gate).cs = (sel);                                      \
  (gate).args = 0;                                        \
  (gate).rsv1 = 0;                                        \
  (gate).type = (istrap) ? STS_TG32 : STS_IG32;           \
  (gate).s = 0;                                           \
  (gate).dpl = (d);                                       \
  (gate).p = 1;                                           \
  (gate).off_31_16 = (uint)(off) >> 16;                   \
}
#endif
