// Physical memory allocator, one 4 KiB page at a time.
//
// Free memory comes in two kinds, and the allocator keeps both:
//
//   * fresh ranges: RAM that nobody has used since boot, kept as a small
//     fixed array of [start, end) physical ranges. kinit() fills it from
//     boot_memranges() (multiboot.c) minus the memory already in use: the
//     first MiB, the kernel image (up to `end`, see kernel.ld) and the
//     boot modules (the RAM disk). kalloc() carves pages off the end of a
//     range.
//   * freed pages: pages kfree() gave back, in a list threaded through
//     the pages themselves (each starts with a struct freepage), so that
//     list needs no memory of its own. kalloc() prefers these.
//
// Why two kinds: a list of every free page would have to be written into
// every page at boot. Under QEMU's software emulation touching all of RAM
// costs about 4 s for 1 GiB; the range array costs nothing, and a page is
// first touched when somebody actually wants it.
//
// Pages are handed out by their kernel (direct-map) address. To catch
// use-after-free and use of uninitialised memory, kfree() fills a page
// with 1s and kalloc() with 5s.

#include "types.h"
#include "param.h"
#include "memlayout.h"
#include "mmu.h"
#include "spinlock.h"
#include "defs.h"

extern char end[];  // first address after the kernel image, from kernel.ld

// What a free page holds while it is on the freed list.
struct freepage {
  struct freepage *next;
};

#define NFRESH (NMEMRANGE + 8)  // memory-map ranges, split around holes

static struct {
  struct spinlock lock;
  struct freepage *top;         // most recently freed page
  uint nfreed;                  // pages on that list
  struct memrange fresh[NFRESH];  // page-aligned, never used since boot
  int nfresh;
  uint nfreshpages;             // pages in all fresh ranges together
} pool;

// Memory that is in use at boot although the memory map calls it free.
static struct memrange holes[2 + NMEMRANGE];
static int nholes;

static void
addhole(uint start, uint end)
{
  if(nholes < NELEM(holes))
    holes[nholes++] = (struct memrange){ PGROUNDDOWN(start), PGROUNDUP(end) };
  else
    panic("kinit: too many boot modules");
}

// Record [start, end) as fresh, minus every hole that overlaps it.
static void
addfresh(uint start, uint end)
{
  int i;

  start = PGROUNDUP(start);
  end = PGROUNDDOWN(end < PHYSLIMIT ? end : PHYSLIMIT);
  if(start >= end)
    return;
  for(i = 0; i < nholes; i++){
    if(holes[i].start < end && start < holes[i].end){
      addfresh(start, holes[i].start);
      addfresh(holes[i].end, end);
      return;
    }
  }
  if(pool.nfresh == NFRESH){
    cprintf("kinit: memory map too fragmented; ignoring %x-%x\n", start, end);
    return;
  }
  pool.fresh[pool.nfresh++] = (struct memrange){ start, end };
  pool.nfreshpages += (end - start) / PGSIZE;
}

// Take a page off the end of the last fresh range, or 0 if none is left.
// Caller holds pool.lock.
static char*
carve(void)
{
  struct memrange *r;

  for(; pool.nfresh > 0; pool.nfresh--){
    r = &pool.fresh[pool.nfresh - 1];
    if(r->start < r->end){
      r->end -= PGSIZE;
      pool.nfreshpages--;
      return P2V(r->end);
    }
  }
  return 0;
}

// Add the page at kernel address v to the freed list. Caller holds pool.lock.
static void
push(char *v)
{
  struct freepage *fp = (struct freepage*)v;

  fp->next = pool.top;
  pool.top = fp;
  pool.nfreed++;
}

// Take a page from the freed list, or 0 if it is empty. Caller holds pool.lock.
static char*
pop(void)
{
  struct freepage *fp = pool.top;

  if(fp == 0)
    return 0;
  pool.top = fp->next;
  pool.nfreed--;
  return (char*)fp;
}

void
kinit(void)
{
  struct memrange ranges[NMEMRANGE];
  uint start, mend;
  int i, n;

  initlock(&pool.lock, "kmem");
  addhole(0, EXTMEM);
  addhole(V2P(KERNLINK), V2P(end));
  for(i = 0; boot_module(i, &start, &mend); i++)
    addhole(start, mend);

  n = boot_memranges(ranges, NMEMRANGE);
  for(i = 0; i < n; i++)
    addfresh(ranges[i].start, ranges[i].end);
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
  if(v == 0)
    v = carve();
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
  n = pool.nfreed + pool.nfreshpages;
  release(&pool.lock);
  return n;
}
