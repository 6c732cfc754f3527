// RAM disk: the file system image that GRUB loaded into memory.
//
// grub.cfg says `module /boot/fs.img`, so GRUB copies the image built by
// mkfs into physical memory and names the range in the multiboot
// information (multiboot.c remembers it: boot_module()). The kernel then
// uses that memory as its disk. Block b is simply the BSIZE bytes at
// offset b*BSIZE of the image, reached through the direct map (P2V), so a
// transfer is a memmove: synchronous, no interrupts, no request queue.
// Nothing is written back anywhere: changes last until the machine stops.
//
// This is the lab-1 exercise. Without it, ramdiskinit() reports that there
// is no RAM disk and disk.c falls back to the IDE disk of the lab-1
// starting point.

#include "types.h"
#include "param.h"
#include "memlayout.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "defs.h"
#include "fs.h"
#include "buf.h"

// LAB 1: BEGIN SOLUTION
static uchar *image;     // kernel virtual address of block 0
static uint nblocks;     // size of the image in blocks

// LAB 1: STUB
// LAB 1: END
// Find the file-system module. Returns 0 if there is a usable RAM disk,
// -1 if not (no module, or one the kernel cannot use).
int
ramdiskinit(void)
{
  // LAB 1: BEGIN SOLUTION
  uint start, end;

  if(boot_module(0, &start, &end) == 0)
    return -1;
  if(end <= start || end > PHYSLIMIT){
    cprintf("ramdisk: module [%x, %x) is not below PHYSLIMIT, ignored\n",
            start, end);
    return -1;
  }
  if((end - start) % BSIZE != 0){
    cprintf("ramdisk: module size %d is not a multiple of %d, ignored\n",
            end - start, BSIZE);
    return -1;
  }
  image = P2V(start);
  nblocks = (end - start) / BSIZE;
  cprintf("ramdisk: %d blocks at %x\n", nblocks, start);
  return 0;
  // LAB 1: STUB
  // // Lab 1: decide whether the first boot module (multiboot.c keeps the
  // // list) can be the disk, and remember what ramdiskrw() will need.
  // // Returns 0 if it can; -1 if there is no module, or one the kernel
  // // cannot use (say why on the console), and then disk.c tries IDE.
  // // Traps: the module's bounds come from the boot loader, unchecked; the
  // // kernel reaches physical memory only below PHYSLIMIT (memlayout.h);
  // // a file system is made of whole BSIZE blocks.
  // return -1;
  // LAB 1: END
}

// Transfer b to or from the image, as buf.h's contract asks.
void
ramdiskrw(struct buf *b)
{
  // LAB 1: BEGIN SOLUTION
  uchar *p;

  if(!holdingsleep(&b->lock))
    panic("ramdiskrw: buffer not locked");
  if(b->blockno >= nblocks)
    panic("ramdiskrw: block out of range");

  p = image + b->blockno*BSIZE;
  if(b->dirty){
    memmove(p, b->data, BSIZE);
    b->dirty = 0;
  } else {
    memmove(b->data, p, BSIZE);
  }
  b->valid = 1;
  // LAB 1: STUB
  // // Lab 1: carry out the disk_rw() contract of buf.h for b, on the image
  // // ramdiskinit() found; synchronous, done when this returns. Caller
  // // holds b->lock.
  // // Trap: a block the image does not have is a kernel bug, not a disk
  // // error: panic rather than touch memory past the image.
  // panic("ramdiskrw: not implemented");
  // LAB 1: END
}
