// Formatted output for user programs: printf (to fd 1) and fprintf.
//
// Supports %d %u %x %p %s %c and %%, each with an optional '-' (left
// justify), '0' (zero pad) and field width; an 'l' length modifier is
// accepted and ignored because int and long are the same size here.
//
// Output is collected in a buffer on the stack and handed to the kernel
// with as few write() calls as possible: normally one per printf call.
// Several processes often print to the same console at once (usertests,
// background jobs in the shell); a line written by one write() cannot be
// interleaved with another process's output, a line written a byte at a
// time can.

#include "types.h"
#include "stat.h"
#include "user.h"

#define OUTBUF 256

struct out {
  int fd;
  int n;
  char buf[OUTBUF];
};

static void
flush(struct out *o)
{
  if(o->n > 0)
    write(o->fd, o->buf, o->n);
  o->n = 0;
}

static void
putc(struct out *o, char c)
{
  if(o->n == OUTBUF)
    flush(o);
  o->buf[o->n++] = c;
}

// Emit s (len bytes) padded to width; zero padding goes between a sign
// and the digits so that "%05d" of -42 is "-0042".
static void
putfield(struct out *o, const char *s, int len, int width, int left, int zero)
{
  int pad = width > len ? width - len : 0;

  if(zero && !left && len > 0 && s[0] == '-'){
    putc(o, *s++);
    len--;
  }
  if(!left){
    while(pad-- > 0)
      putc(o, zero ? '0' : ' ');
  }
  while(len-- > 0)
    putc(o, *s++);
  if(left){
    while(pad-- > 0)
      putc(o, ' ');
  }
}

// Write x in the given base into the bytes just before end, most
// significant digit first; returns where the digits start.
static char*
utoa(char *end, uint x, int base)
{
  static const char digits[] = "0123456789abcdef";
  char *p = end;

  do {
    *--p = digits[x % base];
    x /= base;
  } while(x != 0);
  return p;
}

static void
vfmt(struct out *o, const char *fmt, __builtin_va_list ap)
{
  char num[16], *end = num + sizeof(num), *s;
  int width, left, zero, i;
  const char *f;

  for(f = fmt; *f; f++){
    if(*f != '%'){
      putc(o, *f);
      continue;
    }
    f++;
    left = zero = width = 0;
    for(; *f == '-' || *f == '0'; f++){
      if(*f == '-')
        left = 1;
      else
        zero = 1;
    }
    for(; *f >= '0' && *f <= '9'; f++)
      width = width*10 + (*f - '0');
    while(*f == 'l')
      f++;
    switch(*f){
    case 'd':
      i = __builtin_va_arg(ap, int);
      // Negate as unsigned so the most negative int prints correctly.
      s = utoa(end, i < 0 ? -(uint)i : (uint)i, 10);
      if(i < 0)
        *--s = '-';
      putfield(o, s, end - s, width, left, zero);
      break;
    case 'u':
      s = utoa(end, __builtin_va_arg(ap, uint), 10);
      putfield(o, s, end - s, width, left, zero);
      break;
    case 'x':
      s = utoa(end, __builtin_va_arg(ap, uint), 16);
      putfield(o, s, end - s, width, left, zero);
      break;
    case 'p':
      s = utoa(end, (uint)__builtin_va_arg(ap, void*), 16);
      while(end - s < 8)
        *--s = '0';
      putc(o, '0');
      putc(o, 'x');
      putfield(o, s, end - s, width, left, 0);
      break;
    case 's':
      s = __builtin_va_arg(ap, char*);
      if(s == 0)
        s = "(null)";
      putfield(o, s, strlen(s), width, left, 0);
      break;
    case 'c':
      num[0] = (char)__builtin_va_arg(ap, int);
      putfield(o, num, 1, width, left, 0);
      break;
    case '%':
      putc(o, '%');
      break;
    case 0:
      // A lone '%' at the end of the format: print it and stop.
      putc(o, '%');
      return;
    default:
      // Unknown conversion: show it as written so the mistake is visible.
      putc(o, '%');
      putc(o, *f);
      break;
    }
  }
}

void
fprintf(int fd, const char *fmt, ...)
{
  struct out o;
  __builtin_va_list ap;

  o.fd = fd;
  o.n = 0;
  __builtin_va_start(ap, fmt);
  vfmt(&o, fmt, ap);
  __builtin_va_end(ap);
  flush(&o);
}

void
printf(const char *fmt, ...)
{
  struct out o;
  __builtin_va_list ap;

  o.fd = 1;
  o.n = 0;
  __builtin_va_start(ap, fmt);
  vfmt(&o, fmt, ap);
  __builtin_va_end(ap);
  flush(&o);
}
