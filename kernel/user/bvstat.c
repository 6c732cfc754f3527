// bvstat [-c]: the packet-policy counters of lab 6's BitVisor module.
//
// Under BitVisor the guest asks the hypervisor directly, with the
// instruction that leaves the virtual machine on purpose: vmmcall on AMD
// (what QEMU's SVM offers), vmcall on Intel. BitVisor takes it from user
// mode as from the kernel, so no system call is involved:
//
//   eax = 0, ebx = "bvpolicy"    BitVisor's get_vmmcall_number: eax = the
//                                module's call number, 0 if it is absent
//   eax = n, ebx = buf, ecx = size
//                                the module writes its counters (struct
//                                below) and returns the bytes written
//   eax = n, ebx = 0             the module prints them on COM1 (its log)
//
// ebx is a linear address of this process; BitVisor reads and writes it
// through our page table, so buf must be mapped (it is: static data).
//
// Without a hypervisor the instruction raises #UD, which the kernel
// answers with eax = 0 (trap.c), so bvstat says there is no module
// instead of dying. bvstat prints one counter per line, "out_pass 12",
// and with -c also asks BitVisor to print them on COM1.

#include "types.h"
#include "user.h"

#define BVPC_MAGIC   0x43505642     // "BVPC", little-endian
#define BVPC_VERSION 1

static const char *names[] = {
  "magic", "version",
  "out_pass", "out_deny", "out_spoof", "out_malformed",
  "in_pass", "in_drop",
  "arp", "tcp", "udp", "icmp", "other_ip", "other",
};
#define NCOUNTER (sizeof(names) / sizeof(names[0]))

static uint counters[NCOUNTER];
static char callname[] = "bvpolicy";
static int intel;

// One call into the hypervisor: eax, ebx, ecx in, eax out.
static uint
hypercall(uint a, uint b, uint c)
{
  if(intel)
    asm volatile(".byte 0x0f, 0x01, 0xc1" : "+a"(a) : "b"(b), "c"(c) : "memory");
  else
    asm volatile(".byte 0x0f, 0x01, 0xd9" : "+a"(a) : "b"(b), "c"(c) : "memory");
  return a;
}

// Is the CPU's vendor "GenuineIntel" (then vmcall, else vmmcall)?
static int
cpu_is_intel(void)
{
  uint a = 0, b, c, d;

  asm volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d));
  return b == 0x756e6547 && d == 0x49656e69 && c == 0x6c65746e;
}

int
main(int argc, char *argv[])
{
  uint n, got, i;
  int com1 = 0;

  if(argc == 2 && strcmp(argv[1], "-c") == 0)
    com1 = 1;
  else if(argc != 1){
    fprintf(2, "usage: bvstat [-c]\n");
    exit(1);
  }
  intel = cpu_is_intel();
  n = hypercall(0, (uint)callname, 0);
  if(n == 0){
    fprintf(2, "bvstat: no BitVisor with the bvpolicy module here\n");
    exit(1);
  }
  got = hypercall(n, (uint)counters, sizeof(counters));
  if(got < sizeof(counters) || counters[0] != BVPC_MAGIC ||
     counters[1] != BVPC_VERSION){
    fprintf(2, "bvstat: bad answer from bvpolicy (%d bytes, magic %x, "
               "version %d)\n", got, counters[0], counters[1]);
    exit(1);
  }
  for(i = 2; i < NCOUNTER; i++)
    printf("%s %d\n", names[i], counters[i]);
  if(com1 && hypercall(n, 0, 0) != 1){
    fprintf(2, "bvstat: BitVisor did not print the counters\n");
    exit(1);
  }
  exit(0);
}
