// Memory and string routines for the kernel (there is no C library).
//
// memset, memmove and memcpy use the string instructions (rep stos, rep
// movs) rather than C loops: gcc may turn a byte-copying loop back into a
// call to memcpy or memset, which inside memcpy itself would recurse
// forever. gcc also emits calls to memcpy and memset on its own, for
// structure assignment and initialisation, so both must exist.

#include "types.h"
#include "x86.h"

static inline void
stosl(void *addr, uint data, uint cnt)
{
  asm volatile("cld; rep stosl" :
               "+D" (addr), "+c" (cnt) :
               "a" (data) :
               "memory", "cc");
}

void*
memset(void *dst, int c, uint n)
{
  // Whole words when both the address and the size allow it: kalloc()
  // and kfree() fill 4 KiB pages with this.
  if((uint)dst % 4 == 0 && n % 4 == 0){
    uint b = c & 0xFF;
    stosl(dst, b << 24 | b << 16 | b << 8 | b, n / 4);
  } else {
    stosb(dst, c, n);
  }
  return dst;
}

int
memcmp(const void *v1, const void *v2, uint n)
{
  const uchar *s1 = v1, *s2 = v2;

  for(; n > 0; n--, s1++, s2++){
    if(*s1 != *s2)
      return *s1 - *s2;
  }
  return 0;
}

void*
memmove(void *dst, const void *src, uint n)
{
  if(n == 0 || dst == src)
    return dst;
  if((uint)src < (uint)dst && (uint)src + n > (uint)dst){
    // The destination overlaps the end of the source: copy backwards,
    // last byte first, so no source byte is overwritten before it is read.
    char *d = (char*)dst + n - 1;
    const char *s = (const char*)src + n - 1;
    asm volatile("std; rep movsb; cld" :
                 "+D" (d), "+S" (s), "+c" (n) : : "memory", "cc");
  } else {
    void *d = dst;
    asm volatile("cld; rep movsb" :
                 "+D" (d), "+S" (src), "+c" (n) : : "memory", "cc");
  }
  return dst;
}

// memcpy has no overlap rule to exploit here; memmove is just as fast.
void*
memcpy(void *dst, const void *src, uint n)
{
  return memmove(dst, src, n);
}

int
strncmp(const char *p, const char *q, uint n)
{
  while(n > 0 && *p && *p == *q)
    n--, p++, q++;
  if(n == 0)
    return 0;
  return (uchar)*p - (uchar)*q;
}

// Copy at most n bytes of t into s, padding with NULs, like the C
// library's strncpy: s is not terminated if t has n or more characters.
char*
strncpy(char *s, const char *t, int n)
{
  char *os = s;

  while(n > 0 && *t){
    *s++ = *t++;
    n--;
  }
  while(n > 0){
    *s++ = 0;
    n--;
  }
  return os;
}

// Like strncpy but always NUL-terminates s (when n > 0) and does not pad.
char*
safestrcpy(char *s, const char *t, int n)
{
  char *os = s;

  if(n <= 0)
    return os;
  while(--n > 0 && *t)
    *s++ = *t++;
  *s = 0;
  return os;
}

int
strlen(const char *s)
{
  int n;

  for(n = 0; s[n]; n++)
    ;
  return n;
}
