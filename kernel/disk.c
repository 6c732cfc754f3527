// The root disk: which driver holds the file system.
//
// There is exactly one disk, ROOTDEV, chosen once at boot. When GRUB loaded
// the file-system image as a multiboot module, the RAM disk serves it (the
// finished lab 1; also QEMU's -kernel/-initrd); otherwise the IDE driver
// serves the slave disk of the primary channel (the lab-1 starting point,
// booted from our own boot sector on the master). The rest of the kernel
// sees only disk_rw(), whose contract is written in buf.h.

#include "types.h"
#include "param.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "defs.h"
#include "fs.h"
#include "buf.h"

enum { DISK_NONE, DISK_RAM, DISK_IDE };
static int rootdisk = DISK_NONE;

void
disk_init(void)
{
  if(rootdisk != DISK_NONE)
    panic("disk_init: called twice");
  if(ramdiskinit() == 0){
    rootdisk = DISK_RAM;
    cprintf("disk: file system on the RAM disk\n");
  } else if(ideinit() == 0){
    rootdisk = DISK_IDE;
    cprintf("disk: file system on IDE disk 1\n");
  } else {
    panic("disk_init: no file system (no GRUB module, no IDE disk)");
  }
}

// Read or write b (locked) as b->dirty says; returns when done.
void
disk_rw(struct buf *b)
{
  if(!holdingsleep(&b->lock))
    panic("disk_rw: buffer not locked");
  if(b->dev != ROOTDEV)
    panic("disk_rw: no such device");

  switch(rootdisk){
  case DISK_RAM:
    ramdiskrw(b);
    break;
  case DISK_IDE:
    iderw(b);
    break;
  default:
    panic("disk_rw: no disk");
  }
}
