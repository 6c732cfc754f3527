// The user C library's core: the program entry point and the string,
// memory and small I/O helpers every program needs.
//
// Programs are linked at address 0 with entry _start. exec() leaves the
// stack looking as if _start had been called as _start(argc, argv) (a fake
// return address, then argc, then argv), so _start is an ordinary C
// function; main's return value becomes the exit status, so a program may
// simply return from main.
//
// The block-memory functions use x86 string instructions in inline
// assembly. Besides being short, that keeps the compiler from noticing a
// byte loop inside memset and "optimizing" it into a call to memset.

#include "types.h"
#include "stat.h"
#include "fcntl.h"
#include "user.h"

int main(int argc, char **argv);

void
_start(int argc, char **argv)
{
  exit(main(argc, argv));
}

char*
strcpy(char *dst, const char *src)
{
  char *d = dst;

  while((*d++ = *src++) != 0)
    ;
  return dst;
}

int
strcmp(const char *p, const char *q)
{
  while(*p && *p == *q){
    p++;
    q++;
  }
  return (uchar)*p - (uchar)*q;
}

int
strncmp(const char *p, const char *q, uint n)
{
  for(; n > 0; n--, p++, q++){
    if(*p != *q || *p == 0)
      return (uchar)*p - (uchar)*q;
  }
  return 0;
}

uint
strlen(const char *s)
{
  uint n = 0;

  while(s[n])
    n++;
  return n;
}

char*
strchr(const char *s, char c)
{
  for(; *s; s++){
    if(*s == c)
      return (char*)s;
  }
  return 0;
}

void*
memset(void *dst, int c, uint n)
{
  void *d = dst;

  asm volatile("cld; rep stosb"
               : "+D" (d), "+c" (n)
               : "a" (c)
               : "memory", "cc");
  return dst;
}

// Copy forward unless the destination overlaps the source from above,
// in which case copy backward (std), so overlapping moves are safe.
void*
memmove(void *dst, const void *src, uint n)
{
  void *d = dst;
  const void *s = src;

  if(n == 0 || d == s)
    return dst;
  if((uint)d < (uint)s || (uint)d >= (uint)s + n){
    asm volatile("cld; rep movsb"
                 : "+D" (d), "+S" (s), "+c" (n)
                 : : "memory", "cc");
  } else {
    d = (char*)d + n - 1;
    s = (const char*)s + n - 1;
    asm volatile("std; rep movsb; cld"
                 : "+D" (d), "+S" (s), "+c" (n)
                 : : "memory", "cc");
  }
  return dst;
}

void*
memcpy(void *dst, const void *src, uint n)
{
  return memmove(dst, src, n);
}

int
memcmp(const void *a, const void *b, uint n)
{
  const uchar *p = a, *q = b;

  for(; n > 0; n--, p++, q++){
    if(*p != *q)
      return *p - *q;
  }
  return 0;
}

// Decimal, with an optional leading minus sign; stops at the first
// non-digit (so "12abc" is 12 and "abc" is 0).
int
atoi(const char *s)
{
  int neg = 0, n = 0;

  while(*s == ' ' || *s == '\t')
    s++;
  if(*s == '-'){
    neg = 1;
    s++;
  }
  while(*s >= '0' && *s <= '9')
    n = n*10 + (*s++ - '0');
  return neg ? -n : n;
}

// Read one line from fd 0 into buf, keeping the newline, reading at most
// max-1 bytes and always NUL-terminating. An empty result means end of
// file. One byte per read() so nothing past the line is consumed, which
// matters when several processes share the same input.
char*
gets(char *buf, int max)
{
  int i = 0;
  char c;

  while(i + 1 < max){
    if(read(0, &c, 1) != 1)
      break;
    buf[i++] = c;
    if(c == '\n' || c == '\r')
      break;
  }
  if(max > 0)
    buf[i] = 0;
  return buf;
}

int
stat(const char *path, struct stat *st)
{
  int fd, r;

  fd = open(path, O_RDONLY);
  if(fd < 0)
    return -1;
  r = fstat(fd, st);
  close(fd);
  return r;
}
