// What platform discovery learns about the machine, and the Intel
// MultiProcessor Specification (1.4) tables it may learn it from.
//
// acpi.c (the MADT) or, failing that, mp.c (the MP table) fill in:
//   cpus[] and ncpu (proc.h)   one entry per usable processor
//   lapic (defs.h)             the local APIC's registers
//   ioapicid, ioapicpa,        the I/O APIC that serves the ISA IRQs
//   ioapicgsibase
//   isairqs[]                  how each ISA IRQ is really wired
// and ioapic.c programs the I/O APIC from them. If neither table exists,
// mp_uniprocessor() sets up the one-CPU PC that every x86 since the
// Pentium looks like (see mp.c).

#define LAPIC_DEFAULT   0xFEE00000  // the architectural LAPIC address
#define IOAPIC_DEFAULT  0xFEC00000  // where chipsets put the first I/O APIC

// Interrupt polarity and trigger, in the encoding that the MP table
// ("INTI flags") and the ACPI MADT share. "Conforms" means: whatever is
// usual for the bus (ISA: active high, edge; PCI: active low, level).
#define INTI_POL_MASK     0x3
#define INTI_POL_CONFORM  0x0
#define INTI_POL_HIGH     0x1
#define INTI_POL_LOW      0x3
#define INTI_TRIG_MASK    0xC
#define INTI_TRIG_CONFORM 0x0
#define INTI_TRIG_EDGE    0x4
#define INTI_TRIG_LEVEL   0xC

// The firmware's word on one ISA IRQ: where it arrives (a global system
// interrupt, i.e. I/O APIC input counted across all I/O APICs) and how.
// An IRQ the firmware says nothing about arrives on the input of the same
// number, edge-triggered and active high.
struct isairq {
  uchar overridden;
  ushort flags;       // INTI_*
  uint gsi;
};

extern uint ioapicpa;
extern uint ioapicgsibase;
extern struct isairq isairqs[16];

// mp.c
void mp_uniprocessor(void);
int  mp_addcpu(uint apicid);

// ---------------------------------------------------------------- MP table

// The floating pointer structure, found by its signature "_MP_" on a
// 16-byte boundary.
struct mpfloat {
  uchar signature[4];   // "_MP_"
  uint physaddr;        // of the configuration table
  uchar length;         // in 16-byte units (1)
  uchar specrev;
  uchar checksum;       // all bytes add up to 0
  uchar type;           // a default configuration number, or 0
  uchar imcrp;          // bit 7: the IMCR is present (PIC mode at boot)
  uchar reserved[3];
} __attribute__((packed));

// The configuration table header; entries follow it.
struct mpconf {
  uchar signature[4];   // "PCMP"
  ushort length;        // of the base table, header included
  uchar version;
  uchar checksum;
  uchar oemid[8];
  uchar productid[12];
  uint oemtable;
  ushort oemlength;
  ushort entries;
  uint lapicaddr;
  ushort xlength;
  uchar xchecksum;
  uchar reserved;
} __attribute__((packed));

#define MPPROC    0x00  // a processor; 20 bytes
#define MPBUS     0x01  // a bus; 8 bytes, like the rest
#define MPIOAPIC  0x02
#define MPIOINTR  0x03  // an interrupt source wired to an I/O APIC input
#define MPLINTR   0x04  // ... wired to a local APIC input

struct mpproc {
  uchar type;
  uchar apicid;
  uchar version;
  uchar flags;          // MPPROC_*
  uchar signature[4];
  uint feature;
  uchar reserved[8];
} __attribute__((packed));
#define MPPROC_EN   0x01  // usable
#define MPPROC_BP   0x02  // the bootstrap processor

struct mpbus {
  uchar type;
  uchar busid;
  uchar bustype[6];     // "ISA   ", "PCI   ", ...
} __attribute__((packed));

struct mpioapic {
  uchar type;
  uchar apicid;
  uchar version;
  uchar flags;          // bit 0: usable
  uint addr;
} __attribute__((packed));

struct mpiointr {
  uchar type;
  uchar intrtype;       // 0: an ordinary vectored interrupt
  ushort flags;         // INTI_*
  uchar srcbus;
  uchar srcirq;
  uchar dstapic;        // 0xFF: every I/O APIC
  uchar dstpin;
} __attribute__((packed));
