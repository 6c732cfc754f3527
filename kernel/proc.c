// Processes: the process table, creation and exit, and scheduling.
//
// Every process, and every kernel thread, is a slot of the fixed table
// ptable.proc[NPROC]. A slot moves through the states
//
//   UNUSED -> EMBRYO -> RUNNABLE <-> RUNNING -> ZOMBIE -> UNUSED
//                          ^           |
//                          +- SLEEPING +
//
// and one spinlock, ptable.lock, guards every slot's state (and the
// parent links), so that any transition is atomic with respect to all
// CPUs. Each slot owns one kernel stack, kstacks[slot]: a trap from user
// mode lands there (the TSS points at it), and so does the process's
// saved kernel context while it is switched out.
//
// Each CPU runs scheduler() on its own boot stack. Switching between a
// process and the scheduler is always a swtch() made with ptable.lock
// held; the lock is released by the other side (the scheduler after the
// process gave up the CPU, the process when it is resumed). Holding the
// lock across the switch is what makes sleep/wakeup free of lost wakeups:
// a process marks itself SLEEPING and switches away before any wakeup(),
// which needs the same lock, can look at it.
//
// The first process has no built-in code: its first run, in forkret(),
// initialises the file system (which can sleep, so it cannot happen in
// main) and exec()s /init straight from the kernel. Kernel threads are
// processes with kthread set and no user memory; they start in
// kthread_start() and never return to user mode.

#include "types.h"
#include "defs.h"
#include "param.h"
#include "memlayout.h"
#include "mmu.h"
#include "x86.h"
#include "proc.h"
#include "spinlock.h"

struct cpu cpus[NCPU];
int ncpu;

struct {
  struct spinlock lock;
  struct proc proc[NPROC];
} ptable;

// One kernel stack per table slot: a fixed array rather than kalloc(),
// because KSTACKSIZE is two pages and kalloc() hands out single pages.
static char kstacks[NPROC][KSTACKSIZE] __attribute__((aligned(PGSIZE)));

static struct proc *initproc;
static int nextpid = 1;
static int fsready;             // has the first process set up the fs?

extern void trapret(void);
static void forkret(void);
static void kthread_start(void (*fn)(void*), void *arg);
static void wakeup1(void *chan);

void
pinit(void)
{
  initlock(&ptable.lock, "ptable");
}

// This CPU's struct cpu, found by its LAPIC id. Interrupts must be off:
// a process preempted between reading the id and using the result could
// be resumed on another CPU, holding the wrong struct cpu.
struct cpu*
mycpu(void)
{
  int id, i;

  if(readeflags() & FL_IF)
    panic("mycpu: called with interrupts enabled");
  // Before the CPUs are enumerated only the boot CPU runs.
  if(ncpu == 0)
    return &cpus[0];
  id = lapicid();
  for(i = 0; i < ncpu; i++)
    if(cpus[i].apicid == id)
      return &cpus[i];
  panic("mycpu: unknown apicid");
}

// Index of this CPU in cpus[]. Interrupts must be off (see mycpu).
int
cpuid(void)
{
  return mycpu() - cpus;
}

// The process running on this CPU, or 0 in the scheduler. Safe with
// interrupts on: a process stays itself when it moves between CPUs.
struct proc*
myproc(void)
{
  struct proc *p;

  pushcli();
  p = mycpu()->proc;
  popcli();
  return p;
}

// Has p been killed? An aligned int is read atomically, and a stale 0 only
// delays the exit: kill() also wakes the process if it sleeps.
int
killed(struct proc *p)
{
  return *(volatile int*)&p->killed;
}

// Claim an UNUSED slot and give it a pid and a kernel stack laid out so
// that its first swtch() lands in forkret() and then returns to user mode
// through trapret. Returns the slot in state EMBRYO, or 0 if the table is
// full. The caller fills in memory and state.
static struct proc*
allocproc(void)
{
  struct proc *p;
  char *sp;

  acquire(&ptable.lock);
  for(p = ptable.proc; p < &ptable.proc[NPROC]; p++)
    if(p->state == UNUSED)
      goto found;
  release(&ptable.lock);
  return 0;

found:
  p->state = EMBRYO;
  p->pid = nextpid++;
  p->killed = 0;
  p->xstate = 0;
  p->kthread = 0;
  p->chan = 0;
  p->parent = 0;
  release(&ptable.lock);

  p->kstack = kstacks[p - ptable.proc];
  sp = p->kstack + KSTACKSIZE;

  // The trap frame that trapret will pop.
  sp -= sizeof(*p->tf);
  p->tf = (struct trapframe*)sp;
  memset(p->tf, 0, sizeof(*p->tf));

  // forkret() "returns" to trapret.
  sp -= 4;
  *(uint*)sp = (uint)trapret;

  sp -= sizeof(*p->context);
  p->context = (struct context*)sp;
  memset(p->context, 0, sizeof(*p->context));
  p->context->eip = (uint)forkret;
  return p;
}

// Return a slot to UNUSED, freeing its memory. Caller holds ptable.lock;
// p's files and cwd were already released by exit().
static void
freeproc(struct proc *p)
{
  if(p->pgdir)
    freevm(p->pgdir);
  p->pgdir = 0;
  p->sz = 0;
  p->kstack = 0;
  p->tf = 0;
  p->pid = 0;
  p->parent = 0;
  p->name[0] = 0;
  p->killed = 0;
  p->kthread = 0;
  p->xstate = 0;
  p->state = UNUSED;
}

// Undo allocproc() for a process that never ran.
static void
unallocproc(struct proc *p)
{
  acquire(&ptable.lock);
  freeproc(p);
  release(&ptable.lock);
}

// Make the first process. It has an empty address space (kernel mappings
// only) and a trap frame for user mode; forkret() will fill it by exec.
void
userinit(void)
{
  struct proc *p;

  if((p = allocproc()) == 0)
    panic("userinit: no process slot");
  initproc = p;
  if((p->pgdir = setupkvm()) == 0)
    panic("userinit: out of memory");
  p->sz = 0;
  p->tf->cs = (SEG_UCODE << 3) | DPL_USER;
  p->tf->ds = (SEG_UDATA << 3) | DPL_USER;
  p->tf->es = p->tf->ds;
  p->tf->fs = p->tf->ds;
  p->tf->gs = p->tf->ds;
  p->tf->ss = p->tf->ds;
  p->tf->eflags = FL_IF;
  safestrcpy(p->name, "init", sizeof(p->name));
  p->cwd = 0;                     // set in forkret, once the fs is up

  acquire(&ptable.lock);
  p->state = RUNNABLE;
  release(&ptable.lock);
}

// Grow (n > 0) or shrink (n < 0) the current process's memory by n bytes.
int
growproc(int n)
{
  struct proc *p = myproc();
  uint sz, newsz;

  if(p->kthread)
    return -1;
  sz = p->sz;
  newsz = sz + n;
  if(n > 0){
    if(newsz < sz || (newsz = allocuvm(p->pgdir, sz, newsz)) == 0)
      return -1;
  } else if(n < 0){
    if(newsz > sz)
      return -1;
    newsz = deallocuvm(p->pgdir, sz, newsz);
  }
  p->sz = newsz;
  switchuvm(p);
  return 0;
}

// Create a copy of the current process, which returns 0 in the child and
// the child's pid in the parent.
int
fork(void)
{
  struct proc *np, *p = myproc();
  int i, pid;

  if(p->kthread)
    return -1;
  if((np = allocproc()) == 0)
    return -1;
  if((np->pgdir = copyuvm(p->pgdir, p->sz)) == 0){
    unallocproc(np);
    return -1;
  }
  np->sz = p->sz;
  *np->tf = *p->tf;
  np->tf->eax = 0;                // fork() returns 0 in the child

  for(i = 0; i < NOFILE; i++)
    np->ofile[i] = p->ofile[i] ? filedup(p->ofile[i]) : 0;
  np->cwd = p->cwd ? idup(p->cwd) : 0;
  safestrcpy(np->name, p->name, sizeof(p->name));
  pid = np->pid;

  acquire(&ptable.lock);
  np->parent = p;
  np->state = RUNNABLE;
  release(&ptable.lock);
  return pid;
}

// Start a kernel thread running fn(arg). It has a kernel-only page
// directory (so switchuvm() works for it like for any process), no user
// memory and no open files. Returns its pid, or -1.
int
kthread_create(char *name, void (*fn)(void*), void *arg)
{
  struct proc *np, *p = myproc();
  uint *sp;
  int pid;

  if((np = allocproc()) == 0)
    return -1;
  if((np->pgdir = setupkvm()) == 0){
    unallocproc(np);
    return -1;
  }
  np->sz = 0;
  np->kthread = 1;
  // The root, once there is a file system; looking up "/" reads no disk
  // block, so this is safe outside a process too.
  np->cwd = fsready ? namei("/") : 0;
  safestrcpy(np->name, name, sizeof(np->name));

  // Replace the frame allocproc built: the first swtch() now returns into
  // kthread_start(fn, arg), which sees fn and arg as its arguments above
  // a return address that must never be used.
  sp = (uint*)(np->kstack + KSTACKSIZE);
  *--sp = (uint)arg;
  *--sp = (uint)fn;
  *--sp = 0;
  sp -= sizeof(struct context) / sizeof(uint);
  np->context = (struct context*)sp;
  memset(np->context, 0, sizeof(*np->context));
  np->context->eip = (uint)kthread_start;
  np->tf = 0;
  pid = np->pid;

  acquire(&ptable.lock);
  np->parent = p ? p : initproc;
  np->state = RUNNABLE;
  release(&ptable.lock);
  return pid;
}

// Where a kernel thread begins, holding ptable.lock from the scheduler.
static void
kthread_start(void (*fn)(void*), void *arg)
{
  release(&ptable.lock);
  // Scheduler switches happen with interrupts off; a thread wants them on
  // (release() only restores the scheduler's state).
  sti();
  fn(arg);
  exit(0);
}

// Where every process made by allocproc() begins, holding ptable.lock
// from the scheduler. Returns to trapret, and so to user mode.
static void
forkret(void)
{
  struct proc *p = myproc();
  char *argv[] = { "init", 0 };

  release(&ptable.lock);
  // The scheduler switched here with interrupts off; the process wants
  // them on (and trapret would turn them on anyway).
  sti();

  if(p == initproc && p->cwd == 0){
    // File system set-up reads the disk and may sleep, which needs a
    // process: this is the first moment one exists.
    iinit(ROOTDEV);
    initlog(ROOTDEV);
    fsready = 1;
    p->cwd = namei("/");
    if(p->cwd == 0 || exec("/init", argv) < 0)
      panic("init: cannot exec /init");
  }
}

// Pass p's children to init. Caller holds ptable.lock.
static void
reparent(struct proc *p)
{
  struct proc *q;

  for(q = ptable.proc; q < &ptable.proc[NPROC]; q++){
    if(q->parent == p){
      q->parent = initproc;
      if(q->state == ZOMBIE)
        wakeup1(initproc);
    }
  }
}

// Terminate the current process with the given status. It stays a ZOMBIE
// until its parent collects the status in wait().
void
exit(int status)
{
  struct proc *p = myproc();
  int fd;

  if(p == initproc)
    panic("exit: init exiting");

  for(fd = 0; fd < NOFILE; fd++){
    if(p->ofile[fd]){
      fileclose(p->ofile[fd]);
      p->ofile[fd] = 0;
    }
  }
  if(p->cwd){
    begin_op();
    iput(p->cwd);
    end_op();
    p->cwd = 0;
  }

  acquire(&ptable.lock);
  // A kernel thread started before init has no parent yet.
  if(p->parent == 0)
    p->parent = initproc;
  if(p->parent)
    wakeup1(p->parent);
  reparent(p);
  p->xstate = status;
  p->state = ZOMBIE;
  sched();
  panic("exit: zombie ran again");
}

// Wait for a child to exit; store its status at user address addr unless
// addr is 0, and return its pid. Returns -1 if there are no children, the
// caller was killed, or addr is bad (the child is then left to a later
// wait()).
int
wait(uint addr)
{
  struct proc *q, *p = myproc();
  int havekids, pid;

  acquire(&ptable.lock);
  for(;;){
    havekids = 0;
    for(q = ptable.proc; q < &ptable.proc[NPROC]; q++){
      if(q->parent != p)
        continue;
      havekids = 1;
      if(q->state != ZOMBIE)
        continue;
      if(addr != 0 && (!uaccess_ok(p, addr, sizeof(q->xstate)) ||
         copyout(p->pgdir, addr, &q->xstate, sizeof(q->xstate)) < 0)){
        release(&ptable.lock);
        return -1;
      }
      pid = q->pid;
      freeproc(q);
      release(&ptable.lock);
      return pid;
    }
    if(!havekids || killed(p)){
      release(&ptable.lock);
      return -1;
    }
    // exit() wakes the parent with ptable.lock held, so it cannot slip in
    // between the scan above and this sleep.
    sleep(p, &ptable.lock);
  }
}

// Each CPU's scheduler: pick a RUNNABLE process, run it until it gives the
// CPU back, repeat, in round-robin order over the table. With nothing to
// run the CPU halts until the next interrupt instead of spinning, which
// matters under software emulation where a spinning CPU steals time from
// the one doing real work.
void
scheduler(void)
{
  struct cpu *c;
  struct proc *p;
  int ran;

  cli();
  c = mycpu();
  c->proc = 0;
  for(;;){
    // Scan with interrupts off, so that the halt below cannot miss an
    // interrupt that arrives after the scan found nothing.
    cli();
    ran = 0;
    acquire(&ptable.lock);
    for(p = ptable.proc; p < &ptable.proc[NPROC]; p++){
      if(p->state != RUNNABLE)
        continue;
      c->proc = p;
      switchuvm(p);
      p->state = RUNNING;
      swtch(&c->scheduler, p->context);
      // The process is back in the scheduler (yield, sleep or exit).
      switchkvm();
      c->proc = 0;
      ran = 1;
    }
    release(&ptable.lock);
    if(!ran){
      // sti takes effect only after the next instruction, so an interrupt
      // that is already pending wakes the hlt instead of being lost.
      asm volatile("sti; hlt");
    }
  }
}

// Switch from the current process to this CPU's scheduler. The caller
// holds ptable.lock (and no other lock) and has already changed the
// process's state. intena belongs to this kernel thread, not to the CPU,
// so it is saved here and restored when the thread runs again, on
// whichever CPU that is.
void
sched(void)
{
  struct proc *p = myproc();
  int intena;

  if(!holding(&ptable.lock))
    panic("sched: ptable.lock not held");
  if(mycpu()->ncli != 1)
    panic("sched: other locks held");
  if(p->state == RUNNING)
    panic("sched: process still running");
  if(readeflags() & FL_IF)
    panic("sched: interrupts enabled");
  intena = mycpu()->intena;
  swtch(&p->context, mycpu()->scheduler);
  mycpu()->intena = intena;
}

// Give up the CPU for one scheduling round.
void
yield(void)
{
  acquire(&ptable.lock);
  myproc()->state = RUNNABLE;
  sched();
  release(&ptable.lock);
}

// Atomically release lk and sleep on chan; lk is held again on return.
// Taking ptable.lock before letting go of lk means a wakeup(chan), which
// must hold ptable.lock too, cannot run between the caller's test of its
// condition and this process being marked SLEEPING.
void
sleep(void *chan, struct spinlock *lk)
{
  struct proc *p = myproc();

  if(p == 0)
    panic("sleep: no process");
  if(lk == 0)
    panic("sleep: no lock");

  if(lk != &ptable.lock){
    acquire(&ptable.lock);
    release(lk);
  }
  p->chan = chan;
  p->state = SLEEPING;
  sched();
  p->chan = 0;

  if(lk != &ptable.lock){
    release(&ptable.lock);
    acquire(lk);
  }
}

// Make every process sleeping on chan runnable. Caller holds ptable.lock.
static void
wakeup1(void *chan)
{
  struct proc *p;

  for(p = ptable.proc; p < &ptable.proc[NPROC]; p++)
    if(p->state == SLEEPING && p->chan == chan)
      p->state = RUNNABLE;
}

void
wakeup(void *chan)
{
  acquire(&ptable.lock);
  wakeup1(chan);
  release(&ptable.lock);
}

// Mark process pid killed. It exits the next time it is about to return
// to user mode (trap.c); a sleeping process is woken so that it gets
// there, and every sleep loop that can wait long checks killed().
// Kernel threads are only marked: they must poll killed() themselves.
int
kill(int pid)
{
  struct proc *p;

  acquire(&ptable.lock);
  for(p = ptable.proc; p < &ptable.proc[NPROC]; p++){
    if(p->pid == pid && p->state != UNUSED){
      p->killed = 1;
      if(p->state == SLEEPING)
        p->state = RUNNABLE;
      release(&ptable.lock);
      return 0;
    }
  }
  release(&ptable.lock);
  return -1;
}

// Copy len bytes from kernel address src to dst, a user address of the
// current process if user_dst is 1, else a kernel address.
int
either_copyout(int user_dst, uint dst, void *src, uint len)
{
  struct proc *p = myproc();

  if(!user_dst){
    memmove((void*)dst, src, len);
    return 0;
  }
  if(p == 0 || !uaccess_ok(p, dst, len))
    return -1;
  return copyout(p->pgdir, dst, src, len);
}

// Copy len bytes to kernel address dst from src, a user address of the
// current process if user_src is 1, else a kernel address. User memory is
// read through the current page directory, which is p's.
int
either_copyin(void *dst, int user_src, uint src, uint len)
{
  struct proc *p = myproc();

  if(user_src && (p == 0 || !uaccess_ok(p, src, len)))
    return -1;
  memmove(dst, (void*)src, len);
  return 0;
}

// Print the process table on the console (^P). Takes no lock, so that it
// still works when the machine is wedged; it may print an inconsistent
// snapshot.
void
procdump(void)
{
  static char *states[] = {
  [UNUSED]    "unused",
  [EMBRYO]    "embryo",
  [SLEEPING]  "sleep ",
  [RUNNABLE]  "runble",
  [RUNNING]   "run   ",
  [ZOMBIE]    "zombie",
  };
  struct proc *p;
  uint pc[10];
  char *state;
  int i;

  for(p = ptable.proc; p < &ptable.proc[NPROC]; p++){
    if(p->state == UNUSED)
      continue;
    if((uint)p->state < NELEM(states) && states[p->state])
      state = states[p->state];
    else
      state = "???";
    cprintf("%d %s %s%s", p->pid, state, p->name, p->kthread ? " [kthread]" : "");
    if(p->state == SLEEPING){
      // The saved ebp is sched()'s frame; its first argument slot is two
      // words above, which is what getcallerpcs() expects.
      getcallerpcs((uint*)p->context->ebp + 2, pc);
      for(i = 0; i < 10 && pc[i] != 0; i++)
        cprintf(" %x", pc[i]);
    }
    cprintf("\n");
  }
}
