// memtest: prove that memory the kernel hands out is real, distinct RAM.
//
//   memtest MIB SEED
//
// Grows the heap by MIB MiB, one MiB at a time, fills it with a pattern
// derived from SEED, reads all of it back and prints
//
//   memtest: MIB MiB sum XXXXXXXX
//
// or, when the kernel has no more memory to give (sbrk returns -1),
//
//   memtest: sbrk failed after K MiB
//
// and exits with status 1. The grader picks SEED at random and recomputes
// the sum on the host, so only a kernel that really maps MIB MiB of
// distinct, working memory prints the right number: a page mapped twice,
// or a page of RAM that does not exist, changes it.
//
// The pattern: a 1024-word block B drawn from a xorshift32 generator
// seeded with SEED, repeated for each 4 KiB chunk c of the heap, every
// word XORed with c * 0x9E3779B9. The host can sum that per bit without
// replaying every word.

#include "types.h"
#include "stat.h"
#include "user.h"

#define MIB       (1024 * 1024)
#define CHUNK     4096
#define WORDS     (CHUNK / 4)
#define SPREAD    0x9E3779B9U

static uint block[WORDS];

static void
make_block(uint seed)
{
  uint x = seed ? seed : 1;
  int j;

  for(j = 0; j < WORDS; j++){
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    block[j] = x;
  }
}

// Grow the heap by mib MiB; returns its start, or 0 after printing
// how far it got.
static uint*
grow(int mib)
{
  char *start = 0, *p;
  int i;

  for(i = 0; i < mib; i++){
    p = sbrk(MIB);
    if(p == (char*)-1){
      printf("memtest: sbrk failed after %d MiB\n", i);
      return 0;
    }
    if(i == 0)
      start = p;
  }
  return (uint*)start;
}

int
main(int argc, char *argv[])
{
  uint *mem, *w, sum, mask;
  uint c, nchunks;
  int mib, j;

  if(argc != 3 || (mib = atoi(argv[1])) <= 0){
    fprintf(2, "usage: memtest MIB SEED\n");
    exit(2);
  }
  make_block((uint)atoi(argv[2]));
  if((mem = grow(mib)) == 0)
    exit(1);

  // Fill every chunk first and sum afterwards, so a later write through
  // an aliased page spoils an earlier chunk's contribution.
  nchunks = (uint)mib * (MIB / CHUNK);
  for(c = 0; c < nchunks; c++){
    w = mem + c * WORDS;
    mask = c * SPREAD;
    for(j = 0; j < WORDS; j++)
      w[j] = block[j] ^ mask;
  }
  sum = 0;
  for(c = 0; c < nchunks; c++){
    w = mem + c * WORDS;
    for(j = 0; j < WORDS; j++)
      sum += w[j];
  }
  printf("memtest: %d MiB sum %x\n", mib, sum);
  exit(0);
}
