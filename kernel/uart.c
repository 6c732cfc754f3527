// The 16550 serial ports COM1 (I/O 0x3F8, IRQ 4) and COM2 (0x2F8, IRQ 3).
//
// Both carry the console by default, at 115200 baud, 8 data bits, no
// parity, one stop bit, with the FIFOs on and an interrupt for every byte
// received. The command line can narrow that down:
//
//   console=com2   only COM2. COM1 is not ours: under BitVisor the
//                  hypervisor keeps COM1 for its own log, so the kernel must
//                  not so much as read one of its registers.
//   console=com1   only COM1.
//
// (A comma list such as console=com1,com2 names both; anything else keeps
// the default.) A port that is missing reads as all ones; such a port is
// dropped at init so that writing to it never stalls. Output polls the line
// status register with a bounded wait, so a wedged port costs a few
// milliseconds per character at worst, never a hang.
//
// Transmission is by polling, reception by interrupt: uartintr() hands
// every byte waiting in the FIFOs to the console's line discipline.

#include "types.h"
#include "param.h"
#include "traps.h"
#include "defs.h"
#include "x86.h"

// Register offsets from a port's base.
#define RBR  0    // receive buffer (read, DLAB=0)
#define THR  0    // transmit holding (write, DLAB=0)
#define DLL  0    // divisor latch low (DLAB=1)
#define IER  1    // interrupt enable (DLAB=0)
#define DLM  1    // divisor latch high (DLAB=1)
#define IIR  2    // interrupt identification (read)
#define FCR  2    // FIFO control (write)
#define LCR  3    // line control
#define MCR  4    // modem control
#define LSR  5    // line status
#define SCR  7    // scratch

#define IER_RDA      0x01   // interrupt when received data is available
#define FCR_ENABLE   0x01
#define FCR_CLEAR    0x06   // clear both FIFOs
#define LCR_8N1      0x03
#define LCR_DLAB     0x80   // divisor latch access
#define MCR_DTR      0x01
#define MCR_RTS      0x02
#define MCR_OUT2     0x08   // on a PC, gates the UART's interrupt onto its IRQ line
#define LSR_DR       0x01   // a received byte is waiting
#define LSR_THRE     0x20   // transmit holding register empty

#define BAUD_BASE    115200 // the UART clock divided by 16

// How many LSR reads to wait for room to transmit. One port read takes
// about a microsecond on real hardware, a character at 115200 baud 87.
#define TX_SPINS     20000

struct uart {
  char *name;
  ushort base;
  int irq;
  int wanted;   // the command line lets us use it
  int present;  // it answered at init: the console writes and reads it
};

static struct uart uarts[] = {
  { "com1", 0x3F8, IRQ_COM1, 0, 0 },
  { "com2", 0x2F8, IRQ_COM2, 0, 0 },
};

// Decide from the command line which ports the console may use.
static void
choosewanted(void)
{
  char v[32];
  int i, named;

  named = 0;
  if(cmdline_get("console", v, sizeof(v))){
    for(i = 0; i < NELEM(uarts); i++){
      // Accept "com1", "com2" and comma lists of them.
      char *p = v;
      while(*p){
        if(strncmp(p, uarts[i].name, 4) == 0 && (p[4] == 0 || p[4] == ',')){
          uarts[i].wanted = 1;
          named = 1;
        }
        while(*p && *p != ',')
          p++;
        if(*p == ',')
          p++;
      }
    }
  }
  if(!named)
    for(i = 0; i < NELEM(uarts); i++)
      uarts[i].wanted = 1;
}

// Program one port and report whether it exists. The scratch register
// holds whatever is written to it on every 16450/16550; an absent port
// floats to 0xFF.
static int
uartprobe(struct uart *u)
{
  ushort b = u->base;
  uint div = BAUD_BASE / 115200;

  if(inb(b+LSR) == 0xFF)
    return 0;
  outb(b+SCR, 0x5A);
  if(inb(b+SCR) != 0x5A)
    return 0;

  outb(b+IER, 0);                       // quiet while we set it up
  outb(b+LCR, LCR_DLAB);
  outb(b+DLL, div & 0xFF);
  outb(b+DLM, div >> 8);
  outb(b+LCR, LCR_8N1);                 // also clears DLAB
  outb(b+FCR, FCR_ENABLE | FCR_CLEAR);  // trigger level 1: echo at once
  outb(b+MCR, MCR_DTR | MCR_RTS | MCR_OUT2);

  // Throw away whatever arrived before we were ready, and the interrupt
  // that may be pending for it.
  while(inb(b+LSR) & LSR_DR)
    inb(b+RBR);
  inb(b+IIR);
  return inb(b+LSR) != 0xFF;
}

void
uartinit(void)
{
  int i;

  choosewanted();
  for(i = 0; i < NELEM(uarts); i++)
    if(uarts[i].wanted)
      uarts[i].present = uartprobe(&uarts[i]);
}

// Route the console ports' interrupts to CPU 0 and start receiving. Called
// by console_irqinit() once the IOAPIC and the IDT exist.
void
uart_irqinit(void)
{
  int i;
  struct uart *u;

  for(i = 0; i < NELEM(uarts); i++){
    u = &uarts[i];
    if(!u->present)
      continue;
    irq_register(u->irq, uartintr);
    ioapicenable(u->irq, 0);
    outb(u->base+IER, IER_RDA);
    // Bytes that came in before IER was set raised no interrupt; pick
    // them up now.
    inb(u->base+IIR);
  }
  uartintr();
}

static void
uartputbyte(struct uart *u, int c)
{
  int i;

  for(i = 0; i < TX_SPINS; i++)
    if(inb(u->base+LSR) & LSR_THRE)
      break;
  outb(u->base+THR, c);
}

// Write c to every console port. A newline goes out as CR LF, which is
// what a terminal (and the grader's pexpect) needs to start a new line;
// this is the only place that translation happens.
void
uartputc(int c)
{
  int i;

  for(i = 0; i < NELEM(uarts); i++){
    if(!uarts[i].present)
      continue;
    if(c == '\n')
      uartputbyte(&uarts[i], '\r');
    uartputbyte(&uarts[i], c);
  }
}

static int
uartgetc(struct uart *u)
{
  if(!u->present || !(inb(u->base+LSR) & LSR_DR))
    return -1;
  return inb(u->base+RBR);
}

static int
com1getc(void)
{
  return uartgetc(&uarts[0]);
}

static int
com2getc(void)
{
  return uartgetc(&uarts[1]);
}

// A receive interrupt from either port (IRQs 3 and 4 share this handler):
// drain both, since consoleintr reads until the port has nothing left.
void
uartintr(void)
{
  if(uarts[0].present)
    consoleintr(com1getc);
  if(uarts[1].present)
    consoleintr(com2getc);
}
