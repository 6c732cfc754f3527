// Traps: what the kernel does when the CPU leaves whatever it was running.
//
// The IDT (interrupt descriptor table) sends all 256 vectors to the stubs
// in vectors.S, which funnel into alltraps (trapasm.S) and then trap()
// here, with a struct trapframe describing the interrupted state. There are
// three kinds of trap:
//
//  * system calls (int $T_SYSCALL from user mode): handed to syscall();
//  * device interrupts: the LAPIC timer keeps `ticks`, ends timed sleeps
//    and preempts the running process; every other device line is
//    dispatched through a small table that drivers fill with
//    irq_register() at boot;
//  * exceptions: a fault in user code kills the process (never the
//    machine), a fault in the kernel is a bug and panics.
//
// All gates are interrupt gates (the CPU clears IF on entry, so trap()
// starts with interrupts off and may use mycpu()), except the system-call
// gate: that is a trap gate, so a long system call stays interruptible,
// and the only one user code may raise with `int` (DPL_USER).
//
// A kernel thread (proc.kthread) only ever traps from kernel mode, so the
// paths below that return to user mode are never taken for it.

#include "types.h"
#include "defs.h"
#include "param.h"
#include "memlayout.h"
#include "mmu.h"
#include "proc.h"
#include "x86.h"
#include "traps.h"
#include "spinlock.h"

// Device lines the IOAPIC and LAPIC can deliver (vectors T_IRQ0..T_IRQ0+31).
#define NIRQ 32
// Handlers per line: PCI INTx lines are level-triggered and may be shared
// by several devices, so every handler on a line runs for each interrupt
// (and must cope with finding nothing to do).
#define NIRQHANDLER 4

static struct gatedesc idt[256];
extern uint vectors[];             // stub addresses, from vectors.S
static void (*irqhandler[NIRQ][NIRQHANDLER])(void);

struct spinlock tickslock;
uint ticks;                        // timer interrupts on CPU 0 since boot

// Fill the IDT. Called once, on the boot CPU.
void
tvinit(void)
{
  int i;

  for(i = 0; i < 256; i++)
    SETGATE(idt[i], 0, SEG_KCODE<<3, vectors[i], DPL_KERNEL);
  SETGATE(idt[T_SYSCALL], 1, SEG_KCODE<<3, vectors[T_SYSCALL], DPL_USER);
  initlock(&tickslock, "time");
}

// Load the IDT into this CPU's IDTR. Every CPU calls it.
void
idtinit(void)
{
  lidt(idt, sizeof(idt));
}

// Ask for handler() to run whenever device line irq interrupts. Drivers
// call this at boot, before they enable the line in the IOAPIC.
void
irq_register(int irq, void (*handler)(void))
{
  int i;

  if(irq < 0 || irq >= NIRQ)
    panic("irq_register: bad irq");
  for(i = 0; i < NIRQHANDLER; i++){
    if(irqhandler[irq][i] == handler)
      return;
    if(irqhandler[irq][i] == 0){
      irqhandler[irq][i] = handler;
      return;
    }
  }
  panic("irq_register: too many handlers on one line");
}

// Count a tick (CPU 0 only, so `ticks` measures time and not the number of
// CPUs), wake the processes in sleep() waiting for time to pass, and end
// every sleep_until() whose deadline has come.
static void
clockintr(void)
{
  if(cpuid() == 0){
    acquire(&tickslock);
    ticks++;
    wakeup(&ticks);
    release(&tickslock);
    wakeup_deadlines();
  }
  lapiceoi();
}

// Run the handlers of a device line. Returns 0 if nobody registered it.
static int
devintr(int irq)
{
  int i, n;

  n = 0;
  for(i = 0; i < NIRQHANDLER && irqhandler[irq][i]; i++){
    irqhandler[irq][i]();
    n++;
  }
  lapiceoi();
  return n;
}

// An exception nobody expected: the current process's fault if it came
// from user mode, a kernel bug otherwise.
static void
badtrap(struct trapframe *tf)
{
  struct proc *p = myproc();

  if(p == 0 || (tf->cs & 3) != DPL_USER){
    cprintf("unexpected trap %d err %d from cpu %d eip 0x%x addr 0x%x\n",
            tf->trapno, tf->err, cpuid(), tf->eip, rcr2());
    panic("trap: unexpected trap in kernel");
  }
  cprintf("pid %d %s: trap %d err %d on cpu %d eip 0x%x addr 0x%x--kill proc\n",
          p->pid, p->name, tf->trapno, tf->err, cpuid(), tf->eip, rcr2());
  p->killed = 1;
}

// LAB 6: BEGIN
// A vmmcall (AMD, 0f 01 d9) or vmcall (Intel, 0f 01 c1) from user mode
// that no hypervisor took: the CPU raises #UD. Lab 6's bvstat asks the
// BitVisor hypervisor for its counters this way, and on a machine without
// BitVisor it should learn so, not be killed: the process gets eax = 0,
// what BitVisor answers for a call it does not know, and runs on after
// the instruction. Any other #UD still kills the process.
static int
novmmcall(struct trapframe *tf)
{
  uchar insn[3];

  if(tf->trapno != T_ILLOP || (tf->cs & 3) != DPL_USER ||
     either_copyin(insn, 1, tf->eip, sizeof(insn)) < 0)
    return 0;
  if(insn[0] != 0x0f || insn[1] != 0x01 || (insn[2] != 0xd9 && insn[2] != 0xc1))
    return 0;
  tf->eax = 0;
  tf->eip += sizeof(insn);
  return 1;
}
// LAB 6: END

// A system call. Interrupts are on here (trap gate); the process may be
// killed while it waits, and must not go back to user mode if it was.
static void
syscalltrap(struct trapframe *tf)
{
  struct proc *p = myproc();

  if(p == 0 || p->kthread || (tf->cs & 3) != DPL_USER)
    panic("trap: system call from kernel mode");
  if(killed(p))
    exit(-1);
  p->tf = tf;
  syscall();
  if(killed(p))
    exit(-1);
}

void
trap(struct trapframe *tf)
{
  struct proc *p;
  int irq;

  if(tf->trapno == T_SYSCALL){
    syscalltrap(tf);
    return;
  }

  irq = tf->trapno - T_IRQ0;
  if(tf->trapno == T_IRQ0 + IRQ_TIMER){
    clockintr();
  } else if(tf->trapno == T_IRQ0 + IRQ_SPURIOUS){
    // The LAPIC's spurious vector: no interrupt happened, and the LAPIC
    // wants no EOI for it.
  } else if(tf->trapno >= T_IRQ0 && irq < NIRQ){
    if(devintr(irq) == 0)
      cprintf("cpu %d: unexpected irq %d\n", cpuid(), irq);
// LAB 6: BEGIN
  } else if(novmmcall(tf)){
    // answered as "no such call" (above)
// LAB 6: END
  } else {
    badtrap(tf);
  }

  p = myproc();
  if(p == 0)
    return;

  // A process killed while it ran in user mode leaves here; one that is in
  // the kernel finishes its system call first (syscalltrap checks again).
  if(killed(p) && (tf->cs & 3) == DPL_USER)
    exit(-1);

  // Preempt: give up the CPU on every timer tick.
  if(p->state == RUNNING && tf->trapno == T_IRQ0 + IRQ_TIMER)
    yield();

  // It may have been killed while it was waiting for the CPU again.
  if(killed(p) && (tf->cs & 3) == DPL_USER)
    exit(-1);
}
