// Memory and string routines for the kernel, which has no C library.
//
// memset and the copies use the x86 string instructions (rep stos, rep
// movs) instead of C loops. One reason is speed under emulation; the
// other is that gcc recognises a byte-by-byte loop and may replace it with
// a call to memcpy or memset, which inside memcpy itself would recurse
// without end. gcc also calls memcpy and memset on its own, for structure
// copies and initialisers, so both must exist with the standard meaning.
//
// They move 4 bytes per step (stosl, movsl) and only the last 0-3 bytes
// one at a time (stosb, movsb). Under QEMU's TCG each step of a rep
// instruction costs about the same whatever its width, so a byte-wide
// copy is four times slower than it need be; the network stack copies
// every frame twice or more (kernel/net/), and that was a bound on its
// throughput. x86 allows unaligned words, so nothing is aligned first.

#include "types.h"
#include "x86.h"

// ---- Memory ----

// Store cnt copies of the 32-bit word w from dst on, then the first
// tail bytes of w (tail < 4).
static inline void
fill(void *dst, uint w, uint cnt, uint tail)
{
  asm volatile("cld\n\trep stosl\n\tmovl %3, %%ecx\n\trep stosb"
               : "+D" (dst), "+c" (cnt)
               : "a" (w), "r" (tail)
               : "memory", "cc");
}

void*
memset(void *dst, int c, uint n)
{
  fill(dst, (uchar)c * 0x01010101, n / 4, n % 4);
  return dst;
}

// Copy n bytes upwards, first byte first: n/4 words, then n%4 bytes.
static inline void
copyup(void *dst, const void *src, uint n)
{
  uint words = n / 4;

  asm volatile("cld\n\trep movsl\n\tmovl %3, %%ecx\n\trep movsb"
               : "+D" (dst), "+S" (src), "+c" (words)
               : "r" (n % 4)
               : "memory", "cc");
}

// Copy n bytes downwards, last byte first: the n%4 bytes at the end, one
// at a time, then n/4 words, each ending just below what was copied
// before (hence the 3 subtracted between the two: movsb leaves the
// pointers on the byte below, movsl wants the lowest byte of the word).
// The direction flag is set for the copy and cleared again, as the C
// calling convention expects.
static inline void
copydown(void *dst, const void *src, uint n)
{
  char *d = (char*)dst + n - 1;
  const char *s = (const char*)src + n - 1;
  uint tail = n % 4;

  asm volatile("std\n\trep movsb\n\t"
               "subl $3, %%edi\n\tsubl $3, %%esi\n\t"
               "movl %3, %%ecx\n\trep movsl\n\tcld"
               : "+D" (d), "+S" (s), "+c" (tail)
               : "r" (n / 4)
               : "memory", "cc");
}

// Regions must not overlap; a forward copy is all that needs.
void*
memcpy(void *dst, const void *src, uint n)
{
  copyup(dst, src, n);
  return dst;
}

// Regions may overlap. Only when dst starts inside [src, src+n) would a
// forward copy overwrite source bytes before reading them.
void*
memmove(void *dst, const void *src, uint n)
{
  uint d = (uint)dst, s = (uint)src;

  if(n == 0 || d == s)
    return dst;
  if(d > s && d - s < n)
    copydown(dst, src, n);
  else
    copyup(dst, src, n);
  return dst;
}

int
memcmp(const void *a, const void *b, uint n)
{
  const uchar *x = a, *y = b;
  uint i;

  for(i = 0; i < n; i++){
    if(x[i] != y[i])
      return x[i] - y[i];
  }
  return 0;
}

// ---- Strings ----

int
strlen(const char *s)
{
  const char *e = s;

  while(*e)
    e++;
  return e - s;
}

// Compare at most n characters, as unsigned chars.
int
strncmp(const char *a, const char *b, uint n)
{
  uint i;

  for(i = 0; i < n; i++){
    if(a[i] != b[i] || a[i] == '\0')
      return (uchar)a[i] - (uchar)b[i];
  }
  return 0;
}

// The first c in s (the terminator counts), or 0 if there is none.
char*
strchr(const char *s, int c)
{
  for(;; s++){
    if(*s == (char)c)
      return (char*)s;
    if(*s == '\0')
      return 0;
  }
}

// The decimal number at the start of s (optional sign, no spaces, no
// overflow check), as the C library's atoi; 0 if there is none.
int
atoi(const char *s)
{
  int n = 0, neg = (*s == '-');

  if(*s == '-' || *s == '+')
    s++;
  for(; *s >= '0' && *s <= '9'; s++)
    n = n*10 + (*s - '0');
  return neg ? -n : n;
}

// The C library's strncpy: copy at most n bytes of src and pad the rest
// of dst with NULs. dst is left unterminated if src has n or more chars.
char*
strncpy(char *dst, const char *src, int n)
{
  int i;

  for(i = 0; i < n && src[i]; i++)
    dst[i] = src[i];
  for(; i < n; i++)
    dst[i] = '\0';
  return dst;
}

// Copy as much of src as fits in a buffer of n bytes and always terminate
// it (for n > 0). No padding.
char*
safestrcpy(char *dst, const char *src, int n)
{
  int i;

  if(n <= 0)
    return dst;
  for(i = 0; i < n - 1 && src[i]; i++)
    dst[i] = src[i];
  dst[i] = '\0';
  return dst;
}
