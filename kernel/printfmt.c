// Formatted output: the one place the kernel turns a format string and
// its arguments into characters.
//
// vformat() parses the format and hands each character it produces to a
// sink, a function the caller chooses, together with an argument for it.
// Two sinks exist: cprintf (console.c) sends each character straight to
// the consoles while it holds the console lock, and snprintf (below)
// stores characters into a bounded buffer. A sink keeps the core free of
// any buffer size or lock: the console path needs no buffer (panic prints
// through it, with nothing to allocate and possibly a broken lock), and
// the string path needs no console. Because both go through one parser,
// they accept exactly the same formats.
//
// Conversions: %d %u %x %p %s %c %%. The numbers (%d %u %x) take an
// optional width, with a leading 0 for zero padding ("%08x", "%5d"); %p
// prints a pointer as 0x and eight hex digits; %s prints a null pointer as
// "(null)". Every conversion takes one 32-bit word from the arguments,
// which are read with gcc's variadic builtins (the kernel has no
// <stdarg.h>). An unknown conversion is printed as written ("%q"), so a
// mistake shows in the output; a lone % at the end prints as "%".
//
// snprintf follows C99: it writes at most n bytes including the
// terminating NUL, always terminates when n > 0, and returns the length
// the whole output would have had, so a caller detects truncation by
// comparing the result with n. n <= 0 writes nothing, which makes the
// appending idiom off += snprintf(buf + off, size - off, ...) safe even
// after an earlier call was truncated.
//
// This file depends on nothing else in the kernel but panic(), so the
// kit's tests compile it on the host and check snprintf there.

#include "types.h"
#include "defs.h"

// Where vformat's characters go, and how many it has produced.
struct sink {
  void (*put)(int c, void *arg);
  void *arg;
  int n;
};

static void
emit(struct sink *s, int c)
{
  s->put(c, s->arg);
  s->n++;
}

// Emit x in the given base (at most 16), at least width characters wide,
// padded with zeroes or spaces; neg puts a minus sign in front.
static void
emitint(struct sink *s, uint x, int base, int neg, int width, int zero)
{
  char rev[16];                 // digits, least significant first
  int ndig = 0, pad, v;

  do {
    v = x % base;
    rev[ndig++] = v < 10 ? '0' + v : 'a' + (v - 10);
    x /= base;
  } while(x != 0);

  // A zero-padded number keeps its sign in front of the zeroes ("-007");
  // a space-padded one right before the digits ("  -7").
  pad = width - ndig - (neg != 0);
  if(neg && zero)
    emit(s, '-');
  for(; pad > 0; pad--)
    emit(s, zero ? '0' : ' ');
  if(neg && !zero)
    emit(s, '-');
  while(ndig > 0)
    emit(s, rev[--ndig]);
}

static void
emitstr(struct sink *s, char *str)
{
  if(str == 0)
    str = "(null)";
  while(*str)
    emit(s, *str++ & 0xFF);
}

// Format fmt with the arguments in ap, handing every character to
// put(c, arg) in order (c is 0..255). Returns how many characters that
// was. fmt must not be 0; the callers check, each with its own panic.
int
vformat(void (*put)(int, void*), void *arg, char *fmt, __builtin_va_list ap)
{
  struct sink s = { put, arg, 0 };
  char *f;
  int c, width, zero, d;

  for(f = fmt; *f; f++){
    if(*f != '%'){
      emit(&s, *f & 0xFF);
      continue;
    }
    f++;
    zero = (*f == '0');
    for(width = 0; *f >= '0' && *f <= '9'; f++)
      width = width*10 + (*f - '0');
    c = *f & 0xFF;
    if(c == 0){
      // A lone % at the end: print it and stop at the terminator.
      emit(&s, '%');
      break;
    }
    switch(c){
    case 'd':
      d = __builtin_va_arg(ap, int);
      // -(uint)d is right even for INT_MIN, whose negation as an int
      // would overflow.
      emitint(&s, d < 0 ? -(uint)d : (uint)d, 10, d < 0, width, zero);
      break;
    case 'u':
      emitint(&s, __builtin_va_arg(ap, uint), 10, 0, width, zero);
      break;
    case 'x':
      emitint(&s, __builtin_va_arg(ap, uint), 16, 0, width, zero);
      break;
    case 'p':
      emitstr(&s, "0x");
      emitint(&s, __builtin_va_arg(ap, uint), 16, 0, 8, 1);
      break;
    case 's':
      emitstr(&s, __builtin_va_arg(ap, char*));
      break;
    case 'c':
      emit(&s, __builtin_va_arg(ap, int) & 0xFF);
      break;
    case '%':
      emit(&s, '%');
      break;
    default:
      // Unknown: show it as written, so the mistake is visible.
      emit(&s, '%');
      emit(&s, c);
      break;
    }
  }
  return s.n;
}

// ---------------------------------------------------------------- snprintf

// A bounded buffer: characters go to p until it reaches end, which is
// kept free for the NUL; the rest are only counted (by vformat).
struct strsink {
  char *p;
  char *end;
};

static void
strput(int c, void *arg)
{
  struct strsink *s = arg;

  if(s->p < s->end)
    *s->p++ = c;
}

// Format into buf, which holds n bytes; see the top of the file for what
// is written and returned. buf may be 0 when n <= 0 (to measure only).
int
snprintf(char *buf, int n, char *fmt, ...)
{
  __builtin_va_list ap;
  struct strsink s;
  int len;

  if(fmt == 0)
    panic("snprintf: null fmt");
  if(n > 0 && buf == 0)
    panic("snprintf: null buffer");
  s.p = buf;
  s.end = n > 0 ? buf + n - 1 : buf;

  __builtin_va_start(ap, fmt);
  len = vformat(strput, &s, fmt, ap);
  __builtin_va_end(ap);

  if(n > 0)
    *s.p = '\0';
  return len;
}
