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

// Copy one loadable segment from the disk to its physical address and
// clear the tail that the file does not supply (the bss).
static void
loadsegment(struct proghdr *ph)
{
  uchar *base = (uchar*)ph->paddr;
  uchar *filled = base + ph->filesz;
  uchar *top = base + ph->memsz;

  readseg(base, ph->filesz, ph->off);
  if(top > filled)
    stosb(filled, 0, top - filled);
}

void
bootmain(void)
{
  struct elfhdr *elf = SCRATCH;
  struct proghdr *phdrs;
  int i;

  // One page holds the ELF header and, right after it, the program headers.
  readseg((uchar*)elf, 4096, 0);
  if(elf->magic != ELF_MAGIC)
    return;                     // bootasm.S halts if we come back

  phdrs = (struct proghdr*)((uchar*)elf + elf->phoff);
  for(i = 0; i < elf->phnum; i++){
    if(phdrs[i].type == ELF_PROG_LOAD)
      loadsegment(&phdrs[i]);
  }

  asm volatile("jmp *%0" : : "r" (elf->entry), "a" (0));
}

// Spin until the drive reports ready and no longer busy.
static void
waitdisk(void)
{
  while((inb(ATA_STATUS) & (ATA_BSY|ATA_DRDY)) != ATA_DRDY)
    ;
}

// Read disk sector sect (28-bit LBA, master drive) into dst.
static void
readsect(void *dst, uint sect)
{
  int i;

  waitdisk();
  outb(ATA_COUNT, 1);
  for(i = 0; i < 3; i++)        // LBA bits 0-23, one byte per register
    outb(ATA_LBA0 + i, sect >> (8*i));
  outb(ATA_DRIVE, 0xE0 | (sect >> 24));   // LBA mode, master, bits 24-27
  outb(ATA_STATUS, ATA_READ);
  waitdisk();
  insl(ATA_DATA, dst, SECTSIZE/4);
}

// Read count bytes starting at byte offset of the kernel file to pa. Only
// whole sectors can be read, so the bytes of the first sector that come
// before offset land just below pa.
static void
readseg(uchar *pa, uint count, uint offset)
{
  uint s = offset / SECTSIZE;
  uint end = (offset + count + SECTSIZE - 1) / SECTSIZE;

  pa -= offset % SECTSIZE;
  for(; s < end; s++, pa += SECTSIZE)
    readsect(pa, s + 1);        // sector 0 is us; the file starts at 1
}
