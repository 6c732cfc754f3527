// main(): the boot CPU sets up the machine; mpenter(): the others join.
//
// entry.S calls main() on the boot CPU with paging on (entrypgdir), the
// boot GDT and a stack in the high half, interrupts off, and the two
// values the boot loader left in %eax and %ebx. The order of the
// initialisation below matters; each step says what it needs:
//
//   kvmalloc         kpgdir maps all RAM below PHYSLIMIT; needs no memory,
//                    so it comes first and everything after may use P2V()
//                    on any physical address, the loader's data included
//   multiboot_init   copies command line, memory map and module list out
//                    of the loader's memory before anything reuses it
//   consoleinit      output, as soon as the command line (console=) is known
//   acpiinit/mpinit  CPUs, LAPIC and IOAPIC addresses; before kinit, so the
//                    firmware tables are read before RAM is handed out
//   kinit            the page allocator (prints `mem: N KiB free`)
//   lapicinit, seginit  this CPU's interrupt controller and GDT (seginit
//                    uses mycpu(), which needs the CPU table and LAPIC)
//   tvinit, picinit, ioapicinit, console_irqinit  interrupts (still off)
//   pinit ... disk_init  processes, buffer cache, files, disks
//   userinit         the first process (not yet running); before pci_init,
//                    whose drivers may start kernel threads, so init is pid 1
//                    and can adopt them
//   pci_init         devices (lab 2 on)
// LAB 3: BEGIN
//   net_init         the TCP/IP stack unless net=off (lab 3 on): after the
//                    NIC has registered; it only starts kernel threads
// LAB 3: END
//   timerinit        calibrates the LAPIC timer; before startothers, since
//                    the other CPUs reuse its measurement
//   startothers, mpmain  the other CPUs, and this CPU's scheduler, which
//                    turns interrupts on
//
// Initialisation that must sleep (reading the file system's superblock,
// recovering its log) cannot run here, outside any process; the first
// process does it (forkret in proc.c).

#include "types.h"
#include "defs.h"
#include "param.h"
#include "memlayout.h"
#include "mmu.h"
#include "proc.h"
#include "x86.h"
// LAB 3: BEGIN
#include "net.h"
// LAB 3: END

static void mpmain(void) __attribute__((noreturn));

void __attribute__((noreturn))
main(uint magic, uint mbinfo_pa)
{
  kvmalloc();
  multiboot_init(magic, mbinfo_pa);
  consoleinit();
  cprintf("\nbvlab kernel%s\n",
          booted_by_multiboot() ? "" : " (no multiboot: boot sector)");
  if(acpiinit() != 0)
    mpinit();
  kinit();
  lapicinit();
  seginit();
  tvinit();
  picinit();
  ioapicinit();
  console_irqinit();
  pinit();
  binit();
  fileinit();
  // LAB 4: BEGIN
  memdev_init();  // /dev/null, /dev/zero
  // LAB 4: END
  // LAB 5: BEGIN
  nfsinit();      // remote files (nfs/)
  // LAB 5: END
  disk_init();
  userinit();     // before any driver starts a kernel thread: init is pid 1
  // LAB 2: BEGIN
  pci_init();
  // LAB 2: END
  // LAB 3: BEGIN
  net_init();     // the TCP/IP stack, in threads; never waits
  // LAB 3: END
  timerinit();
  cprintf("cpus: %d\n", ncpu);
  startothers();
  mpmain();
}

// Application processors start in entryother.S, which turns on protected
// mode and paging (through a temporary page directory, then kpgdir) and
// calls here on a stack of their own.
void
mpenter(void)
{
  switchkvm();
  seginit();
  lapicinit();
  timerinit();
  mpmain();
}

// The last steps on every CPU: take interrupts through the shared IDT,
// tell startothers() we are up, and run processes.
static void
mpmain(void)
{
  idtinit();
  cprintf("cpu%d: starting scheduler\n", cpuid());
  xchg(&mycpu()->started, 1);
  scheduler();
}
