// The I/O APIC: routes device interrupt lines to CPUs.
//
// Each input pin ("global system interrupt", GSI, once the pins of all
// I/O APICs are numbered in a row) has a 64-bit redirection entry: vector,
// polarity, trigger mode, mask, destination APIC ID. The registers sit
// behind an index/data window in memory-mapped I/O, at the address the
// MADT or the MP table gave (mp.h), in the 1:1-mapped DEVSPACE.
//
// Every device IRQ n arrives as vector T_IRQ0+n, whatever pin carries it,
// so trap.c dispatches on the IRQ number the driver knows. The choices:
//
//   ISA IRQs 0-15 (ioapicenable): the pin, polarity and trigger come from
//     the firmware's overrides (isairqs[], filled by acpi.c or mp.c);
//     without one, pin = IRQ, edge-triggered, active high, as on the ISA
//     bus. QEMU, for instance, wires IRQ 0 to pin 2.
//   IRQs 16 and up (ioapicenable): PCI INTx lines wired straight to the
//     pin of that number: level-triggered, active low, the PCI rule.
//   A PCI device whose interrupt-line register holds an ISA number (SeaBIOS
//     gives 10 or 11 on -machine pc) shares that ISA line in PIC style and
//     must be routed as PCI, level-triggered: ioapicenable_pci. Its pin and
//     polarity still follow the firmware's override if there is one (QEMU's
//     MADT declares its PCI lines active high), active low otherwise.
//
// Vectors T_IRQ0+IRQ_ERROR and T_IRQ0+IRQ_SPURIOUS belong to the local
// APIC, so IRQs 19 and 31 cannot be routed; nor can IRQs of 32 and up,
// whose vectors would reach T_SYSCALL.
//
// Interrupts are delivered to one CPU (fixed delivery, physical
// destination), the one the caller names by its index in cpus[].

#include "types.h"
#include "param.h"
#include "traps.h"
#include "memlayout.h"
#include "mmu.h"
#include "proc.h"
#include "defs.h"
#include "mp.h"

#define REG_ID     0x00   // bits 24-27: the APIC ID
#define REG_VER    0x01   // bits 16-23: number of pins minus one
#define REG_TABLE  0x10   // redirection entry i: registers 0x10+2i, 0x11+2i

// Redirection entry, low word (the high word's bits 24-31 are the
// destination APIC ID).
#define RE_MASKED    0x00010000
#define RE_LEVEL     0x00008000   // level-triggered (else edge)
#define RE_ACTLOW    0x00002000   // active low (else high)
#define RE_LOGICAL   0x00000800   // logical destination (else physical)

// The platform description (mp.h), filled in by acpi.c or mp.c.
uchar ioapicid;
uint ioapicpa;
uint ioapicgsibase;
struct isairq isairqs[16];

// The register window: write an index to reg, then access data.
struct ioapicregs {
  uint reg;
  uint pad[3];
  uint data;
};

static volatile struct ioapicregs *ioapic;
static int npins;          // 0 if there is no usable I/O APIC

static uint
ioapicread(int reg)
{
  ioapic->reg = reg;
  return ioapic->data;
}

static void
ioapicwrite(int reg, uint data)
{
  ioapic->reg = reg;
  ioapic->data = data;
}

// Find the I/O APIC and mask every pin; ioapicenable unmasks them one by
// one as drivers ask.
void
ioapicinit(void)
{
  uint ver, id;
  int i;

  if(ioapicpa == 0){
    cprintf("ioapic: none: device interrupts are off\n");
    return;
  }
  if(ioapicpa < DEVSPACE){
    cprintf("ioapic: %x is outside DEVSPACE: device interrupts are off\n",
            ioapicpa);
    return;
  }
  ioapic = (volatile struct ioapicregs*)ioapicpa;
  ver = ioapicread(REG_VER);
  if(ver == 0xFFFFFFFF){
    cprintf("ioapic: nothing at %x: device interrupts are off\n", ioapicpa);
    ioapic = 0;
    return;
  }
  npins = ((ver >> 16) & 0xFF) + 1;
  id = (ioapicread(REG_ID) >> 24) & 0x0F;
  if(id != (ioapicid & 0x0F))
    cprintf("ioapic: id %d, but the tables say %d\n", id, ioapicid);

  for(i = 0; i < npins; i++){
    ioapicwrite(REG_TABLE + 2*i, RE_MASKED | (T_IRQ0 + i));
    ioapicwrite(REG_TABLE + 2*i + 1, 0);
  }
}

// Program the pin of gsi to deliver vector T_IRQ0+irq to CPU cpu.
static int
route(int irq, uint gsi, uint flags, int cpu)
{
  uint pin, lo;

  if(npins == 0)
    return -1;
  if(irq < 0 || irq >= 32 || irq == IRQ_ERROR || irq == IRQ_SPURIOUS){
    cprintf("ioapic: irq %d has no vector of its own\n", irq);
    return -1;
  }
  pin = gsi - ioapicgsibase;
  if(gsi < ioapicgsibase || pin >= npins){
    cprintf("ioapic: irq %d: gsi %d is not on this I/O APIC\n", irq, gsi);
    return -1;
  }
  if(cpu < 0 || cpu >= ncpu)
    cpu = 0;

  lo = T_IRQ0 + irq;
  if(flags & RE_LEVEL)
    lo |= RE_LEVEL;
  if(flags & RE_ACTLOW)
    lo |= RE_ACTLOW;
  // Destination first: the entry goes live when the low word unmasks it.
  ioapicwrite(REG_TABLE + 2*pin + 1, (uint)cpus[cpu].apicid << 24);
  ioapicwrite(REG_TABLE + 2*pin, lo);
  return 0;
}

// Decode an INTI polarity/trigger pair, filling in "conforms to the bus"
// with the bus's rule: ISA edge/high, PCI level/low.
static uint
inti(ushort flags, int pci)
{
  uint re = 0;

  switch(flags & INTI_POL_MASK){
  case INTI_POL_LOW:
    re |= RE_ACTLOW;
    break;
  case INTI_POL_HIGH:
    break;
  default:
    if(pci)
      re |= RE_ACTLOW;
  }
  switch(flags & INTI_TRIG_MASK){
  case INTI_TRIG_LEVEL:
    re |= RE_LEVEL;
    break;
  case INTI_TRIG_EDGE:
    break;
  default:
    if(pci)
      re |= RE_LEVEL;
  }
  return re;
}

// Route IRQ irq to CPU cpu (an index in cpus[]): ISA IRQs as the firmware
// says, IRQs 16 and up as PCI lines on the pin of that number.
void
ioapicenable(int irq, int cpu)
{
  struct isairq *o;

  if(irq >= 0 && irq < 16){
    o = &isairqs[irq];
    if(o->overridden)
      route(irq, o->gsi, inti(o->flags, 0), cpu);
    else
      route(irq, irq, inti(0, 0), cpu);
  } else {
    route(irq, irq, RE_LEVEL | RE_ACTLOW, cpu);
  }
}

// Route a PCI device's INTx line, numbered irq by its interrupt-line
// register, to CPU cpu. Always level-triggered. Returns 0, or -1 if it
// cannot be routed (no I/O APIC, no such pin): the driver should poll.
int
ioapicenable_pci(int irq, int cpu)
{
  struct isairq *o;
  uint re;

  if(irq >= 0 && irq < 16 && isairqs[irq].overridden){
    o = &isairqs[irq];
    re = inti(o->flags, 1) | RE_LEVEL;
    return route(irq, o->gsi, re, cpu);
  }
  return route(irq, irq, RE_LEVEL | RE_ACTLOW, cpu);
}
