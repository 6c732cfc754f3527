// The local APIC: each CPU's interrupt controller and timer.
//
// The registers are memory-mapped; `lapic` points at them (acpi.c or mp.c
// sets it from the firmware tables; the region lies in DEVSPACE, which
// vm.c maps one-to-one and uncached). Every CPU sees its own LAPIC at the
// same address.
//
// lapicinit() enables the LAPIC, masks the local interrupt lines (device
// interrupts come through the IOAPIC) and routes errors and spurious
// interrupts to their vectors. lapicstartap() wakes an application
// processor with the INIT / STARTUP sequence of Intel's MP specification.
//
// Time. The LAPIC timer's frequency (the bus clock) differs from machine
// to machine, so timerinit() measures it once, on the boot CPU, against
// the PIT, whose 1.193182 MHz crystal every PC has: channel 2 counts down
// 10 ms (its gate and output are reached through port 0x61, so no
// interrupt is needed), while the LAPIC timer and the time-stamp counter
// run. The result programs every CPU's timer to fire HZ times a second.
// 10 ms is plenty for accuracy and short enough for QEMU's slow TCG.
//
// millis() reads the TSC measured by the same calibration. The timer ticks
// count only on CPU 0 (trap.c), and the LAPIC's current-count register
// only tells the phase of the calling CPU's own timer, so ticks plus a
// fraction would jump backwards when a process moves between CPUs. The
// TSC runs on in between ticks and with interrupts off, and gives 1 ms
// resolution directly; a shared high-water mark keeps the result monotonic
// even if the CPUs' counters differ slightly. Without a usable TSC, millis
// falls back to ticks.

#include "param.h"
#include "types.h"
#include "defs.h"
#include "memlayout.h"
#include "traps.h"
#include "mmu.h"
#include "x86.h"

// Register indices (byte offset / 4).
#define ID      (0x0020/4)   // ID
#define VER     (0x0030/4)   // version
#define TPR     (0x0080/4)   // task priority
#define EOI     (0x00B0/4)   // end of interrupt
#define SVR     (0x00F0/4)   // spurious interrupt vector
  #define SVR_ENABLE   0x00000100   // software enable
#define ESR     (0x0280/4)   // error status
#define ICRLO   (0x0300/4)   // interrupt command, low word (writing sends)
  #define ICR_INIT     0x00000500
  #define ICR_STARTUP  0x00000600
  #define ICR_DELIVS   0x00001000   // delivery status: still sending
  #define ICR_ASSERT   0x00004000
  #define ICR_LEVEL    0x00008000
#define ICRHI   (0x0310/4)   // interrupt command, high word: destination
#define TIMER   (0x0320/4)   // local vector table: timer
  #define TIMER_PERIODIC 0x00020000
  #define LVT_MASKED   0x00010000
#define PCINT   (0x0340/4)   // LVT: performance counter overflow
#define LINT0   (0x0350/4)   // LVT: local interrupt line 0
#define LINT1   (0x0360/4)   // LVT: local interrupt line 1
#define ERROR   (0x0370/4)   // LVT: error
#define TICR    (0x0380/4)   // timer initial count
#define TCCR    (0x0390/4)   // timer current count
#define TDCR    (0x03E0/4)   // timer divide configuration
  #define TDCR_DIV16   0x00000003

// The PIT (8254) channel 2 and its gate, for calibration.
#define PIT_HZ      1193182
#define PIT_CH2     0x42
#define PIT_MODE    0x43
#define PORTB       0x61         // bit 0: channel 2 gate, bit 1: speaker,
  #define PORTB_OUT2 0x20        //   bit 5 (read): channel 2 output
#define CALIB_MS    10

volatile uint *lapic;   // set by acpiinit() or mpinit()

static uint timercount;     // LAPIC timer counts (divided by 16) per tick
static uint tscperms;       // TSC cycles per millisecond; 0 if unknown
static uint64 tscboot;      // TSC when the calibration finished
static volatile uint lastms;   // highest value millis() has returned

static void
lapicw(int index, uint value)
{
  lapic[index] = value;
  (void)lapic[ID];    // a read makes the CPU wait until the write is done
}

void
lapicinit(void)
{
  if(!lapic)
    return;

  lapicw(SVR, SVR_ENABLE | (T_IRQ0 + IRQ_SPURIOUS));

  // The timer stays quiet until timerinit() has a count for it.
  lapicw(TIMER, LVT_MASKED | (T_IRQ0 + IRQ_TIMER));

  // Devices interrupt through the IOAPIC; the local lines (wired to the
  // 8259 and NMI on a PC) are masked. So is the performance counter
  // overflow, on LAPICs that have that entry (version >= 4 entries).
  lapicw(LINT0, LVT_MASKED);
  lapicw(LINT1, LVT_MASKED);
  if(((lapic[VER] >> 16) & 0xFF) >= 4)
    lapicw(PCINT, LVT_MASKED);

  lapicw(ERROR, T_IRQ0 + IRQ_ERROR);
  // ESR latches errors on a write; write twice to clear both copies.
  lapicw(ESR, 0);
  lapicw(ESR, 0);

  // Acknowledge anything left pending from before, and accept every
  // priority of interrupt.
  lapicw(EOI, 0);
  lapicw(TPR, 0);
}

int
lapicid(void)
{
  if(!lapic)
    return 0;
  return lapic[ID] >> 24;
}

// Acknowledge the interrupt being handled.
void
lapiceoi(void)
{
  if(lapic)
    lapicw(EOI, 0);
}

// Spin for about us microseconds. Accurate once timerinit() has measured
// the TSC; before that a port read (roughly 1 us on real hardware, less
// under emulation) stands in.
void
microdelay(int us)
{
  uint64 t0;

  if(us <= 0)
    return;
  if(tscperms == 0){
    while(us-- > 0)
      inb(0x80);
    return;
  }
  t0 = rdtsc();
  while((rdtsc() - t0) * 1000 < (uint64)us * tscperms)
    ;
}

// Send an interrupt command and wait until the LAPIC has delivered it.
static void
sendipi(uint apicid, uint cmd)
{
  lapicw(ICRHI, apicid << 24);
  lapicw(ICRLO, cmd);
  while(lapic[ICRLO] & ICR_DELIVS)
    ;
}

// Start the application processor apicid at physical address addr, which
// must be page-aligned and below 1 MiB: the STARTUP message carries addr's
// page number, and the AP begins there in real mode.
void
lapicstartap(uchar apicid, uint addr)
{
  ushort *wrv;
  int i;

  // Older processors leave INIT through the BIOS, which resumes at the
  // warm-reset vector (40:67) when the CMOS shutdown code is 0x0A.
  outb(0x70, 0x0F);
  outb(0x71, 0x0A);
  wrv = (ushort*)P2V(0x40 << 4 | 0x67);
  wrv[0] = 0;
  wrv[1] = addr >> 4;

  // INIT (assert, then de-assert) resets the AP and makes it wait...
  sendipi(apicid, ICR_INIT | ICR_LEVEL | ICR_ASSERT);
  microdelay(200);
  sendipi(apicid, ICR_INIT | ICR_LEVEL);
  microdelay(10000);

  // ...for STARTUP, which is sent twice as the MP specification asks
  // (an AP that started on the first ignores the second).
  for(i = 0; i < 2; i++){
    sendipi(apicid, ICR_STARTUP | (addr >> 12));
    microdelay(200);
  }
}

// Measure, over CALIB_MS milliseconds of PIT time, how fast the LAPIC
// timer (divided by 16) and the TSC run.
static void
calibrate(void)
{
  uint pitcount = PIT_HZ * CALIB_MS / 1000;
  uint lapiccount, tsccount;
  uint64 t0;

  // Gate channel 2 on and the speaker off, then load the count in mode 0
  // (interrupt on terminal count): OUT2 goes low now and high when the
  // count reaches zero, CALIB_MS later.
  outb(PORTB, (inb(PORTB) & ~0x02) | 0x01);
  outb(PIT_MODE, 0xB0);       // channel 2, low then high byte, mode 0
  outb(PIT_CH2, pitcount & 0xFF);
  outb(PIT_CH2, pitcount >> 8);

  // Start the LAPIC timer as a masked one-shot from the largest count.
  lapicw(TDCR, TDCR_DIV16);
  lapicw(TIMER, LVT_MASKED | (T_IRQ0 + IRQ_TIMER));
  lapicw(TICR, 0xFFFFFFFF);
  t0 = rdtsc();

  // Stop early if the LAPIC count runs out: OUT2 is broken, say.
  while(!(inb(PORTB) & PORTB_OUT2) && lapic[TCCR] != 0)
    ;
  lapiccount = 0xFFFFFFFF - lapic[TCCR];
  tsccount = (uint)(rdtsc() - t0);
  lapicw(TICR, 0);

  // Counts per tick: lapiccount per CALIB_MS, 1000/HZ ms per tick.
  timercount = lapiccount / CALIB_MS * (1000 / HZ);
  if(timercount == 0){
    cprintf("lapic: timer calibration failed; guessing\n");
    timercount = 1000000;
  }
  tscperms = tsccount / CALIB_MS;
  tscboot = rdtsc();
  cprintf("lapic: timer %d kHz, tsc %d kHz\n",
          lapiccount / CALIB_MS * 16, tscperms);
}

// Make this CPU's LAPIC timer interrupt HZ times a second. The first call
// (the boot CPU's, from main() before it starts the other CPUs) calibrates.
void
timerinit(void)
{
  if(!lapic)
    return;
  if(timercount == 0)
    calibrate();
  lapicw(TDCR, TDCR_DIV16);
  lapicw(TIMER, TIMER_PERIODIC | (T_IRQ0 + IRQ_TIMER));
  lapicw(TICR, timercount);
}

// n / d for a 64-bit n, without libgcc's 64-bit division: one divl,
// whose quotient must fit in 32 bits (else saturate).
static uint
div64(uint64 n, uint d)
{
  uint hi = n >> 32, lo = (uint)n, q, r;

  if(hi >= d)
    return 0xFFFFFFFF;
  asm("divl %4" : "=a" (q), "=d" (r) : "a" (lo), "d" (hi), "rm" (d));
  return q;
}

// Milliseconds since the timer was calibrated at boot.
uint
millis(void)
{
  uint ms, old;

  if(tscperms == 0)
    return ticks * (1000 / HZ);
  ms = div64(rdtsc() - tscboot, tscperms);

  // Never return less than any CPU returned before: raise the shared mark
  // with compare-and-swap, or return it if it is already higher.
  for(;;){
    old = lastms;
    if(ms <= old)
      return old;
    if(__sync_bool_compare_and_swap(&lastms, old, ms))
      return ms;
  }
}
