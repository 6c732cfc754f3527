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

// Byte order: lwIP's default (little endian) is x86's.

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
