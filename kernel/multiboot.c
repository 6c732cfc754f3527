// What the boot loader tells us: command line, usable RAM, boot modules.
//
// GRUB (or QEMU's -kernel) passes a multiboot information structure whose
// pieces (command line, memory map, module list) lie somewhere in physical
// memory that the kernel will soon reuse. multiboot_init() therefore runs
// first thing in main() and copies what we need into fixed static arrays;
// nothing else in the kernel reads GRUB's structures.
//
// When our own boot sector started us (lab 1's starting point, `make
// qemu-ide`) there is no such structure: the amount of RAM then comes from
// the PC's CMOS memory, and there are no modules. Prefer the memory map
// whenever there is one: BitVisor, for example, hides the top 128 MiB of RAM
// from its guest through that map, while CMOS still counts them.
//
// All ranges are physical addresses. Usable RAM is reported only inside
// [EXTMEM, PHYSLIMIT): below 1 MiB live the BIOS, the AP start-up code and
// the MP tables, and above PHYSLIMIT the kernel's direct map ends.

#include "types.h"
#include "defs.h"
#include "param.h"
#include "memlayout.h"
#include "mmu.h"
#include "multiboot.h"
#include "x86.h"

#define NMODULE 4           // boot modules remembered (the first is fs.img)

static int multiboot;       // did a multiboot loader start us?
static char bootcmdline[CMDLINE_MAX];

static struct memrange modules[NMODULE];
static int nmodule;

// The kernel direct-maps physical memory below PHYSLIMIT only (main() calls
// kvmalloc() before us); return the kernel address of [pa, pa+n), or 0 if
// that lies outside, so a strange loader cannot make us fault.
static void*
physptr(uint pa, uint n)
{
  if(pa >= PHYSLIMIT || n > PHYSLIMIT - pa)
    return 0;
  return P2V(pa);
}

static void
save_cmdline(struct mb_info *mb)
{
  char *s;
  int i;

  if(!(mb->flags & MBI_CMDLINE))
    return;
  if((s = physptr(mb->cmdline, 1)) == 0)
    return;
  for(i = 0; i < CMDLINE_MAX-1 && (uint)(s+i) < KERNBASE+PHYSLIMIT && s[i]; i++)
    bootcmdline[i] = s[i];
  bootcmdline[i] = 0;
}

static void
save_modules(struct mb_info *mb)
{
  struct mb_module *m;
  uint i;

  if(!(mb->flags & MBI_MODS))
    return;
  m = physptr(mb->mods_addr, mb->mods_count * sizeof(*m));
  if(m == 0)
    return;
  for(i = 0; i < mb->mods_count && nmodule < NMODULE; i++){
    if(m[i].mod_end <= m[i].mod_start)
      continue;
    modules[nmodule].start = m[i].mod_start;
    modules[nmodule].end = m[i].mod_end;
    nmodule++;
  }
}

// LAB 1: BEGIN SOLUTION
static struct memrange memmap[NMEMRANGE];   // usable RAM from the memory map
static int nmemmap;

// Keep the usable-RAM entries of the loader's memory map, clipped to
// [EXTMEM, PHYSLIMIT) and shrunk to whole pages.
static void
save_memmap(struct mb_info *mb)
{
  struct mb_mmap_entry *e;
  char *p, *lim;
  uint64 start, end;

  if(!(mb->flags & MBI_MMAP))
    return;
  if((p = physptr(mb->mmap_addr, mb->mmap_length)) == 0)
    return;
  lim = p + mb->mmap_length;
  // Entries vary in size: each begins with its size, not counting itself.
  for(; p + sizeof(*e) <= lim; p += e->size + 4){
    e = (struct mb_mmap_entry*)p;
    if(e->type != MB_MEMORY_AVAILABLE)
      continue;
    start = e->addr;
    end = e->addr + e->len;
    if(start < EXTMEM)
      start = EXTMEM;
    if(end > PHYSLIMIT)
      end = PHYSLIMIT;
    start = PGROUNDUP(start);
    end = PGROUNDDOWN(end);
    if(start >= end || nmemmap >= NMEMRANGE)
      continue;
    memmap[nmemmap].start = start;
    memmap[nmemmap].end = end;
    nmemmap++;
  }
}
// LAB 1: STUB
// LAB 1: END

// Called by main() with the registers the boot loader left in %eax and
// %ebx, after kvmalloc() (which needs no memory) and before anything can
// allocate or overwrite memory.
void
multiboot_init(uint magic, uint mbinfo_pa)
{
  struct mb_info *mb;

  if(magic == MB_BOOT_MAGIC && (mb = physptr(mbinfo_pa, sizeof(*mb))) != 0){
    multiboot = 1;
    save_cmdline(mb);
    save_modules(mb);
// LAB 1: BEGIN SOLUTION
    save_memmap(mb);
// LAB 1: STUB
//     // Lab 1: keep the loader's memory map too, for boot_memranges()
//     // (Multiboot 0.6.96, 3.3 Boot information format). Now or never: it
//     // lies in memory that kinit() will soon hand out.
// LAB 1: END
  }
  cmdline_init(bootcmdline);
}

int
booted_by_multiboot(void)
{
  return multiboot;
}

// Read a byte of the PC's CMOS (NVRAM) memory.
static uint
cmos_read(uint reg)
{
  outb(0x70, reg);
  return inb(0x71);
}

// Usable RAM as the BIOS recorded it in CMOS: one range from 1 MiB up.
// Registers 0x34/0x35 count 64 KiB units above 16 MiB; 0x17/0x18 count
// KiB above 1 MiB but saturate at 64 MiB, so they only matter on small
// machines. The BIOS keeps its ACPI tables at the very top of RAM, where
// CMOS cannot tell us, so the last MiB is left alone.
static int
cmos_memranges(struct memrange *r, int max)
{
  uint kb;      // KiB of RAM from 0 up

  kb = (cmos_read(0x34) | cmos_read(0x35) << 8) * 64;
  if(kb > 0)
    kb += 16*1024;
  else
    kb = (cmos_read(0x17) | cmos_read(0x18) << 8) + 1024;
  if(kb > PHYSLIMIT/1024)
    kb = PHYSLIMIT/1024;
  kb -= 1024;
  if(max < 1 || kb <= EXTMEM/1024)
    return 0;
  r[0].start = EXTMEM;
  r[0].end = kb * 1024;
  return 1;
}

// Fill r[0..max) with the usable physical memory ranges; return how many.
int
boot_memranges(struct memrange *r, int max)
{
// LAB 1: BEGIN SOLUTION
  int i;

  if(nmemmap > 0){
    for(i = 0; i < nmemmap && i < max; i++)
      r[i] = memmap[i];
    return i;
  }
// LAB 1: STUB
//   // Lab 1: when the boot loader gave a memory map, that map, not CMOS,
//   // says which RAM is ours (BitVisor hides its own memory only there):
//   // report its usable RAM, at most max ranges, physical, in whole pages
//   // and inside [EXTMEM, PHYSLIMIT), as the top of this file promises.
//   // Report RAM, not free memory: kinit() itself keeps out what is in use
//   // at boot. CMOS remains the answer only when no usable range was kept:
//   // no map (our own boot sector, make qemu-ide), or nothing usable in it.
//   // Traps: the map's addresses and lengths are 64-bit and may lie past
//   // 4 GiB; its entries need not all have the same size; NMEMRANGE
//   // (param.h) bounds how many ranges anyone keeps.
// LAB 1: END
  return cmos_memranges(r, max);
}

// Module i's physical extent [*start, *end); 0 if there is no module i.
int
boot_module(int i, uint *start, uint *end)
{
  if(i < 0 || i >= nmodule)
    return 0;
  *start = modules[i].start;
  *end = modules[i].end;
  return 1;
}
