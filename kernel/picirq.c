// The two legacy 8259A interrupt controllers (PICs).
//
// bvlab takes device interrupts through the IOAPIC and the local APICs, so
// the PICs are only put out of the way. They are re-initialised first so
// that their vectors start at T_IRQ0 rather than overlapping the CPU
// exceptions (the BIOS leaves the master at vector 8, the double fault),
// and then every line is masked: should a spurious PIC interrupt still get
// through, it arrives on an IRQ vector, not as a bogus exception.

#include "types.h"
#include "x86.h"
#include "traps.h"
#include "defs.h"

#define PIC_MASTER  0x20    // command port; data (mask) port is +1
#define PIC_SLAVE   0xA0
#define SLAVE_IRQ   2       // the slave is cascaded on master line 2

void
picinit(void)
{
  // ICW1: edge triggered, cascade mode, ICW4 follows.
  outb(PIC_MASTER, 0x11);
  outb(PIC_SLAVE, 0x11);
  // ICW2: first vector.
  outb(PIC_MASTER+1, T_IRQ0);
  outb(PIC_SLAVE+1, T_IRQ0 + 8);
  // ICW3: where the slave hangs (a bit mask for the master, a number for it).
  outb(PIC_MASTER+1, 1 << SLAVE_IRQ);
  outb(PIC_SLAVE+1, SLAVE_IRQ);
  // ICW4: 8086 mode, normal end of interrupt.
  outb(PIC_MASTER+1, 0x01);
  outb(PIC_SLAVE+1, 0x01);

  // Mask every line.
  outb(PIC_MASTER+1, 0xFF);
  outb(PIC_SLAVE+1, 0xFF);
}
