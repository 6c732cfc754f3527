// Memory and string routines for the kernel, which has no C library.
//
// memset and the copies use the x86 string instructions (rep stos, rep
// movs) instead of C loops. One reason is speed under emulation; the
// other is that gcc recognises a byte-by-byte loop and may replace it with
// a call to memcpy or memset, which inside memcpy itself would recurse
// without end. gcc also calls memcpy and memset on its own, for structure
// copies and initialisers, so both must exist with the standard meaning.

#include "types.h"
#include "x86.h"

// ---- Memory ----

// Store cnt copies of the 32-bit word w, starting at the aligned dst.
static inline void
fillwords(void *dst, uint w, uint cnt)
{
  asm volatile("cld\n\trep stosl"
               : "+D" (dst), "+c" (cnt)
               : "a" (w)
               : "memory", "cc");
}

void*
memset(void *dst, int c, uint n)
{
  uint byte = (uchar)c;

  // Page-sized fills (kalloc, kfree) are aligned: do them a word at a time.
  if(((uint)dst | n) % 4 == 0)
    fillwords(dst, byte * 0x01010101, n / 4);
  else
    stosb(dst, c, n);
  return dst;
}

// Copy n bytes upwards, first byte first.
static inline void
copyup(void *dst, const void *src, uint n)
{
  asm volatile("cld\n\trep movsb"
               : "+D" (dst), "+S" (src), "+c" (n)
               : : "memory", "cc");
}

// Copy n bytes downwards, last byte first (the direction flag is set for
// the copy and cleared again, as the C calling convention expects).
static inline void
copydown(void *dst, const void *src, uint n)
{
  char *d = (char*)dst + n - 1;
  const char *s = (const char*)src + n - 1;

  asm volatile("std\n\trep movsb\n\tcld"
               : "+D" (d), "+S" (s), "+c" (n)
               : : "memory", "cc");
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
