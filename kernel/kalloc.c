// Physical memory allocator, one 4 KiB page at a time.
//
// Free pages form a linked list threaded through the pages themselves
// (each free page starts with a struct freepage), so the allocator needs no
// memory of its own. Pages are handed out by their kernel (direct-map)
// address, and the most recently freed page is the next one handed out.
// Every client wants exactly one page: user memory, page tables, pipe
// buffers.
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

// What a free page holds while it is free: the link to the next one.
struct freepage {
  struct freepage *next;
};

static struct {
  struct spinlock lock;
  struct freepage *top;         // most recently freed page
  uint count;                   // pages in the list
} pool;

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

// Add the page at kernel address v to the pool. Caller holds pool.lock.
static void
push(char *v)
{
  struct freepage *fp = (struct freepage*)v;

  fp->next = pool.top;
  pool.top = fp;
  pool.count++;
}

// Take a page from the pool, or 0 if it is empty. Caller holds pool.lock.
static char*
pop(void)
{
  struct freepage *fp = pool.top;

  if(fp == 0)
    return 0;
  pool.top = fp->next;
  pool.count--;
  return (char*)fp;
}

// Put every usable, unreserved page of one memory range in the pool.
// Caller holds pool.lock.
static void
addrange(struct memrange *r)
{
  uint pa;

  for(pa = PGROUNDUP(r->start); pa + PGSIZE <= r->end && pa < PHYSLIMIT; pa += PGSIZE){
    if(!reserved(pa))
      push(P2V(pa));
  }
}

void
kinit(void)
{
  struct memrange ranges[NMEMRANGE];
  int i, nranges;

  initlock(&pool.lock, "kmem");
  nranges = boot_memranges(ranges, NMEMRANGE);
  acquire(&pool.lock);
  for(i = 0; i < nranges; i++)
    addrange(&ranges[i]);
  release(&pool.lock);
  cprintf("mem: %d KiB free\n", kfreepages() * (PGSIZE/1024));
}

// Return the page at kernel address v, which kalloc() handed out.
void
kfree(char *v)
{
  if((uint)v % PGSIZE || v < end || V2P(v) >= PHYSLIMIT)
    panic("kfree: bad address");

  // Fill with junk, so that code still using the page reads nonsense
  // instead of plausible old data.
  memset(v, 1, PGSIZE);

  acquire(&pool.lock);
  push(v);
  release(&pool.lock);
}

// Allocate one 4096-byte page. Returns its kernel address, or 0 when
// physical memory is exhausted.
char*
kalloc(void)
{
  char *v;

  acquire(&pool.lock);
  v = pop();
  release(&pool.lock);
  if(v)
    memset(v, 5, PGSIZE);     // junk: catches use of uninitialised memory
  return v;
}

// Number of free pages (for `mem: N KiB free` and leak tests).
uint
kfreepages(void)
{
  uint n;

  acquire(&pool.lock);
  n = pool.count;
  release(&pool.lock);
  return n;
}
