// The second half of the boot sector: load the kernel from the IDE disk.
//
// The disk image (`make ide-image`) is this sector followed by the kernel's
// ELF file, from sector 1 on. We read the ELF header into scratch memory,
// then each loadable segment to its physical address (p_paddr: the kernel
// is linked in the high half but loaded at 1 MiB), zero the part of the
// segment beyond the file's bytes (the bss), and jump to the physical entry
// point with paging off. %eax = 0 tells the kernel that no multiboot loader
// started it, so there is no information structure for it to read.
//
// The disk is read with programmed I/O on the primary ATA channel, polling
// the status register, one sector per command: slow, but small enough to
// fit in the boot sector.

#include "types.h"
#include "elf.h"
#include "x86.h"

#define SECTSIZE  512
#define SCRATCH   ((struct elfhdr*)0x10000)   // below 1 MiB, above us

// ATA task-file registers of the primary channel.
#define ATA_DATA    0x1F0
#define ATA_COUNT   0x1F2
#define ATA_LBA0    0x1F3
#define ATA_LBA1    0x1F4
#define ATA_LBA2    0x1F5
#define ATA_DRIVE   0x1F6   // bits 0-3: LBA bits 24-27
#define ATA_STATUS  0x1F7   // read: status; write: command
#define   ATA_BSY     0x80
#define   ATA_DRDY    0x40
#define ATA_READ    0x20

static void readseg(uchar*, uint, uint);

void
bootmain(void)
{
  struct elfhdr *elf = SCRATCH;
  struct proghdr *ph, *eph;
  uchar *pa;

  // The program headers follow the ELF header in the first page.
  readseg((uchar*)elf, 4096, 0);
  if(elf->magic != ELF_MAGIC)
    return;

  ph = (struct proghdr*)((uchar*)elf + elf->phoff);
  eph = ph + elf->phnum;
  for(; ph < eph; ph++){
    if(ph->type != ELF_PROG_LOAD)
      continue;
    pa = (uchar*)ph->paddr;
    readseg(pa, ph->filesz, ph->off);
    if(ph->memsz > ph->filesz)
      stosb(pa + ph->filesz, 0, ph->memsz - ph->filesz);
  }

  asm volatile("jmp *%0" : : "r" (elf->entry), "a" (0));
}

// Wait until the drive is ready and not busy.
static void
waitdisk(void)
{
  while((inb(ATA_STATUS) & (ATA_BSY|ATA_DRDY)) != ATA_DRDY)
    ;
}

// Read disk sector sect (LBA, master drive) into dst.
static void
readsect(void *dst, uint sect)
{
  waitdisk();
  outb(ATA_COUNT, 1);
  outb(ATA_LBA0, sect);
  outb(ATA_LBA1, sect >> 8);
  outb(ATA_LBA2, sect >> 16);
  outb(ATA_DRIVE, (sect >> 24) | 0xE0);   // LBA mode, master
  outb(ATA_STATUS, ATA_READ);
  waitdisk();
  insl(ATA_DATA, dst, SECTSIZE/4);
}

// Read count bytes at offset of the kernel file into memory at pa. Whole
// sectors are read, so up to a sector before pa may be overwritten too.
static void
readseg(uchar *pa, uint count, uint offset)
{
  uchar *epa = pa + count;
  uint sect = offset / SECTSIZE + 1;    // the kernel starts at sector 1

  for(pa -= offset % SECTSIZE; pa < epa; pa += SECTSIZE, sect++)
    readsect(pa, sect);
}
