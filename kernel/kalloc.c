// Physical memory allocator, one 4 KiB page at a time.
//
// Free pages form a linked list threaded through the pages themselves
// (each free page starts with a struct run), so the allocator needs no
// memory of its own. Pages are handed out by their kernel (direct-map)
// address. Everything is one page: user memory, page tables, kernel stacks,
// pipe buffers.
//
// kinit() builds the list from boot_memranges() (multiboot.c), minus the
// pages that are already in use: everything below 1 MiB, the kernel image
// itself (up to `end`, see kernel.ld) and the boot modules (the RAM disk).
//
// To catch use-after-free and use of uninitialised memory, kfree() fills
// a page with 1s and kalloc() with 5s. kinit() skips the fill: those pages
// were never in use, and writing all of RAM under TCG would slow boot.

#include "types.h"
#include "param.h"
#include "memlayout.h"
#include "mmu.h"
#include "spinlock.h"
#include "defs.h"

extern char end[];  // first address after the kernel image, from kernel.ld

struct run {
  struct run *next;
};

static struct {
  struct spinlock lock;
  struct run *freelist;
  uint nfree;         // pages on freelist
} kmem;

// Is the physical page at pa in use at boot, so kinit must not free it?
static int
reserved(uint pa)
{
  uint i, start, mend;

  if(pa < EXTMEM || pa >= PHYSLIMIT)
    return 1;
  if(pa >= V2P(KERNLINK) && pa < V2P(end))
    return 1;
  for(i = 0; boot_module(i, &start, &mend); i++){
    if(pa + PGSIZE > start && pa < mend)
      return 1;
  }
  return 0;
}

// Put a page on the free list; the caller holds kmem.lock.
static void
freepage(char *v)
{
  struct run *r = (struct run*)v;

  r->next = kmem.freelist;
  kmem.freelist = r;
  kmem.nfree++;
}

void
kinit(void)
{
  struct memrange r[NMEMRANGE];
  int i, n;
  uint pa;

  initlock(&kmem.lock, "kmem");
  n = boot_memranges(r, NMEMRANGE);
  acquire(&kmem.lock);
  for(i = 0; i < n; i++){
    for(pa = PGROUNDUP(r[i].start); pa + PGSIZE <= r[i].end && pa < PHYSLIMIT; pa += PGSIZE){
      if(!reserved(pa))
        freepage(P2V(pa));
    }
  }
  release(&kmem.lock);
  cprintf("mem: %d KiB free\n", kfreepages() * (PGSIZE/1024));
}

// Free the page of physical memory at kernel address v, which a call to
// kalloc() returned.
void
kfree(char *v)
{
  if((uint)v % PGSIZE || v < end || V2P(v) >= PHYSLIMIT)
    panic("kfree: bad address");

  // Junk, so that a dangling reference reads nonsense rather than data.
  memset(v, 1, PGSIZE);

  acquire(&kmem.lock);
  freepage(v);
  release(&kmem.lock);
}

// Allocate one 4096-byte page of physical memory. Returns its kernel
// address, or 0 if memory is exhausted.
char*
kalloc(void)
{
  struct run *r;

  acquire(&kmem.lock);
  r = kmem.freelist;
  if(r){
    kmem.freelist = r->next;
    kmem.nfree--;
  }
  release(&kmem.lock);

  if(r)
    memset((char*)r, 5, PGSIZE);
  return (char*)r;
}

// Number of free pages (for `mem: N KiB free` and tests of leaks).
uint
kfreepages(void)
{
  uint n;

  acquire(&kmem.lock);
  n = kmem.nfree;
  release(&kmem.lock);
  return n;
}
