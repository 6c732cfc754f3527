// Small wrappers for x86 instructions that C cannot express, and the layout
// of the trap frame that trapasm.S builds on the kernel stack.

// Port I/O: the x86's second address space, used by the legacy devices
// (serial ports, PIT, CMOS, IDE, PCI configuration) and by virtio's
// legacy registers. "N" lets constant ports below 256 be immediates.

static inline uchar
inb(ushort port)
{
  uchar data;
  asm volatile("inb %w1, %b0" : "=a" (data) : "Nd" (port));
  return data;
}

static inline ushort
inw(ushort port)
{
  ushort data;
  asm volatile("inw %w1, %w0" : "=a" (data) : "Nd" (port));
  return data;
}

static inline uint
inl(ushort port)
{
  uint data;
  asm volatile("inl %w1, %0" : "=a" (data) : "Nd" (port));
  return data;
}

static inline void
outb(ushort port, uchar data)
{
  asm volatile("outb %b0, %w1" : : "a" (data), "Nd" (port));
}

static inline void
outw(ushort port, ushort data)
{
  asm volatile("outw %w0, %w1" : : "a" (data), "Nd" (port));
}

static inline void
outl(ushort port, uint data)
{
  asm volatile("outl %0, %w1" : : "a" (data), "Nd" (port));
}

// Block transfers of n 32-bit words between a port and memory (IDE's data
// register): the CPU repeats the instruction, advancing edi/esi, ecx times.
static inline void
insl(int port, void *dst, int n)
{
  asm volatile("cld\n\trep insl"
               : "+D" (dst), "+c" (n)
               : "d" (port)
               : "memory");
}

static inline void
outsl(int port, const void *src, int n)
{
  asm volatile("cld\n\trep outsl"
               : "+S" (src), "+c" (n)
               : "d" (port)
               : "memory");
}

// Fill n bytes at dst with the low byte of value.
static inline void
stosb(void *dst, int value, int n)
{
  asm volatile("cld\n\trep stosb"
               : "+D" (dst), "+c" (n)
               : "a" (value)
               : "memory");
}

// lgdt and lidt take a 6-byte operand in memory: the table's size minus
// one, then its linear address.
struct pseudodesc {
  ushort limit;
  uint base;
} __attribute__((packed));

struct segdesc;
struct gatedesc;

static inline void
lgdt(struct segdesc *table, int bytes)
{
  struct pseudodesc d = { bytes - 1, (uint)table };
  asm volatile("lgdt %0" : : "m" (d));
}

static inline void
lidt(struct gatedesc *table, int bytes)
{
  struct pseudodesc d = { bytes - 1, (uint)table };
  asm volatile("lidt %0" : : "m" (d));
}

// Load the task register with a TSS selector.
static inline void
ltr(ushort selector)
{
  asm volatile("ltr %0" : : "rm" (selector));
}

static inline uint
readeflags(void)
{
  uint flags;
  asm volatile("pushfl\n\tpopl %0" : "=rm" (flags));
  return flags;
}

// The "memory" clobbers keep the compiler from moving loads and stores
// across the points where interrupts are switched.
static inline void
cli(void)
{
  asm volatile("cli" : : : "memory");
}

static inline void
sti(void)
{
  asm volatile("sti" : : : "memory");
}

static inline void
hlt(void)
{
  asm volatile("hlt" : : : "memory");
}

// Store v at *p and return what was there, as one atomic step that every
// CPU observes in order (xchg with memory is always locked). The basis of
// spinlocks.
static inline uint
xchg(volatile uint *p, uint v)
{
  asm volatile("xchgl %0, %1" : "+r" (v), "+m" (*p) : : "memory");
  return v;
}

// The linear address that caused the last page fault.
static inline uint
rcr2(void)
{
  uint addr;
  asm volatile("movl %%cr2, %0" : "=r" (addr));
  return addr;
}

// The linear address of the GDT this CPU has loaded. sgdt is an ordinary
// instruction: no exit from QEMU's translated code, no device model.
static inline uint
gdtbase(void)
{
  struct { ushort limit; uint base; } __attribute__((packed)) d;

  asm volatile("sgdt %0" : "=m" (d));
  return d.base;
}

// Switch page directories (and flush the TLB).
static inline void
lcr3(uint pgdir_pa)
{
  asm volatile("movl %0, %%cr3" : : "r" (pgdir_pa) : "memory");
}

static inline uint64
rdtsc(void)
{
  uint lo, hi;
  asm volatile("rdtsc" : "=a" (lo), "=d" (hi));
  return ((uint64)hi << 32) | lo;
}

// What trapasm.S pushes on the kernel stack, lowest address first.
struct trapframe {
  // pushed by pushal
  uint edi;
  uint esi;
  uint ebp;
  uint oesp;      // useless & ignored
  uint ebx;
  uint edx;
  uint ecx;
  uint eax;

  // segment registers, pushed by alltraps
  ushort ds;
  ushort padding1;
  ushort es;
  ushort padding2;
  ushort fs;
  ushort padding3;
  ushort gs;
  ushort padding4;
  uint trapno;

  // pushed by the CPU (err by the vector stub when the CPU does not)
  uint err;
  uint eip;
  ushort cs;
  ushort padding5;
  uint eflags;

  // pushed by the CPU only when crossing from user to kernel
  uint esp;
  ushort ss;
  ushort padding6;
};
