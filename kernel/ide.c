// IDE (ATA) disk driver, programmed I/O, for the file-system disk of the
// lab-1 starting point: the SLAVE drive of the primary channel, which QEMU
// attaches with `-drive file=fs.img,index=1,media=disk,format=raw` (the
// master, index=0, holds our boot sector and the kernel).
//
// The primary channel's command block is at ports 0x1F0-0x1F7 and its
// control register at 0x3F6; the drive raises IRQ 14. A file-system block
// is SPB 512-byte sectors, moved with READ SECTORS / WRITE SECTORS (28-bit
// LBA). With those commands the drive interrupts once per sector: for a
// read when the next sector is ready to be fetched, for a write when it is
// ready to accept the next sector and finally when the last one is on disk.
//
// Requests wait in a FIFO queue (idequeue, linked through b->qnext); the
// head is the one on the controller. iderw() appends and sleeps on the
// buffer; ideintr() moves sector after sector and, when the block is done,
// wakes the sleeper and starts the next request. Before the first process
// runs there is nobody to put to sleep, so iderw() then drives the same
// steps by polling the status register.
//
// Nothing here may hang or panic at probe time: on `-machine q35` there is
// no IDE controller at all (the ports read 0xFF), and on `-machine pc`
// without a second disk the slave is absent. ideinit() returns -1 then.

#include "types.h"
#include "param.h"
#include "memlayout.h"
#include "mmu.h"
#include "proc.h"
#include "x86.h"
#include "traps.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "defs.h"
#include "fs.h"
#include "buf.h"

#define SECTSIZE   512
#define SPB        (BSIZE / SECTSIZE)   // sectors per block

// Primary channel registers.
#define IDE_DATA     0x1F0
#define IDE_SECCNT   0x1F2
#define IDE_LBA0     0x1F3
#define IDE_LBA1     0x1F4
#define IDE_LBA2     0x1F5
#define IDE_DRIVE    0x1F6   // 0xE0 = LBA mode, bit 4 = slave, bits 0-3 = LBA 24-27
#define IDE_STATUS   0x1F7   // reading it acknowledges the interrupt
#define IDE_COMMAND  0x1F7
#define IDE_CTRL     0x3F6   // bit 1 (nIEN) masks the interrupt

// Status bits.
#define IDE_BSY   0x80
#define IDE_DRDY  0x40
#define IDE_DF    0x20
#define IDE_DRQ   0x08
#define IDE_ERR   0x01

#define ATA_READ_SECTORS   0x20
#define ATA_WRITE_SECTORS  0x30

#define IDE_SLAVE   1
#define IDE_SPIN    1000000  // status polls before giving up

static struct spinlock idelock;
static struct buf *idequeue;   // head is on the controller
static int idesect;            // sectors of the head request moved so far
static uint idesize;           // blocks on the disk (0: not probed)

// Wait until the drive is not busy, at most IDE_SPIN polls.
// Returns the last status, or -1 on timeout.
static int
idewait(void)
{
  int i, r;

  for(i = 0; i < IDE_SPIN; i++){
    r = inb(IDE_STATUS);
    if(r == 0xFF)
      return -1;        // floating bus: no controller
    if((r & IDE_BSY) == 0)
      return r;
  }
  return -1;
}

// Give the drive the 400 ns it needs after a drive select.
static void
idedelay(void)
{
  int i;

  for(i = 0; i < 4; i++)
    inb(IDE_CTRL);
}

// Ask the slave drive for its IDENTIFY data; returns the number of
// LBA-28 sectors, or 0 if there is no ATA disk there.
static uint
ideidentify(void)
{
  ushort id[256];
  int i, r;

  outb(IDE_DRIVE, 0xA0 | (IDE_SLAVE << 4));
  idedelay();
  outb(IDE_SECCNT, 0);
  outb(IDE_LBA0, 0);
  outb(IDE_LBA1, 0);
  outb(IDE_LBA2, 0);
  outb(IDE_COMMAND, 0xEC);     // IDENTIFY DEVICE
  if(inb(IDE_STATUS) == 0)
    return 0;                  // no drive answers
  for(i = 0; i < IDE_SPIN; i++){
    r = inb(IDE_STATUS);
    if(r == 0xFF || (r & IDE_ERR))
      return 0;                // floating bus, or not an ATA disk
    if((r & (IDE_BSY|IDE_DRQ)) == IDE_DRQ)
      break;
  }
  if(i == IDE_SPIN)
    return 0;
  insl(IDE_DATA, id, sizeof(id)/4);
  return id[60] | (uint)id[61] << 16;
}

int
ideinit(void)
{
  uint nsect;

  initlock(&idelock, "ide");
  if(inb(IDE_STATUS) == 0xFF)
    return -1;                 // no controller (e.g. q35)
  if(idewait() < 0)
    return -1;
  nsect = ideidentify();
  if(nsect < SPB)
    return -1;
  idesize = nsect / SPB;
  cprintf("ide: disk 1 has %d blocks\n", idesize);

  irq_register(IRQ_IDE, ideintr);
  ioapicenable(IRQ_IDE, 0);
  outb(IDE_CTRL, 0);           // interrupts on
  return 0;
}

// Put request b on the controller. Caller holds idelock.
static void
idestart(struct buf *b)
{
  uint sector = b->blockno * SPB;

  if(b->blockno >= idesize)
    panic("idestart: block beyond the end of the disk");
  if(idewait() < 0)
    panic("idestart: disk not ready");

  idesect = 0;
  outb(IDE_DRIVE, 0xE0 | (IDE_SLAVE << 4) | ((sector >> 24) & 0x0F));
  idedelay();
  outb(IDE_SECCNT, SPB);
  outb(IDE_LBA0, sector & 0xFF);
  outb(IDE_LBA1, (sector >> 8) & 0xFF);
  outb(IDE_LBA2, (sector >> 16) & 0xFF);
  if(b->dirty){
    outb(IDE_COMMAND, ATA_WRITE_SECTORS);
    // The first sector goes as soon as the drive asks for it (DRQ);
    // later ones are sent from the interrupt handler.
    if(idewait() < 0 || (inb(IDE_STATUS) & IDE_DRQ) == 0)
      panic("idestart: drive does not take data");
    outsl(IDE_DATA, b->data, SECTSIZE/4);
  } else {
    outb(IDE_COMMAND, ATA_READ_SECTORS);
  }
}

// One step of the head request, after the drive signalled (by interrupt
// or, when polling, by status) that it is ready. Caller holds idelock.
static void
idestep(int status)
{
  struct buf *b = idequeue;

  if(status & (IDE_ERR|IDE_DF))
    panic("ide: disk error");
  if(b->dirty){
    idesect++;                       // the drive has taken a sector
    if(idesect < SPB){
      outsl(IDE_DATA, b->data + idesect*SECTSIZE, SECTSIZE/4);
      return;
    }
    b->dirty = 0;
  } else {
    insl(IDE_DATA, b->data + idesect*SECTSIZE, SECTSIZE/4);
    idesect++;
    if(idesect < SPB)
      return;
  }

  // The block is complete.
  b->valid = 1;
  b->disk = 0;
  idequeue = b->qnext;
  wakeup(b);
  if(idequeue)
    idestart(idequeue);
}

void
ideintr(void)
{
  int status;

  acquire(&idelock);
  status = inb(IDE_STATUS);          // also acknowledges the interrupt
  if(idequeue == 0 || (status & IDE_BSY)){
    release(&idelock);               // spurious, or shared and not ours
    return;
  }
  idestep(status);
  release(&idelock);
}

// Read or write b (locked) as b->dirty says; see buf.h.
void
iderw(struct buf *b)
{
  struct buf **pp;
  int status;

  if(!holdingsleep(&b->lock))
    panic("iderw: buffer not locked");
  if(b->valid && !b->dirty)
    panic("iderw: nothing to do");
  if(idesize == 0)
    panic("iderw: no disk");

  acquire(&idelock);
  b->disk = 1;
  b->qnext = 0;
  for(pp = &idequeue; *pp; pp = &(*pp)->qnext)
    ;
  *pp = b;
  if(idequeue == b)
    idestart(b);

  if(myproc() == 0){
    // No process context yet: drive the request by polling. Interrupts
    // are off while idelock is held, so ideintr cannot race with us.
    while(b->disk){
      if((status = idewait()) < 0)
        panic("iderw: disk timeout");
      // A write advances whenever the drive stops being busy; a read
      // when a sector is waiting (DRQ), or to report an error.
      if(b->dirty || (status & (IDE_DRQ|IDE_ERR|IDE_DF)))
        idestep(status);
    }
  } else {
    while(b->disk)
      sleep(b, &idelock);
  }
  release(&idelock);
}
