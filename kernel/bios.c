// Finding the tables that PC firmware leaves in low memory.
//
// ACPI's root pointer (acpi.c) and the Intel MP floating pointer (mp.c)
// are found the same way: scan the BIOS areas where the specifications
// allow them, on 16-byte boundaries, for a signature; then check a byte
// checksum (all bytes of the structure add up to 0 modulo 256). Both live
// below 1 MiB, which the direct map covers.

#include "types.h"
#include "memlayout.h"
#include "defs.h"

// The low byte of the sum of len bytes at addr: 0 for a valid table.
uchar
bios_checksum(void *addr, uint len)
{
  uchar *p = addr;
  uchar s = 0;

  while(len-- > 0)
    s += *p++;
  return s;
}

// The first place in physical [pa, pa+len) on a 16-byte boundary that
// starts with sig and that valid() accepts, as a kernel address; or 0.
void*
bios_scan(uint pa, uint len, const char *sig, int (*valid)(void*))
{
  uchar *p = P2V(pa);
  uchar *end = p + len;
  uint n = strlen(sig);

  for(; p + n <= end; p += 16){
    if(memcmp(p, sig, n) == 0 && valid(p))
      return p;
  }
  return 0;
}

// Physical address of the extended BIOS data area, from the BIOS data
// area's word at 0x40E, or 0 if that word is implausible.
uint
bios_ebda(void)
{
  uint pa = *(ushort*)P2V(0x40E) << 4;

  return (pa >= 0x500 && pa < 0xA0000) ? pa : 0;
}
