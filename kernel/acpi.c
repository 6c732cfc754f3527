// Platform discovery through ACPI: processors and interrupt controllers
// from the MADT.
//
// The firmware leaves a Root System Description Pointer on a 16-byte
// boundary, either in the first KiB of the Extended BIOS Data Area (whose
// segment the BIOS keeps at physical 0x40E) or in the BIOS area
// 0xE0000-0xFFFFF. It points at the RSDT (32-bit table addresses) and, from
// ACPI 2.0 on, the XSDT (64-bit ones); we prefer the XSDT when every
// address in it fits in 32 bits. Among the tables listed there, the MADT
// (signature "APIC") holds what we need:
//
//   processor local APIC entries -> cpus[], ncpu (enabled ones, up to NCPU)
//   I/O APIC entries             -> ioapicid, ioapicpa, ioapicgsibase
//   interrupt source overrides   -> isairqs[] (e.g. QEMU wires IRQ 0 to
//                                   input 2, and says its PCI lines are
//                                   level-triggered)
//
// Only the I/O APIC that serves the ISA IRQs (the one whose inputs start at
// global interrupt 0) is used; PCs with one I/O APIC are the norm for the
// machines this kit runs on. `acpi=off` on the command line skips ACPI, to
// exercise the MP-table fallback. x2APIC-only processors (APIC IDs above 254)
// cannot be reached by an xAPIC kernel and are skipped.
//
// The tables sit in RAM the firmware reserved, which the kernel's direct
// map covers as long as it lies below PHYSLIMIT. Every table is checked
// against that limit and its checksum before we believe a byte of it.

#include "types.h"
#include "param.h"
#include "memlayout.h"
#include "mmu.h"
#include "proc.h"
#include "defs.h"
#include "mp.h"
#include "acpi.h"

// The kernel virtual address of physical [pa, pa+len), or 0 if that range
// is not in the direct map.
static void*
acpimap(uint pa, uint len)
{
  if(pa == 0 || pa >= PHYSLIMIT || len > PHYSLIMIT - pa)
    return 0;
  return P2V(pa);
}

// Does the candidate RSDP at p pass its checksums (the ACPI 1.0 part, and
// the whole structure from revision 2 on)?
static int
rsdpvalid(void *p)
{
  struct acpi_rsdp *r = p;

  if(bios_checksum(r, ACPI_RSDP_V1_LEN) != 0)
    return 0;
  return r->revision < 2 || bios_checksum(r, sizeof(*r)) == 0;
}

// The RSDP is in the first KiB of the EBDA or in the BIOS ROM area.
static struct acpi_rsdp*
findrsdp(void)
{
  uint ebda = bios_ebda();
  struct acpi_rsdp *r = 0;

  if(ebda)
    r = bios_scan(ebda, 1024, "RSD PTR ", rsdpvalid);
  if(r == 0)
    r = bios_scan(0xE0000, 0x20000, "RSD PTR ", rsdpvalid);
  return r;
}

// Map the table at physical pa and check its length and checksum.
static struct acpi_header*
maptable(uint pa)
{
  struct acpi_header *h;

  h = acpimap(pa, sizeof(*h));
  if(h == 0 || h->length < sizeof(*h) || acpimap(pa, h->length) == 0)
    return 0;
  if(bios_checksum(h, h->length) != 0)
    return 0;
  return h;
}

// Find the table with signature sig through the XSDT or, failing that,
// the RSDT.
static struct acpi_header*
findtable(struct acpi_rsdp *rsdp, char *sig)
{
  struct acpi_header *root, *t;
  uint i, n;
  uint64 *x;
  uint *r;

  if(rsdp->revision >= 2 && rsdp->xsdt != 0 && rsdp->xsdt < PHYSLIMIT &&
     (root = maptable((uint)rsdp->xsdt)) != 0){
    n = (root->length - sizeof(*root)) / 8;
    x = (uint64*)(root + 1);
    for(i = 0; i < n; i++){
      if(x[i] >= PHYSLIMIT)
        continue;
      t = maptable((uint)x[i]);
      if(t && memcmp(t->signature, sig, 4) == 0)
        return t;
    }
  }
  if((root = maptable(rsdp->rsdt)) == 0)
    return 0;
  n = (root->length - sizeof(*root)) / 4;
  r = (uint*)(root + 1);
  for(i = 0; i < n; i++){
    t = maptable(r[i]);
    if(t && memcmp(t->signature, sig, 4) == 0)
      return t;
  }
  return 0;
}

// Take in one MADT entry.
static void
madtentry(struct madt_entry *e, uint *lapicpa)
{
  struct madt_lapic *l;
  struct madt_ioapic *io;
  struct madt_override *o;
  struct madt_lapic_addr *la;

  switch(e->type){
  case MADT_LAPIC:
    l = (struct madt_lapic*)e;
    if((l->flags & MADT_LAPIC_ENABLED) && l->apicid != 0xFF)
      mp_addcpu(l->apicid);
    break;
  case MADT_IOAPIC:
    io = (struct madt_ioapic*)e;
    if(io->gsibase == 0 || ioapicpa == 0){
      ioapicid = io->id;
      ioapicpa = io->addr;
      ioapicgsibase = io->gsibase;
    }
    break;
  case MADT_OVERRIDE:
    o = (struct madt_override*)e;
    if(o->bus == 0 && o->source < NELEM(isairqs)){
      isairqs[o->source].overridden = 1;
      isairqs[o->source].gsi = o->gsi;
      isairqs[o->source].flags = o->flags;
    }
    break;
  case MADT_LAPIC_ADDR:
    la = (struct madt_lapic_addr*)e;
    if(la->addr < 0x100000000ULL)
      *lapicpa = (uint)la->addr;
    break;
  }
}

// Fill in the platform description from the MADT. Returns 0 on success,
// -1 (having changed nothing) if there is no usable MADT.
int
acpiinit(void)
{
  struct acpi_rsdp *rsdp;
  struct acpi_madt *madt;
  uchar *p, *end;
  struct madt_entry *e;
  uint lapicpa;
  char v[8];

  if(cmdline_get("acpi", v, sizeof(v)) && strncmp(v, "off", 4) == 0){
    // For testing the MP-table fallback on a machine that has both.
    cprintf("acpi: off (command line)\n");
    return -1;
  }
  if((rsdp = findrsdp()) == 0)
    return -1;
  madt = (struct acpi_madt*)findtable(rsdp, "APIC");
  if(madt == 0 || madt->h.length < sizeof(*madt)){
    cprintf("acpi: no MADT\n");
    return -1;
  }

  lapicpa = madt->lapicaddr;
  ncpu = 0;
  ioapicpa = 0;
  p = (uchar*)(madt + 1);
  end = (uchar*)madt + madt->h.length;
  while(p + sizeof(*e) <= end){
    e = (struct madt_entry*)p;
    if(e->length < sizeof(*e) || p + e->length > end)
      break;   // a malformed entry: trust nothing after it
    madtentry(e, &lapicpa);
    p += e->length;
  }

  if(ncpu == 0 || lapicpa < DEVSPACE){
    // Without a processor or a reachable LAPIC the table is no use.
    cprintf("acpi: MADT unusable (%d cpus, lapic %x)\n", ncpu, lapicpa);
    ncpu = 0;
    ioapicpa = 0;
    memset(isairqs, 0, sizeof(isairqs));
    return -1;
  }
  lapic = (uint*)lapicpa;
  if(ioapicpa == 0)
    cprintf("acpi: no I/O APIC in the MADT\n");
  cprintf("acpi: %d cpus, lapic %x, ioapic %d at %x\n",
          ncpu, lapicpa, ioapicid, ioapicpa);
  return 0;
}
