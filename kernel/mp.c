// Platform discovery through the Intel MP table, the fallback for a
// machine (or a QEMU run with -no-acpi) that has no ACPI MADT.
//
// The BIOS leaves a floating pointer ("_MP_") in the first KiB of the
// EBDA, in the last KiB of base memory, or in the BIOS ROM at
// 0xF0000-0xFFFFF. It points at a configuration table ("PCMP") whose
// entries name the processors, the buses, the I/O APICs and how each bus's
// interrupts are wired to I/O APIC inputs. We take the same facts from it
// as acpi.c takes from the MADT (see mp.h), including the wiring of the
// ISA IRQs, which the table gives per IRQ on the bus whose type is "ISA".
//
// If there is neither a MADT nor an MP table, the machine is taken to be a
// uniprocessor PC with its APICs at their architectural addresses:
// mp_uniprocessor() below. That is true of every PC built since the
// Pentium; if the I/O APIC is missing after all, ioapicinit() notices.
//
// The MP table predates multi-core packages: firmware lists one processor
// entry per package (SeaBIOS does so for QEMU's default -smp N, which is
// one socket of N cores), so through this table the kernel may find fewer
// CPUs than ACPI would. We take the table at its word.

#include "types.h"
#include "param.h"
#include "memlayout.h"
#include "mmu.h"
#include "proc.h"
#include "x86.h"
#include "defs.h"
#include "mp.h"

// Record a usable processor. Returns -1 if cpus[] is already full.
int
mp_addcpu(uint apicid)
{
  int i;

  for(i = 0; i < ncpu; i++)
    if(cpus[i].apicid == apicid)
      return 0;            // listed twice: once is enough
  if(ncpu >= NCPU){
    cprintf("mp: cpu with apic id %d ignored (NCPU is %d)\n", apicid, NCPU);
    return -1;
  }
  cpus[ncpu].apicid = apicid;
  ncpu++;
  return 0;
}

// The initial APIC ID of the running CPU, from CPUID leaf 1.
static uint
bootapicid(void)
{
  uint a, b, c, d;

  asm volatile("cpuid" : "=a" (a), "=b" (b), "=c" (c), "=d" (d) : "a" (1));
  return b >> 24;
}

// The machine with no tables: this CPU alone, the LAPIC at 0xFEE00000 and
// one I/O APIC with ID 0 at 0xFEC00000 wired 1:1 to the ISA IRQs.
void
mp_uniprocessor(void)
{
  ncpu = 0;
  mp_addcpu(bootapicid());
  lapic = (uint*)LAPIC_DEFAULT;
  ioapicid = 0;
  ioapicpa = IOAPIC_DEFAULT;
  ioapicgsibase = 0;
  memset(isairqs, 0, sizeof(isairqs));
  cprintf("mp: no ACPI or MP tables: 1 cpu, lapic %x, ioapic at %x assumed\n",
          LAPIC_DEFAULT, IOAPIC_DEFAULT);
}

static int
floatvalid(void *p)
{
  return bios_checksum(p, sizeof(struct mpfloat)) == 0;
}

// The floating pointer is in the first KiB of the EBDA, in the last KiB
// of base memory, or in the BIOS ROM.
static struct mpfloat*
findfloat(void)
{
  uint ebda = bios_ebda();
  uint base = *(ushort*)P2V(0x413) * 1024;   // KiB of base memory, from the BDA
  struct mpfloat *f = 0;

  if(ebda)
    f = bios_scan(ebda, 1024, "_MP_", floatvalid);
  if(f == 0 && base >= 1024 && base <= 0xA0000)
    f = bios_scan(base - 1024, 1024, "_MP_", floatvalid);
  if(f == 0)
    f = bios_scan(0xF0000, 0x10000, "_MP_", floatvalid);
  return f;
}

// Find and check the configuration table. Default configurations
// (f->type != 0, no table) describe 1990s two-CPU boards; we do not
// support them.
static struct mpconf*
findconf(struct mpfloat **fp)
{
  struct mpfloat *f;
  struct mpconf *c;

  if((f = findfloat()) == 0 || f->physaddr == 0)
    return 0;
  if(f->physaddr >= PHYSLIMIT - 0x10000)
    return 0;
  c = P2V(f->physaddr);
  if(memcmp(c->signature, "PCMP", 4) != 0)
    return 0;
  if(c->version != 1 && c->version != 4)
    return 0;
  if(c->length < sizeof(*c) || bios_checksum(c, c->length) != 0)
    return 0;
  *fp = f;
  return c;
}

// Walk the entries. The ISA bus's ID is needed to read the interrupt
// entries, and the table lists buses before interrupts, as the
// specification requires.
static void
readentries(struct mpconf *conf)
{
  uchar *p, *end;
  struct mpproc *proc;
  struct mpbus *bus;
  struct mpioapic *io;
  struct mpiointr *in;
  int isabus;

  isabus = -1;
  p = (uchar*)(conf + 1);
  end = (uchar*)conf + conf->length;
  while(p < end){
    switch(*p){
    case MPPROC:
      proc = (struct mpproc*)p;
      if(proc->flags & MPPROC_EN)
        mp_addcpu(proc->apicid);
      p += sizeof(*proc);
      break;
    case MPBUS:
      bus = (struct mpbus*)p;
      if(memcmp(bus->bustype, "ISA", 3) == 0)
        isabus = bus->busid;
      p += 8;
      break;
    case MPIOAPIC:
      io = (struct mpioapic*)p;
      // The first usable one serves the ISA IRQs.
      if((io->flags & 1) && ioapicpa == 0){
        ioapicid = io->apicid;
        ioapicpa = io->addr;
        ioapicgsibase = 0;
      }
      p += 8;
      break;
    case MPIOINTR:
      in = (struct mpiointr*)p;
      if(in->intrtype == 0 && in->srcbus == isabus && in->srcirq < 16 &&
         (in->dstapic == ioapicid || in->dstapic == 0xFF)){
        isairqs[in->srcirq].overridden = 1;
        isairqs[in->srcirq].gsi = in->dstpin;
        isairqs[in->srcirq].flags = in->flags;
      }
      p += 8;
      break;
    case MPLINTR:
      p += 8;
      break;
    default:
      // An entry type we cannot size: nothing after it can be read.
      cprintf("mp: unknown entry type %d\n", *p);
      return;
    }
  }
}

// Fill in the platform description from the MP table. Returns 0 on
// success. If there is no usable table, it sets up the uniprocessor
// defaults (mp_uniprocessor) and returns -1. Call it only when
// acpiinit() has failed; if ACPI already found the processors, it leaves
// them alone and returns 0.
int
mpinit(void)
{
  struct mpfloat *f;
  struct mpconf *conf;

  if(ncpu > 0)
    return 0;
  if((conf = findconf(&f)) == 0){
    mp_uniprocessor();
    return -1;
  }

  ioapicpa = 0;
  memset(isairqs, 0, sizeof(isairqs));
  readentries(conf);
  if(ncpu == 0 || conf->lapicaddr < DEVSPACE){
    cprintf("mp: MP table unusable (%d cpus, lapic %x)\n", ncpu, conf->lapicaddr);
    mp_uniprocessor();
    return -1;
  }
  lapic = (uint*)conf->lapicaddr;

  if(f->imcrp & 0x80){
    // The board starts in PIC mode, with the 8259's output wired straight
    // to the boot CPU. The IMCR (port 0x22 index 0x70, port 0x23 data) bit
    // 0 reroutes it through the APICs ("symmetric I/O mode").
    outb(0x22, 0x70);
    outb(0x23, inb(0x23) | 1);
  }
  cprintf("mp: %d cpus, lapic %x, ioapic %d at %x\n",
          ncpu, conf->lapicaddr, ioapicid, ioapicpa);
  return 0;
}
