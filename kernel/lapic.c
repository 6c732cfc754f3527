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
// the PIT, whose 1.193182 MHz crystal every PC has: PIT channel 2 (its
// gate is reached through port 0x61, so no interrupt is needed), the LAPIC
// timer and the time-stamp counter are read together at the start and the
// end of about 10 ms, and compared. The result programs every CPU's timer
// to fire HZ times a second. 10 ms is plenty for accuracy and short enough
// for QEMU's slow TCG; readclocks() explains how a busy host is survived.
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

// n / d for a 64-bit n, without libgcc's 64-bit division: one divl,
// whose quotient must fit in 32 bits (else saturate).
static uint
div64(uint64 n, uint d)
{
  uint hi = n >> 32, lo = (uint)n, q, r;

  if(d == 0 || hi >= d)
    return 0xFFFFFFFF;
  asm("divl %4" : "=a" (q), "=d" (r) : "a" (lo), "d" (hi), "rm" (d));
  return q;
}

// The three clocks read at (nearly) one moment.
struct clocks {
  uint pit;       // PIT channel 2 count (counts down at PIT_HZ)
  uint lapic;     // LAPIC timer current count (counts down)
  uint64 tsc;     // time-stamp counter (counts up)
};

static uint
pitread(void)
{
  uint lo, hi;

  outb(PIT_MODE, 0x80);       // latch channel 2's count
  lo = inb(PIT_CH2);
  hi = inb(PIT_CH2);
  return hi << 8 | lo;
}

// Read all three clocks. Under QEMU the virtual CPU can be descheduled
// between any two instructions while the clocks run on, so read several
// times and keep the reading that took the fewest TSC cycles.
static void
readclocks(struct clocks *c)
{
  uint64 t0, t1, best = ~0ULL;
  uint i, pit, count;

  for(i = 0; i < 5; i++){
    t0 = rdtsc();
    pit = pitread();
    count = lapic[TCCR];
    t1 = rdtsc();
    if(t1 - t0 < best){
      best = t1 - t0;
      c->pit = pit;
      c->lapic = count;
      c->tsc = t0;
    }
  }
}

// Measure how fast the LAPIC timer (divided by 16) and the TSC run,
// against at least CALIB_MS of PIT time. Returns 0 if the PIT wrapped
// (we were away too long) and the caller should try again.
static int
calibrate(void)
{
  uint pitwant = PIT_HZ / 1000 * CALIB_MS;
  uint pitgone;
  struct clocks a, b;

  // Gate channel 2 on and the speaker off; count down from 0xFFFF in
  // mode 0 (about 55 ms), whose output goes high when the count reaches
  // zero and stays high, telling us that it wrapped.
  outb(PORTB, (inb(PORTB) & ~0x02) | 0x01);
  outb(PIT_MODE, 0xB0);       // channel 2, low then high byte, mode 0
  outb(PIT_CH2, 0xFF);
  outb(PIT_CH2, 0xFF);

  // The LAPIC timer as a masked one-shot from its largest count.
  lapicw(TDCR, TDCR_DIV16);
  lapicw(TIMER, LVT_MASKED | (T_IRQ0 + IRQ_TIMER));
  lapicw(TICR, 0xFFFFFFFF);

  readclocks(&a);
  do {
    readclocks(&b);
    pitgone = a.pit - b.pit;
  } while(pitgone < pitwant && !(inb(PORTB) & PORTB_OUT2));
  lapicw(TICR, 0);
  if((inb(PORTB) & PORTB_OUT2) || b.pit > a.pit)
    return 0;

  // Counts per tick: (lapic counts / PIT counts) * (PIT counts per tick).
  timercount = div64((uint64)(a.lapic - b.lapic) * PIT_HZ, pitgone * HZ);
  tscperms = div64((b.tsc - a.tsc) * PIT_HZ, pitgone * 1000);
  tscboot = b.tsc;
  return 1;
}

// Make this CPU's LAPIC timer interrupt HZ times a second. The first call
// (the boot CPU's, from main() before it starts the other CPUs) calibrates.
void
timerinit(void)
{
  int i;

  if(!lapic)
    return;
  if(timercount == 0){
    for(i = 0; i < 3 && !calibrate(); i++)
      ;
    if(timercount == 0 || timercount == 0xFFFFFFFF){
      cprintf("lapic: timer calibration failed; guessing\n");
      timercount = 10000000 / HZ;
      tscperms = 0;
    }
    cprintf("lapic: timer %d kHz, tsc %d kHz\n",
            timercount * HZ / 1000 * 16, tscperms);
  }
  lapicw(TDCR, TDCR_DIV16);
  lapicw(TIMER, TIMER_PERIODIC | (T_IRQ0 + IRQ_TIMER));
  lapicw(TICR, timercount);
}

// Milliseconds since the timer was calibrated at boot. The count wraps
// after 2^32 ms (49.7 days), as the tick-based fallback does, so callers
// compare times by their signed difference (proc.c's sleep_until does).
uint
millis(void)
{
  uint64 now, cycles;
  uint ms, old;

  if(tscperms == 0)
    return ticks * (1000 / HZ);
  // Another CPU's TSC may lag the boot CPU's a little: a reading from
  // before tscboot would wrap to a huge difference, and its quotient
  // would then be a wild time that lastms might take up.
  now = rdtsc();
  cycles = now < tscboot ? 0 : now - tscboot;
  // div64 saturates once the quotient needs more than 32 bits; reducing
  // the high word modulo tscperms first gives the quotient modulo 2^32.
  ms = div64((uint64)((uint)(cycles >> 32) % tscperms) << 32 | (uint)cycles,
             tscperms);

  // Never return less than any CPU returned before: raise the shared mark
  // with compare-and-swap, or return it if it is already higher. "Higher"
  // is a signed difference, so the mark follows the count across a wrap;
  // the timer tick reads the clock HZ times a second, so the mark is
  // never 2^31 ms behind.
  for(;;){
    old = lastms;
    if((int)(ms - old) <= 0)
      return old;
    if(__sync_bool_compare_and_swap(&lastms, old, ms))
      return ms;
  }
}
