// arch/cc.h: what lwIP's arch.h asks of the compiler and the platform.
//
// The kernel is built -nostdinc. lwIP objects (and ours in kernel/net/)
// get gcc's own freestanding headers (stddef.h, stdint.h,
// stdarg.h: -isystem, see mk/lwip.mk) and the two libc headers lwIP's
// sources include, string.h and stdlib.h, from kernel/net/include/, where
// they only declare the kernel's own functions (kernel/string.c).
// inttypes.h and ctype.h are not there: the printf formats below, and
// lwIP's own ctype replacements (LWIP_NO_CTYPE_H), stand in for them.
// gcc's limits.h would look for a C library's one behind it, so lwIP
// gets the one limit it uses from here (and makes ssize_t an int).
//
// Diagnostics go to every console through cprintf; a failed lwIP
// assertion is a broken invariant, so it panics like any other.

#ifndef BVLAB_ARCH_CC_H
#define BVLAB_ARCH_CC_H

#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_CTYPE_H    1
#define LWIP_NO_UNISTD_H   1
#define LWIP_NO_LIMITS_H   1
#define INT_MAX            __INT_MAX__

// i386 with gcc's stdint.h: u32_t is unsigned int and size_t is
// unsigned int, so no 'l' modifier anywhere (vformat has none).
#define X8_F  "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "u"

// lwIP's own errno values and names (lwip/errno.h); the variable is in
// sys_arch.c. Only lwIP's socket layer uses it.
#define LWIP_PROVIDE_ERRNO 1

// Byte order: lwIP's default (little endian) is x86's. Its byte swaps
// would be calls into def.c for every header field; gcc's builtins are
// one instruction (xchg or bswap) in place.
#define lwip_htons(x) __builtin_bswap16((unsigned short)(x))
#define lwip_htonl(x) __builtin_bswap32((unsigned int)(x))

// The Internet checksum of len bytes at data (RFC 1071), not inverted,
// folded to 16 bits: what lwIP's own lwip_standard_chksum returns, and
// lwIP calls it over every segment it sends or receives. Its C version
// takes 16 or 32 bits per step with an explicit carry test; here add-
// with-carry sums 16 bytes per step, which matters because under QEMU's
// TCG every guest instruction counts. The words are read from data on,
// aligned or not (x86 allows that): pairing the bytes from the first
// one, and taking a last odd byte as the low half of a word, is the
// byte-order-neutral sum lwIP expects, whatever data's alignment.
// (Types are spelled out: arch.h defines u16_t only after this file.)
static inline unsigned short
arch_chksum(const void *data, int len)
{
  const unsigned char *p = data;
  unsigned int sum = 0, n16 = len / 16;

  if(n16 > 0){
    // The carry out of each addl feeds the next adcl; leal and decl leave
    // CF alone, so it survives the loop, and the last one is added back.
    asm("clc\n"
        "1:\tadcl 0(%1), %0\n\tadcl 4(%1), %0\n"
        "\tadcl 8(%1), %0\n\tadcl 12(%1), %0\n"
        "\tleal 16(%1), %1\n\tdecl %2\n\tjnz 1b\n"
        "\tadcl $0, %0"
        : "+r" (sum), "+r" (p), "+r" (n16)
        : : "cc", "memory");
  }
  sum = (sum & 0xFFFF) + (sum >> 16);   // room for the 16-bit words below
  for(len %= 16; len > 1; len -= 2, p += 2)
    sum += *(const unsigned short*)p;
  if(len > 0)
    sum += *p;
  sum = (sum & 0xFFFF) + (sum >> 16);
  sum = (sum & 0xFFFF) + (sum >> 16);
  return sum;
}
#define LWIP_CHKSUM arch_chksum

// The kernel's console and panic (defs.h), declared here so that lwIP's
// files need not include the kernel's headers.
void cprintf(char*, ...);
void panic(char*) __attribute__((noreturn));
void lwip_arch_assert(const char *msg, const char *file, int line)
  __attribute__((noreturn));

#define LWIP_PLATFORM_DIAG(x)   do { cprintf x; } while(0)
#define LWIP_PLATFORM_ASSERT(x) lwip_arch_assert((x), __FILE__, __LINE__)

// Random numbers for DHCP transaction ids, TCP initial sequence numbers
// and local ports (sys_arch.c).
unsigned int sys_arch_rand(void);
#define LWIP_RAND() ((u32_t)sys_arch_rand())

#endif
