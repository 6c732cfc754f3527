// The console: formatted kernel output, panic, and the terminal that user
// programs read and write as device CONSOLE.
//
// cprintf is the console's end of the formatting core in printfmt.c,
// which snprintf shares.
//
// Output goes to every console device at once: the serial ports that
// uart.c chose from the command line, and the VGA screen. Input comes from
// the serial ports and the PS/2 keyboard, all through consoleintr(), which
// runs the line discipline:
//
//   * characters are echoed and collected in a circular buffer;
//   * backspace (^H or DEL) erases the last character, ^U the whole line;
//   * ^D hands the line over without a newline: a read returns what the
//     line holds so far, and a ^D at the start of a line reads as 0 bytes
//     (end of file);
//   * ^P lists the processes (procdump) and, from lab 2 on, the NIC's
//     counters, for debugging a hung system (the grader types it when a
//     test fails);
//   * a serial terminal sends CR for the Enter key: it counts as a newline
//     (and the LF of a CR LF pair is then dropped, so pasted text with DOS
//     line ends does not produce empty lines).
//
// A read sleeps until a whole line (or ^D) is in the buffer, then returns
// at most that line. If a line fills the buffer entirely it is handed to
// the reader as it is (a line of INPUT_BUF bytes without its newline), so a
// long paste cannot wedge the console. While the buffer is full,
// consoleintr leaves further input in the device: the UART's FIFO, and
// behind it QEMU's character back end, hold it (flow control) instead of
// the line discipline dropping it. A reader that makes room in a full
// buffer pulls the waiting input in itself, since the device raises no new
// interrupt for bytes it already announced. (A real UART has only its
// 16-byte FIFO and no back end to push back on: a sender that outruns the
// reader loses bytes there, in the UART's overrun, rather than here.)
//
// Locking. tty.lock serialises output (so lines from different CPUs do not
// interleave) and protects the input buffer. consoleinit() runs before
// there is a CPU table or any interrupt, when acquire() could not yet tell
// which CPU holds the lock, so cprintf does without the lock until
// console_irqinit() switches it on; until then only the boot CPU runs.
//
// Panic. panic() stops its CPU with interrupts off. It prints without the
// lock (the lock's holder may be the reason for the panic) and sets
// `panicked`, after which any other CPU that tries to print stops too, so
// the panic message stays the last thing on the console.

#include "types.h"
#include "param.h"
#include "traps.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "fs.h"
#include "file.h"
#include "memlayout.h"
#include "mmu.h"
#include "proc.h"
#include "x86.h"
#include "defs.h"

#define BACKSPACE 0x100   // consputc: erase the previous character
#define C(x)  ((x)-'@')   // control key: C('D') is ^D
#define INPUT_BUF 512

static struct {
  struct spinlock lock;
  int locking;            // cprintf takes the lock (off at boot and after panic)

  // Input, as free-running counters taken modulo INPUT_BUF:
  // rd <= ready <= edit and edit - rd <= INPUT_BUF.
  char buf[INPUT_BUF];
  uint rd;                // next byte a reader takes
  uint ready;             // bytes before this belong to readers
  uint edit;              // end of the line still being typed
  int lastcr;             // the previous input byte was a CR
  int haskbd;             // a PS/2 keyboard feeds consoleintr too
} tty;

// Nonzero once some CPU has panicked: 1 + that CPU's APIC ID.
volatile int panicked;

// The APIC ID of the running CPU, from CPUID. panic() must not depend on
// the CPU table or the LAPIC mapping being in order.
static int
cpuapicid(void)
{
  uint a, b, c, d;

  asm volatile("cpuid" : "=a" (a), "=b" (b), "=c" (c), "=d" (d) : "a" (1));
  return b >> 24;
}

// Once a CPU has panicked, stop any other CPU that tries to print.
static void
freezeifpanicked(void)
{
  if(panicked && panicked != cpuapicid() + 1){
    cli();
    for(;;)
      hlt();
  }
}

static void
consputc(int c)
{
  freezeifpanicked();
  if(c == BACKSPACE){
    uartputc('\b');
    uartputc(' ');
    uartputc('\b');
    vgaputc('\b');
  } else {
    uartputc(c);
    vgaputc(c);
  }
}

// ---------------------------------------------------------------- cprintf

// vformat's sink for the consoles.
static void
consput(int c, void *unused)
{
  consputc(c);
}

// Print a formatted string on every console; printfmt.c says which
// formats it understands. The whole message is printed under tty.lock, so
// lines from different CPUs do not mix.
void
cprintf(char *fmt, ...)
{
  __builtin_va_list ap;
  int locking;

  locking = tty.locking;
  if(locking)
    acquire(&tty.lock);
  if(fmt == 0)
    panic("cprintf: null fmt");

  __builtin_va_start(ap, fmt);
  vformat(consput, 0, fmt, ap);
  __builtin_va_end(ap);

  if(locking)
    release(&tty.lock);
}

// ---------------------------------------------------------------- panic

void
panic(char *s)
{
  uint pcs[10];
  int i, me;

  cli();
  me = cpuapicid() + 1;
  // If another CPU is already panicking, let its message stand.
  if(panicked && panicked != me)
    freezeifpanicked();
  panicked = me;
  tty.locking = 0;

  cprintf("panic: %s (cpu apic %d)\n", s, me - 1);
  getcallerpcs(&s, pcs);
  cprintf("backtrace:");
  for(i = 0; i < NELEM(pcs) && pcs[i]; i++)
    cprintf(" %p", pcs[i]);
  cprintf("\n");
  for(;;)
    hlt();
}

// ---------------------------------------------------------------- input

// Store c at the end of the line being edited; returns 0 if it does not
// fit. The reader's bytes (rd..ready) are never overwritten.
static int
storec(int c)
{
  if(tty.edit - tty.rd >= INPUT_BUF)
    return 0;
  tty.buf[tty.edit++ % INPUT_BUF] = c;
  return 1;
}

// Hand the edited line to readers.
static void
commitline(void)
{
  tty.ready = tty.edit;
  wakeup(&tty.rd);
  // LAB 4: BEGIN
  pollwakeup();
  // LAB 4: END
}

// Called by the keyboard and serial interrupt handlers: getc returns the
// next input byte, or -1 when there are no more.
void
consoleintr(int (*getc)(void))
{
  int c, dumpprocs;

  dumpprocs = 0;
  acquire(&tty.lock);
  // When the buffer is full, leave the input in the device (see the top).
  while(tty.edit - tty.rd < INPUT_BUF && (c = getc()) >= 0){
    if(c == '\n' && tty.lastcr){
      tty.lastcr = 0;
      continue;
    }
    tty.lastcr = (c == '\r');
    switch(c){
    case 0:
      break;
    case C('P'):
      // procdump prints, which takes tty.lock: do it once we let go.
      dumpprocs = 1;
      break;
    case C('U'):
      while(tty.edit != tty.ready && tty.buf[(tty.edit-1) % INPUT_BUF] != '\n'){
        tty.edit--;
        consputc(BACKSPACE);
      }
      break;
    case C('H'):
    case '\x7f':
      if(tty.edit != tty.ready){
        tty.edit--;
        consputc(BACKSPACE);
      }
      break;
    default:
      if(c == '\r')
        c = '\n';
      if(!storec(c))
        break;
      if(c != C('D'))
        consputc(c);
      // A line is complete at a newline or ^D, or when the buffer is
      // full: a reader must then take what there is to make room.
      if(c == '\n' || c == C('D') || tty.edit - tty.rd >= INPUT_BUF)
        commitline();
      break;
    }
  }
  release(&tty.lock);

  if(dumpprocs){
    procdump();
    // LAB 2: BEGIN
    ether_dump();
    // LAB 2: END
  }
}

// Pull in the input that consoleintr left in the devices while the buffer
// was full. Called without tty.lock.
static void
refill(void)
{
  uartintr();
  if(tty.haskbd)
    kbdintr();
}

// Read at most n bytes, up to the end of a line, into addr (a user
// address if user_dst). Sleeps until a line is ready, unless the file was
// opened O_NONBLOCK. Returns the number of bytes read, 0 at end of file,
// -1 if nothing could be read (killed, bad address, nothing ready).
static int
consoleread(struct file *f, int user_dst, uint addr, int n)
{
  int got, wasfull;
  char c;

  got = 0;
  wasfull = 0;
  acquire(&tty.lock);
  while(got < n){
    while(tty.rd == tty.ready){
      if(wasfull){
        // We emptied a full buffer and want more: the rest of the line
        // may be waiting in a device, which will not interrupt for it.
        release(&tty.lock);
        refill();
        acquire(&tty.lock);
        wasfull = 0;
        continue;
      }
      if((f && f->nonblock) || (myproc() && killed(myproc()))){
        release(&tty.lock);
        return got > 0 ? got : -1;
      }
      sleep(&tty.rd, &tty.lock);
    }
    if(tty.edit - tty.rd >= INPUT_BUF)
      wasfull = 1;
    c = tty.buf[tty.rd % INPUT_BUF];
    if(c == C('D')){
      // ^D pushes out what the line holds, as a terminal does: after
      // "abc^D" the read returns "abc"; a ^D on its own reads as end of file.
      tty.rd++;
      break;
    }
    if(either_copyout(user_dst, addr + got, &c, 1) < 0){
      if(got == 0)
        got = -1;
      break;
    }
    tty.rd++;
    got++;
    if(c == '\n')
      break;
  }
  wasfull = wasfull && tty.edit - tty.rd < INPUT_BUF;   // we made room
  release(&tty.lock);
  if(wasfull)
    refill();
  return got;
}

// LAB 4: BEGIN
// For select(): a read returns at once when a line (or a ^D) is ready;
// output never waits.
static int
consolepoll(struct file *f)
{
  int r;

  acquire(&tty.lock);
  r = tty.rd != tty.ready ? POLLIN | POLLOUT : POLLOUT;
  release(&tty.lock);
  return r;
}
// LAB 4: END

// Write n bytes from addr (a user address if user_src) to the console.
// The bytes are copied in chunks outside the lock, since a copy from user
// memory may be slow; each chunk is printed as a whole.
static int
consolewrite(struct file *f, int user_src, uint addr, int n)
{
  char chunk[128];
  int done, m, i;

  for(done = 0; done < n; done += m){
    m = n - done;
    if(m > sizeof(chunk))
      m = sizeof(chunk);
    if(either_copyin(chunk, user_src, addr + done, m) < 0)
      return done > 0 ? done : -1;
    if(tty.locking)
      acquire(&tty.lock);
    for(i = 0; i < m; i++)
      consputc(chunk[i] & 0xFF);
    if(tty.locking)
      release(&tty.lock);
  }
  return n;
}

// ---------------------------------------------------------------- set-up

// Called very early, before interrupts or the CPU table exist, but after
// multiboot_init has stored the command line that uart.c reads.
void
consoleinit(void)
{
  initlock(&tty.lock, "console");
  uartinit();
  vgainit();
  devsw[CONSOLE].read = consoleread;
  devsw[CONSOLE].write = consolewrite;
  // LAB 4: BEGIN
  devsw[CONSOLE].poll = consolepoll;
  // LAB 4: END
}

// Called once the IOAPIC and the IDT exist: start taking input, and start
// serialising output now that acquire() can name the CPU holding the lock.
void
console_irqinit(void)
{
  // An absent i8042 controller floats its status port to all ones.
  if(inb(0x64) != 0xFF){
    irq_register(IRQ_KBD, kbdintr);
    ioapicenable(IRQ_KBD, 0);
    tty.haskbd = 1;
  }
  uart_irqinit();
  tty.locking = 1;
}
