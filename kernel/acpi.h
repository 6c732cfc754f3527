// The few ACPI tables the kernel reads (ACPI 6.x, chapter 5): the root
// pointer, the root tables that list all others, and the MADT ("APIC")
// that describes the interrupt controllers and processors.

// Root System Description Pointer, on a 16-byte boundary in the EBDA or
// the BIOS area. Revision 0 ends after rsdt (20 bytes); revision 2 adds
// the XSDT's 64-bit address and a checksum over all 36 bytes.
struct acpi_rsdp {
  uchar signature[8];   // "RSD PTR "
  uchar checksum;
  uchar oemid[6];
  uchar revision;
  uint rsdt;
  uint length;
  uint64 xsdt;
  uchar xchecksum;
  uchar reserved[3];
} __attribute__((packed));

#define ACPI_RSDP_V1_LEN 20

// Every other table starts with this header; its bytes, header included,
// add up to 0.
struct acpi_header {
  uchar signature[4];
  uint length;
  uchar revision;
  uchar checksum;
  uchar oemid[6];
  uchar oemtableid[8];
  uint oemrevision;
  uint creatorid;
  uint creatorrevision;
} __attribute__((packed));

// The RSDT is a header followed by 32-bit table addresses, the XSDT a
// header followed by 64-bit ones.

// Multiple APIC Description Table: a header, then variable-length
// entries, each starting with a type and a length.
struct acpi_madt {
  struct acpi_header h;
  uint lapicaddr;
  uint flags;           // bit 0: there are 8259 PICs as well
} __attribute__((packed));

#define MADT_LAPIC          0
#define MADT_IOAPIC         1
#define MADT_OVERRIDE       2   // interrupt source override
#define MADT_LAPIC_ADDR     5   // a 64-bit LAPIC address
#define MADT_X2APIC         9

struct madt_entry {
  uchar type;
  uchar length;
} __attribute__((packed));

struct madt_lapic {
  struct madt_entry e;
  uchar acpiid;
  uchar apicid;
  uint flags;
} __attribute__((packed));
#define MADT_LAPIC_ENABLED  0x1
#define MADT_LAPIC_ONLINE   0x2   // disabled now, but may be brought up

struct madt_ioapic {
  struct madt_entry e;
  uchar id;
  uchar reserved;
  uint addr;
  uint gsibase;         // first global system interrupt it serves
} __attribute__((packed));

struct madt_override {
  struct madt_entry e;
  uchar bus;            // 0: ISA
  uchar source;         // ISA IRQ
  uint gsi;
  ushort flags;         // INTI_* (mp.h)
} __attribute__((packed));

struct madt_lapic_addr {
  struct madt_entry e;
  ushort reserved;
  uint64 addr;
} __attribute__((packed));

struct madt_x2apic {
  struct madt_entry e;
  ushort reserved;
  uint x2apicid;
  uint flags;
  uint acpiid;
} __attribute__((packed));
