// Host-side check of the kernel's snprintf (kernel/printfmt.c), built by
// tests/test_printfmt.py: printfmt.c is compiled with the kernel's own
// freestanding flags and -Dsnprintf=kernel_snprintf, so that it does not
// clash with the C library's snprintf, and linked with this driver.
//
// Each case gives the full output the format must produce. The driver
// runs it with a buffer size n of its choosing, in a buffer filled with a
// guard byte, and checks all of C99's promises at once: the return value
// is the full length; the buffer holds the first min(len, n-1) bytes and
// a NUL; not one byte past the n-th is touched (n = 0 touches nothing).
// Every case runs at several n, around the edges that matter.
//
// Prints one line per failure and "N checks, F failed"; exits 0 only if
// none failed.

#include <limits.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

int kernel_snprintf(char *buf, int n, char *fmt, ...);

// printfmt.c's only outside call. A panic here jumps back to the check
// that expected it.
static jmp_buf panicjmp;
static const char *panicmsg;

void
panic(char *s)
{
  panicmsg = s;
  longjmp(panicjmp, 1);
}

#define GUARD   0x5a
#define BUFSZ   256

static char buf[BUFSZ];
static int nchecks, nfailed;

static void
failed(int line, const char *fmt, int n, const char *what)
{
  printf("test_printfmt.c:%d: format \"%s\", n=%d: %s\n", line, fmt, n, what);
  nfailed++;
}

// Judge one call's result against the full output want (wantlen bytes,
// which may include a NUL of its own, as "%c" of 0 does).
static void
judge(int line, const char *fmt, int n, int got, const char *want, int wantlen)
{
  int keep, i;
  char msg[3 * BUFSZ];

  nchecks++;
  if(got != wantlen){
    snprintf(msg, sizeof(msg), "returned %d, want %d (\"%s\")", got, wantlen, want);
    failed(line, fmt, n, msg);
    return;
  }
  keep = n <= 0 ? 0 : (wantlen < n - 1 ? wantlen : n - 1);
  if(memcmp(buf, want, keep) != 0){
    snprintf(msg, sizeof(msg), "wrote \"%.*s\", want \"%.*s\"", keep, buf, keep, want);
    failed(line, fmt, n, msg);
    return;
  }
  if(n > 0 && buf[keep] != '\0'){
    failed(line, fmt, n, "no NUL after the output");
    return;
  }
  for(i = n > 0 ? n : 0; i < BUFSZ; i++){
    if(buf[i] != (char)GUARD){
      snprintf(msg, sizeof(msg), "wrote byte %d, past the %d it was given", i, n);
      failed(line, fmt, n, msg);
      return;
    }
  }
}

// Run kernel_snprintf(buf, n, fmt, ...) on a guarded buffer and judge it;
// want is the full output, as a string literal.
#define CALL(n, want, fmt, ...) do { \
    memset(buf, GUARD, BUFSZ); \
    judge(__LINE__, fmt, (n), kernel_snprintf(buf, (n), fmt, ##__VA_ARGS__), \
          want, (int)sizeof(want) - 1); \
  } while(0)

// Every case at n = 0, 1, 2, len-1, len, len+1 and the whole buffer.
#define CASE(want, fmt, ...) do { \
    int len_ = (int)sizeof(want) - 1; \
    int ns_[] = { 0, 1, 2, len_ - 1, len_, len_ + 1, BUFSZ }; \
    for(unsigned k_ = 0; k_ < sizeof(ns_) / sizeof(ns_[0]); k_++){ \
      if(ns_[k_] >= 0) \
        CALL(ns_[k_], want, fmt, ##__VA_ARGS__); \
    } \
  } while(0)

static void
expect_panic(int line, char *b, int n, char *fmt, const char *want)
{
  nchecks++;
  panicmsg = 0;
  if(setjmp(panicjmp) == 0)
    kernel_snprintf(b, n, fmt);
  if(panicmsg == 0 || strcmp(panicmsg, want) != 0){
    printf("test_printfmt.c:%d: want panic(\"%s\"), got %s%s%s\n", line, want,
           panicmsg ? "panic(\"" : "none", panicmsg ? panicmsg : "",
           panicmsg ? "\")" : "");
    nfailed++;
  }
}

int
main(void)
{
  int r;

  // Plain text, and bytes with the high bit set pass through unchanged.
  CASE("", "");
  CASE("hello, world", "hello, world");
  CASE("caf\xc3\xa9", "caf\xc3\xa9");

  // %d
  CASE("0", "%d", 0);
  CASE("42", "%d", 42);
  CASE("-42", "%d", -42);
  CASE("2147483647", "%d", INT_MAX);
  CASE("-2147483648", "%d", INT_MIN);
  CASE("-1", "%d", 0xFFFFFFFFu);

  // %u
  CASE("0", "%u", 0);
  CASE("4294967295", "%u", 0xFFFFFFFFu);
  CASE("2147483648", "%u", INT_MIN);

  // %x
  CASE("0", "%x", 0);
  CASE("ffffffff", "%x", 0xFFFFFFFFu);
  CASE("deadbeef", "%x", 0xDEADBEEFu);
  CASE("80000000", "%x", INT_MIN);

  // %p: 0x and always eight digits.
  CASE("0x00000000", "%p", (void*)0);
  CASE("0x00001234", "%p", (void*)0x1234);
  CASE("0xffffffff", "%p", (void*)0xFFFFFFFFu);

  // %s, %c, %%
  CASE("abc", "%s", "abc");
  CASE("", "%s", "");
  CASE("(null)", "%s", (char*)0);
  CASE("[(null)]", "[%s]", (char*)0);
  CASE("A", "%c", 'A');
  CASE("\xff", "%c", 0xFF);
  CASE("a\0b", "a%cb", 0);          // a NUL from %c is output like any byte
  CASE("%", "%%");
  CASE("100%", "100%%");

  // Widths: numbers only, spaces or zeroes; a sign goes before zeroes.
  CASE("   42", "%5d", 42);
  CASE("00042", "%05d", 42);
  CASE("   -7", "%5d", -7);
  CASE("-0007", "%05d", -7);
  CASE("12345", "%2d", 12345);
  CASE("0000beef", "%08x", 0xBEEF);
  CASE("    7", "%5u", 7);
  CASE(" -2147483648", "%12d", INT_MIN);
  CASE("-00002147483648", "%015d", INT_MIN);
  CASE("4294967295", "%3u", 0xFFFFFFFFu);
  CASE("ab", "%5s", "ab");          // widths do nothing for %s and %c
  CASE("x", "%3c", 'x');
  CASE("0x00000010", "%20p", (void*)16);

  // Malformed formats print as written, or as %, and never read past.
  CASE("%q", "%q");
  CASE("%q7", "%q%d", 7);
  CASE("abc%", "abc%");
  CASE("%", "%5");
  CASE("%", "%0");

  // Several conversions in one format.
  CASE("pid 12 init: trap 14 err 6 eip 0x8010abcd",
       "pid %d %s: trap %d err %d eip 0x%x", 12, "init", 14, 6, 0x8010ABCD);
  CASE("mem: 261120 KiB free", "mem: %d KiB free", 261120);
  CASE("52:54:00:12:34:56", "%02x:%02x:%02x:%02x:%02x:%02x",
       0x52, 0x54, 0x00, 0x12, 0x34, 0x56);

  // n < 0 writes nothing, as n = 0 does; with n <= 0 the buffer may be 0.
  CALL(-1, "hello", "hello");
  CALL(INT_MIN, "42", "%d", 42);
  nchecks++;
  if((r = kernel_snprintf(0, 0, "%d-%s", 123, "xyz")) != 7){
    printf("test_printfmt.c:%d: snprintf(0, 0, ...) returned %d, want 7\n",
           __LINE__, r);
    nfailed++;
  }

  // The appending idiom stays inside its 10 bytes after a truncation
  // (the rest of buf only catches a stray write).
  {
    int off = 0, i;

    memset(buf, GUARD, BUFSZ);
    for(i = 0; i < 5; i++)
      off += kernel_snprintf(buf + off, 10 - off, "[%d]", i * 11);
    nchecks++;
    if(off != 19 || memcmp(buf, "[0][11][2", 10) != 0 || buf[10] != (char)GUARD){
      printf("test_printfmt.c:%d: appending: off %d, buf \"%.9s\"\n",
             __LINE__, off, buf);
      nfailed++;
    }
  }

  // Broken calls are kernel bugs: they panic, naming the function.
  expect_panic(__LINE__, buf, BUFSZ, 0, "snprintf: null fmt");
  expect_panic(__LINE__, 0, 1, "x", "snprintf: null buffer");

  printf("%d checks, %d failed\n", nchecks, nfailed);
  return nfailed != 0;
}
