// malloc and free for user programs.
//
// The heap is the region sbrk() hands out above the stack. Memory is
// managed in units of one block header (8 bytes); every allocated or free
// block starts with a header giving its size in units, header included.
//
// Free blocks sit on a single list sorted by address. Keeping the order
// makes freeing cheap to tidy up: a block being freed is joined with the
// free neighbour just before and just after it, so the heap does not
// crumble into small pieces when a program frees what it allocated.
// Allocation is first fit; a block larger than needed is split and the
// tail end handed out, so the free part keeps its place in the list.
// When nothing fits, the heap grows by at least HEAPGROW units.

#include "types.h"
#include "stat.h"
#include "user.h"

struct header {
  struct header *next;   // next free block, higher address (free blocks only)
  uint units;            // size of this block, header included
};

#define UNIT      sizeof(struct header)
#define HEAPGROW  512     // 4 KiB: one page at a time at least

static struct header *freelist;

void
free(void *p)
{
  struct header *b, *prev, *next;

  if(p == 0)
    return;
  b = (struct header*)p - 1;

  // Find the free blocks around b: prev < b < next.
  prev = 0;
  next = freelist;
  while(next != 0 && next < b){
    prev = next;
    next = next->next;
  }
  if(next == b || (prev != 0 && prev + prev->units > b)){
    fprintf(2, "free: bad or repeated free of %p\n", p);
    return;
  }

  // Link b in, then join it with whichever neighbours touch it.
  b->next = next;
  if(prev)
    prev->next = b;
  else
    freelist = b;
  if(next != 0 && b + b->units == next){
    b->units += next->units;
    b->next = next->next;
  }
  if(prev != 0 && prev + prev->units == b){
    prev->units += b->units;
    prev->next = b->next;
  }
}

// Ask the kernel for at least units more units and put them on the free
// list. Returns 0 when sbrk refuses.
static int
morecore(uint units)
{
  char *p;
  struct header *b;

  if(units < HEAPGROW)
    units = HEAPGROW;
  if(units > 0x7fffffff / UNIT)
    return 0;
  p = sbrk(units * UNIT);
  if(p == (char*)-1)
    return 0;
  b = (struct header*)p;
  b->units = units;
  free(b + 1);
  return 1;
}

void*
malloc(uint n)
{
  struct header *b, *prev;
  uint units;

  if(n > 0x7fffffff - UNIT)
    return 0;
  units = (n + UNIT - 1) / UNIT + 1;
  for(;;){
    prev = 0;
    for(b = freelist; b != 0; prev = b, b = b->next){
      if(b->units < units)
        continue;
      if(b->units > units){
        // Hand out the tail; the head stays on the list where it was.
        b->units -= units;
        b += b->units;
        b->units = units;
      } else if(prev){
        prev->next = b->next;
      } else {
        freelist = b->next;
      }
      b->next = 0;
      return b + 1;
    }
    if(!morecore(units))
      return 0;
  }
}
