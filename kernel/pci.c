// PCI enumeration: find every device, give it addresses, start its driver.
//
// Configuration space is reached the old way, through two I/O ports: the
// kernel writes the address of a 32-bit configuration register (bus,
// device, function, offset) to 0xCF8 and then reads or writes the register
// through 0xCFC. Every machine we run on (QEMU's pc and q35, and BitVisor,
// which traps these ports to present its virtual NIC) supports it, so the
// kernel needs neither ACPI's MCFG nor memory-mapped configuration.
//
// pci_init() runs once at boot, on one CPU, in three passes:
//
//   1. Probe every bus, device and function, and record each function found
//      in a fixed table. Every base address register (BAR) is sized on the
//      way: write all ones, read back which bits stuck, restore the old
//      value. This is not just bookkeeping: BitVisor only makes the NIC's
//      I/O BAR live after the guest has written BAR0, as a real OS does.
//   2. Give an address to every BAR the firmware left at 0: I/O ports from
//      0xC000 upward, memory from [PCI_MMIO_BASE, PCI_MMIO_END), a window in
//      the 1:1-mapped device space (see memlayout.h) below the IOAPIC. Each
//      range is checked against every BAR already recorded, so nothing the
//      firmware placed is ever overlapped.
//   3. Print one line per function and hand the functions some driver
//      knows (pci_drivers[], by vendor:device) to that driver, after
//      enabling its decoding and bus mastering.
//
// Only BARs below 4 GiB are usable by this 32-bit kernel; a 64-bit BAR the
// firmware put higher is recorded with base 0 and left alone.

#include "types.h"
#include "defs.h"
#include "param.h"
#include "memlayout.h"
#include "mmu.h"
#include "spinlock.h"
#include "x86.h"
#include "pci.h"

#define NPCIFUNC      64          // functions remembered
#define PCI_IO_BASE   0xC000      // first I/O port we hand out
#define PCI_IO_END    0x10000
#define PCI_MMIO_BASE DEVSPACE    // memory window we hand out, mapped 1:1
#define PCI_MMIO_END  0xFEC00000  // the IOAPIC starts here

// A device this kernel has a driver for.
struct pci_driver {
  ushort vendor, device;
  int (*attach)(struct pci_func*);
};

static struct pci_driver pci_drivers[] = {
  { 0x1AF4, 0x1000, virtio_net_attach },   // virtio-net, legacy/transitional
};

static struct spinlock pcilock;   // the 0xCF8/0xCFC pair is one shared window
static struct pci_func pcifuncs[NPCIFUNC];
static int npcifunc;

static uint
pci_conf_addr(int bus, int dev, int func, int off)
{
  return 0x80000000 | bus << 16 | dev << 11 | func << 8 | (off & 0xFC);
}

static uint
pci_read(int bus, int dev, int func, int off)
{
  uint v;

  acquire(&pcilock);
  outl(PCI_CONFIG_ADDR, pci_conf_addr(bus, dev, func, off));
  v = inl(PCI_CONFIG_DATA);
  release(&pcilock);
  return v;
}

static void
pci_write(int bus, int dev, int func, int off, uint v)
{
  acquire(&pcilock);
  outl(PCI_CONFIG_ADDR, pci_conf_addr(bus, dev, func, off));
  outl(PCI_CONFIG_DATA, v);
  release(&pcilock);
}

// Read the aligned 32-bit configuration register holding offset off.
// Narrower fields are shifted out by the caller.
uint
pci_conf_read(struct pci_func *f, int off)
{
  return pci_read(f->bus, f->dev, f->func, off);
}

void
pci_conf_write(struct pci_func *f, int off, uint v)
{
  pci_write(f->bus, f->dev, f->func, off, v);
}

// The command register shares its 32-bit word with the status register,
// whose bits are write-one-to-clear: writing zeros there changes nothing.
static void
pci_write_command(struct pci_func *f, ushort cmd)
{
  pci_conf_write(f, PCI_COMMAND, cmd);
}

static ushort
pci_read_command(struct pci_func *f)
{
  return pci_conf_read(f, PCI_COMMAND) & 0xFFFF;
}

// Size BAR i of f and record it. Returns how many BAR slots it used
// (2 for a 64-bit memory BAR). Decoding must be off while the BAR holds
// all ones, or the device would answer at a nonsense address.
static int
pci_size_bar(struct pci_func *f, int i)
{
  int off = PCI_BAR0 + 4*i;
  uint old, probe, hi;

  old = pci_conf_read(f, off);
  pci_conf_write(f, off, 0xFFFFFFFF);
  probe = pci_conf_read(f, off);
  pci_conf_write(f, off, old);
  if(probe == 0)
    return 1;                             // not implemented

  if(old & PCI_BAR_IO){
    f->bario[i] = 1;
    f->bar[i] = old & ~0x3;
    // Devices may hard-wire the upper 16 bits of an I/O BAR to 0.
    f->barsize[i] = ~((probe | 0xFFFF0000) & ~0x3) + 1;
    return 1;
  }

  f->bar[i] = old & ~0xF;
  f->barsize[i] = ~(probe & ~0xF) + 1;
  if((old & PCI_BAR_MEM_TYPE) != PCI_BAR_MEM_64 || i+1 >= PCI_NBAR)
    return 1;
  // A 64-bit BAR: the next slot holds the upper half of the address.
  hi = pci_conf_read(f, off+4);
  pci_conf_write(f, off+4, 0xFFFFFFFF);
  probe = pci_conf_read(f, off+4);
  pci_conf_write(f, off+4, hi);
  if(hi != 0 || probe != 0xFFFFFFFF){
    // Placed above 4 GiB, or 4 GiB or larger: out of our reach.
    f->bar[i] = 0;
    f->barsize[i] = 0;
  }
  return 2;
}

// Record function (bus, dev, func) and size its BARs.
static void
pci_probe(int bus, int dev, int func, uint id)
{
  struct pci_func *f;
  uint class;
  ushort cmd;
  int i, nbar;

  if(npcifunc >= NPCIFUNC){
    cprintf("pci: more than %d functions, bus %d dev %d func %d ignored\n",
            NPCIFUNC, bus, dev, func);
    return;
  }
  f = &pcifuncs[npcifunc++];
  f->bus = bus;
  f->dev = dev;
  f->func = func;
  f->vendor = id & 0xFFFF;
  f->device = id >> 16;
  class = pci_conf_read(f, PCI_CLASS_REVISION);
  f->class = class >> 24;
  f->subclass = class >> 16;
  f->progif = class >> 8;
  f->htype = (pci_conf_read(f, PCI_HEADER_TYPE & ~3) >> 16) & 0x7F;
  i = pci_conf_read(f, PCI_INTERRUPT_LINE);
  f->irqline = i & 0xFF;
  f->irqpin = (i >> 8) & 0xFF;

  // Type 0 headers have six BARs, bridges (type 1) two, others none.
  nbar = f->htype == 0 ? 6 : f->htype == 1 ? 2 : 0;
  cmd = pci_read_command(f);
  pci_write_command(f, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
  for(i = 0; i < nbar; )
    i += pci_size_bar(f, i);
  pci_write_command(f, cmd);
}

// Visit every function of every device on every bus. Brute force (8192
// probes of the vendor ID) is quick and needs no knowledge of bridges.
static void
pci_scan(void)
{
  int bus, dev, func, nfunc;
  uint id, hdr;

  for(bus = 0; bus < 256; bus++){
    for(dev = 0; dev < 32; dev++){
      nfunc = 1;
      for(func = 0; func < nfunc; func++){
        id = pci_read(bus, dev, func, PCI_VENDOR_ID);
        if((id & 0xFFFF) == 0xFFFF)
          continue;
        // Bit 7 of the header type: a multi-function device.
        hdr = pci_read(bus, dev, 0, PCI_HEADER_TYPE & ~3) >> 16;
        if(func == 0 && (hdr & 0x80))
          nfunc = 8;
        pci_probe(bus, dev, func, id);
      }
    }
  }
}

// Does [base, base+size) in I/O space (io=1) or memory overlap a BAR?
static int
pci_range_busy(int io, uint base, uint size)
{
  struct pci_func *f;
  int i;

  for(f = pcifuncs; f < &pcifuncs[npcifunc]; f++){
    for(i = 0; i < PCI_NBAR; i++){
      if(f->barsize[i] == 0 || f->bar[i] == 0 || f->bario[i] != io)
        continue;
      if(base < f->bar[i] + f->barsize[i] && f->bar[i] < base + size)
        return 1;
    }
  }
  return 0;
}

// Find a free, naturally aligned range of size bytes in [start, end).
// Returns 0 when there is none.
static uint
pci_alloc_range(int io, uint size, uint start, uint end)
{
  uint align, base;

  align = size;
  if(!io && align < PGSIZE)
    align = PGSIZE;                       // keep each MMIO BAR on its own page
  for(base = (start + align - 1) & ~(align - 1);
      base >= start && base + size <= end && base + size > base;
      base += align){
    if(!pci_range_busy(io, base, size))
      return base;
  }
  return 0;
}

// Give addresses to the BARs the firmware left unassigned.
static void
pci_assign(void)
{
  struct pci_func *f;
  uint base;
  int i;

  for(f = pcifuncs; f < &pcifuncs[npcifunc]; f++){
    for(i = 0; i < PCI_NBAR; i++){
      if(f->barsize[i] == 0 || f->bar[i] != 0)
        continue;
      if(f->bario[i])
        base = pci_alloc_range(1, f->barsize[i], PCI_IO_BASE, PCI_IO_END);
      else
        base = pci_alloc_range(0, f->barsize[i], PCI_MMIO_BASE, PCI_MMIO_END);
      if(base == 0){
        cprintf("pci %02x:%02x.%x: no room for bar%d (%d bytes)\n",
                f->bus, f->dev, f->func, i, f->barsize[i]);
        continue;
      }
      // The low flag bits are read-only, so writing them back is harmless;
      // the upper half of a 64-bit BAR already holds 0.
      pci_conf_write(f, PCI_BAR0 + 4*i, base);
      f->bar[i] = base;
    }
  }
}

// Write v as n lowercase hex digits at p; returns the end.
static char*
pci_hex(char *p, uint v, int n)
{
  while(n-- > 0)
    *p++ = "0123456789abcdef"[(v >> 4*n) & 0xF];
  return p;
}

// "bb:dd.f vvvv:dddd class cc.ss", the usual way to name a function.
static char*
pci_name(struct pci_func *f, char *buf)
{
  char *p = buf;

  p = pci_hex(p, f->bus, 2);
  *p++ = ':';
  p = pci_hex(p, f->dev, 2);
  *p++ = '.';
  p = pci_hex(p, f->func, 1);
  *p++ = ' ';
  p = pci_hex(p, f->vendor, 4);
  *p++ = ':';
  p = pci_hex(p, f->device, 4);
  memmove(p, " class ", 7);
  p += 7;
  p = pci_hex(p, f->class, 2);
  *p++ = '.';
  p = pci_hex(p, f->subclass, 2);
  *p = 0;
  return buf;
}

static void
pci_print(struct pci_func *f)
{
  char name[40];
  int i;

  cprintf("pci %s", pci_name(f, name));
  if(f->irqpin)
    cprintf(" irq %d", f->irqline);
  for(i = 0; i < PCI_NBAR; i++){
    if(f->barsize[i] && f->bar[i])
      cprintf(" %s%d 0x%x/%d", f->bario[i] ? "io" : "mem", i,
              f->bar[i], f->barsize[i]);
  }
  cprintf("\n");
}

// Turn on decoding for every BAR the function has, and bus mastering so
// the device can reach the rings and buffers in RAM.
static void
pci_enable(struct pci_func *f)
{
  ushort cmd;
  int i;

  cmd = pci_read_command(f) | PCI_COMMAND_MASTER;
  for(i = 0; i < PCI_NBAR; i++){
    if(f->barsize[i] && f->bar[i])
      cmd |= f->bario[i] ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY;
  }
  pci_write_command(f, cmd & ~PCI_COMMAND_INTX_DISABLE);
}

static void
pci_attach(struct pci_func *f)
{
  struct pci_driver *d;

  for(d = pci_drivers; d < &pci_drivers[NELEM(pci_drivers)]; d++){
    if(d->vendor != f->vendor || d->device != f->device)
      continue;
    pci_enable(f);
    if(d->attach(f) < 0)
      cprintf("pci %02x:%02x.%x: driver failed to attach\n",
              f->bus, f->dev, f->func);
    return;
  }
}

void
pci_init(void)
{
  struct pci_func *f;

  initlock(&pcilock, "pci");
  pci_scan();
  pci_assign();
  for(f = pcifuncs; f < &pcifuncs[npcifunc]; f++){
    pci_print(f);
    pci_attach(f);
  }
}
