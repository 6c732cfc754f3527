// Processes: the process table, creation and exit, and scheduling.
//
// Every process, and every kernel thread, lives in one slot of the fixed
// array proctab[NPROC], and owns the kernel stack of the same index in
// kstacks[]. A slot's life is
//
//   UNUSED -> EMBRYO -> RUNNABLE <-> RUNNING -> ZOMBIE -> UNUSED
//                          ^           |
//                          +- SLEEPING +
//
// A single spinlock, tablelock, protects the state, chan, parent and pid
// fields of every slot. One lock for the whole table is coarse, but it
// makes each state change atomic against every other CPU without any
// lock-ordering rules between slots, and NPROC is small.
//
// How the CPU changes hands. Each CPU runs scheduler() on its own boot
// stack. A process leaves the CPU only through sched(), which it calls
// with tablelock held after it has set its new state; swtch() then lands
// in the scheduler, which still holds that same lock and releases it
// when it has finished looking at the table. When the scheduler later
// picks the process it takes tablelock first, and the process releases
// it on the other side of the switch. So the lock is acquired by one
// thread of control and released by another, and no other CPU can see a
// slot half way through a switch (say, RUNNABLE while its registers are
// still being saved).
//
// Why sleep() cannot miss a wakeup. A sleeper tests its condition under
// some lock lk, then calls sleep(chan, lk). sleep() takes tablelock
// before it lets go of lk, and keeps tablelock until sched() has parked
// the process. A waker changes the condition under lk and then calls
// wakeup(chan), which needs tablelock. Whichever order the two CPUs run
// in, the waker either changes the condition before the sleeper tests it
// (and the sleeper does not sleep), or finds the sleeper already marked
// SLEEPING on chan (and makes it RUNNABLE). There is no moment when the
// sleeper has decided to sleep but is not yet findable.
//
// Sleeping with a deadline. sleep_until() is sleep() that also ends when
// millis() reaches a deadline. The sleeper stores the deadline in its own
// slot (wakeat) before it parks, under tablelock as always, and CPU 0's
// timer tick calls wakeup_deadlines(), which looks at every timed sleeper
// under that same lock. So a timed sleep ends on its own, whether or not
// anyone ever calls wakeup() on its channel, at the first tick at or
// after the deadline: the resolution is one tick, 1000/HZ ms. The lost
// wakeup argument above covers the tick as it covers any other waker.
//
// The first process has no code of its own: its first run, in forkret(),
// sets up the file system (which reads the disk and so may sleep, which
// only a process can do) and exec()s /init from inside the kernel.
// Kernel threads are processes with kthread set and no user memory; they
// begin in kthread_start() and never enter user mode.

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

static struct spinlock tablelock;
static struct proc proctab[NPROC];

// Kernel stacks are static rather than kalloc()ed: a stack is two pages
// and the page allocator only hands out one page at a time.
static char kstacks[NPROC][KSTACKSIZE] __attribute__((aligned(PGSIZE)));

static struct proc *initproc;
static int lastpid;
static int fsready;             // set once forkret() has mounted the root

extern void trapret(void);      // trapasm.S: pop a trap frame, iret
static void forkret(void);
static void kthread_start(void (*fn)(void*), void *arg);

void
pinit(void)
{
  initlock(&tablelock, "ptable");
}

// This CPU's struct cpu. The caller must have interrupts off; otherwise a
// timer interrupt could reschedule it onto another CPU between the lookup
// and the use of the answer.
//
// Once seginit() has run, the GDT a CPU has loaded is the one inside its
// own struct cpu, so the table's address names the CPU. Before that (the
// boot GDT is loaded) the local APIC id does. The APIC id is a memory-
// mapped register: under QEMU's TCG each read is a trip through the
// device model under QEMU's global lock, and pushcli/popcli ask mycpu()
// for every spinlock, so reading it every time made locking the
// kernel's largest cost under emulation (tools/bench/tcp_throughput.py).
struct cpu*
mycpu(void)
{
  uint off;
  int apic, i;

  if(readeflags() & FL_IF)
    panic("mycpu: interrupts are on");
  if(ncpu == 0)                 // early boot: only the boot CPU exists
    return &cpus[0];
  off = gdtbase() - (uint)cpus - __builtin_offsetof(struct cpu, gdt);
  if(off < ncpu * sizeof(struct cpu) && off % sizeof(struct cpu) == 0)
    return &cpus[off / sizeof(struct cpu)];
  apic = lapicid();
  for(i = 0; i < ncpu; i++){
    if(cpus[i].apicid == apic)
      return &cpus[i];
  }
  panic("mycpu: apic id not in cpus[]");
}

int
cpuid(void)
{
  return mycpu() - cpus;
}

// The process this CPU is running, or 0 while in the scheduler. Callable
// with interrupts on: even if we migrate right after reading c->proc, the
// process we read is still us.
struct proc*
myproc(void)
{
  struct proc *me;

  pushcli();
  me = mycpu()->proc;
  popcli();
  return me;
}

// Has p been marked by kill()? Read without tablelock: a word-sized load
// cannot tear, and reading a stale 0 merely postpones the exit, because
// kill() also makes a sleeping victim runnable again.
int
killed(struct proc *p)
{
  return *(volatile int*)&p->killed;
}

// ---- Slots and kernel stacks ----

// Clear everything a slot remembers of its last owner except the kernel
// stack array itself. Caller holds tablelock or owns the slot outright.
static void
clearslot(struct proc *p)
{
  p->pid = 0;
  p->parent = 0;
  p->chan = 0;
  p->timed = 0;
  p->timedout = 0;
  p->killed = 0;
  p->xstate = 0;
  p->kthread = 0;
  p->name[0] = '\0';
  p->sz = 0;
  p->pgdir = 0;
  p->kstack = 0;
  p->tf = 0;
  p->context = 0;
}

// Find an UNUSED slot, give it a fresh pid, and mark it EMBRYO so that no
// other CPU takes it and the scheduler leaves it alone while we fill it
// in without the lock. Returns 0 when all NPROC slots are busy.
static struct proc*
allocproc(void)
{
  struct proc *p = 0;
  int i;

  acquire(&tablelock);
  for(i = 0; i < NPROC && p == 0; i++){
    if(proctab[i].state == UNUSED)
      p = &proctab[i];
  }
  if(p){
    clearslot(p);
    p->state = EMBRYO;
    p->pid = ++lastpid;
    p->kstack = kstacks[p - proctab];
  }
  release(&tablelock);
  return p;
}

// Give a slot back: free its page directory and user memory and mark it
// UNUSED. Open files and cwd must already be gone (exit() drops them).
// Caller holds tablelock.
static void
freeproc(struct proc *p)
{
  pde_t *pgdir = p->pgdir;

  clearslot(p);
  if(pgdir)
    freevm(pgdir);
  p->state = UNUSED;
}

// Hand back a slot that allocproc() gave us but that never ran.
static void
abandon(struct proc *p)
{
  acquire(&tablelock);
  freeproc(p);
  release(&tablelock);
}

// Below sp, put a context whose saved eip is pc, and make it p's: the
// first swtch() to p will then "return" to pc with sp as its stack.
static void
firstcontext(struct proc *p, uint *sp, uint pc)
{
  struct context *ctx = (struct context*)sp - 1;

  memset(ctx, 0, sizeof(*ctx));
  ctx->eip = pc;
  p->context = ctx;
}

// Kernel stack of a process that will run in user mode. From the top:
//
//   struct trapframe      what trapret pops into the user registers
//   &trapret              forkret()'s return address
//   struct context        what the first swtch() loads; eip = forkret
static void
userstack(struct proc *p)
{
  uint *sp;

  p->tf = (struct trapframe*)(p->kstack + KSTACKSIZE) - 1;
  memset(p->tf, 0, sizeof(*p->tf));
  sp = (uint*)p->tf;
  *--sp = (uint)trapret;
  firstcontext(p, sp, (uint)forkret);
}

// Kernel stack of a kernel thread. kthread_start(fn, arg) finds its two
// arguments above a dummy return address, as if it had been called; it
// never returns, so the dummy is never used.
static void
threadstack(struct proc *p, void (*fn)(void*), void *arg)
{
  uint *sp = (uint*)(p->kstack + KSTACKSIZE);

  *--sp = (uint)arg;
  *--sp = (uint)fn;
  *--sp = 0;
  p->tf = 0;
  firstcontext(p, sp, (uint)kthread_start);
}

// Publish an EMBRYO whose memory, stack and files are ready.
static void
makerunnable(struct proc *p, struct proc *parent)
{
  acquire(&tablelock);
  p->parent = parent;
  p->state = RUNNABLE;
  release(&tablelock);
}

// ---- Creating processes ----

// User segment selectors and interrupts on: what a process needs in its
// trap frame before its first return to user mode.
static void
usersegments(struct trapframe *tf)
{
  ushort data = (SEG_UDATA << 3) | DPL_USER;

  tf->cs = (SEG_UCODE << 3) | DPL_USER;
  tf->ds = data;
  tf->es = data;
  tf->fs = data;
  tf->gs = data;
  tf->ss = data;
  tf->eflags = FL_IF;
}

// Create the first process: kernel mappings only, no user pages yet.
// forkret() fills its address space by exec()ing /init.
void
userinit(void)
{
  struct proc *p = allocproc();

  if(p == 0)
    panic("userinit: process table full");
  if((p->pgdir = setupkvm()) == 0)
    panic("userinit: no memory for a page directory");
  userstack(p);
  usersegments(p->tf);
  safestrcpy(p->name, "init", sizeof(p->name));
  p->cwd = 0;                   // forkret() sets it once the fs is up
  initproc = p;
  makerunnable(p, 0);
}

// Change the size of the current process's memory by n bytes (n may be
// negative). Returns 0, or -1 if the size would wrap or memory runs out.
int
growproc(int n)
{
  struct proc *p = myproc();
  uint oldsz = p->sz;
  uint want = oldsz + n;

  if(p->kthread)
    return -1;
  if(n > 0){
    if(want < oldsz)
      return -1;
    if((want = allocuvm(p->pgdir, oldsz, want)) == 0)
      return -1;
  } else if(n < 0){
    if(want > oldsz)
      return -1;
    want = deallocuvm(p->pgdir, oldsz, want);
  }
  p->sz = want;
  switchuvm(p);
  return 0;
}

// Duplicate the calling process. The parent gets the child's pid, the
// child (whose registers are a copy of the parent's) gets 0.
int
fork(void)
{
  struct proc *parent = myproc();
  struct proc *child;
  int fd, pid;

  if(parent->kthread)
    return -1;
  if((child = allocproc()) == 0)
    return -1;
  child->pgdir = copyuvm(parent->pgdir, parent->sz);
  if(child->pgdir == 0){
    abandon(child);
    return -1;
  }
  child->sz = parent->sz;
  userstack(child);
  *child->tf = *parent->tf;
  child->tf->eax = 0;           // the child's return value

  for(fd = 0; fd < NOFILE; fd++)
    child->ofile[fd] = parent->ofile[fd] ? filedup(parent->ofile[fd]) : 0;
  child->cwd = parent->cwd ? idup(parent->cwd) : 0;
  safestrcpy(child->name, parent->name, sizeof(child->name));

  pid = child->pid;
  makerunnable(child, parent);
  return pid;
}

// Start a kernel thread that runs fn(arg). It gets a page directory with
// only the kernel mappings, so that switchuvm() treats it like any other
// process, and no user memory or open files. Returns its pid, or -1.
int
kthread_create(char *name, void (*fn)(void*), void *arg)
{
  struct proc *creator = myproc();
  struct proc *t;
  int pid;

  if((t = allocproc()) == 0)
    return -1;
  if((t->pgdir = setupkvm()) == 0){
    abandon(t);
    return -1;
  }
  t->kthread = 1;
  threadstack(t, fn, arg);
  // Resolving "/" touches no disk block, so this is safe even when the
  // creator is not a process.
  t->cwd = fsready ? namei("/") : 0;
  safestrcpy(t->name, name, sizeof(t->name));
  pid = t->pid;
  makerunnable(t, creator ? creator : initproc);
  return pid;
}

// First code a kernel thread runs. The scheduler switched here holding
// tablelock, so let go of it, as sched()'s callers would have.
static void
kthread_start(void (*fn)(void*), void *arg)
{
  release(&tablelock);
  // The switch happened with interrupts off, and release() only brings
  // back the scheduler's saved state; a thread wants to be preemptible.
  sti();
  fn(arg);
  exit(0);
}

// Mount the root file system and turn the first process into /init.
static void
startinit(struct proc *p)
{
  char *argv[] = { "init", 0 };

  iinit(ROOTDEV);
  initlog(ROOTDEV);
  fsready = 1;
  if((p->cwd = namei("/")) == 0)
    panic("startinit: no root directory");
  if(exec("/init", argv) < 0)
    panic("startinit: exec /init failed");
}

// First code a user process runs, reached by the scheduler's swtch()
// with tablelock held. Its return address on the stack is trapret.
static void
forkret(void)
{
  struct proc *p = myproc();

  release(&tablelock);
  sti();                        // the scheduler switched with them off
  // The disk can only be read from a process, because waiting for it
  // means sleep(); the first process is the first chance to do that.
  if(p == initproc && p->cwd == 0)
    startinit(p);
}

// ---- Exit and wait ----

// Drop every open file and the working directory of p.
static void
dropfiles(struct proc *p)
{
  int fd;

  for(fd = 0; fd < NOFILE; fd++){
    if(p->ofile[fd] == 0)
      continue;
    fileclose(p->ofile[fd]);
    p->ofile[fd] = 0;
  }
  if(p->cwd == 0)
    return;
  begin_op();
  iput(p->cwd);
  end_op();
  p->cwd = 0;
}

// Make every process asleep on chan runnable. Caller holds tablelock.
// Channel 0 is no channel: sleep_until(0, ...) sleeps only for the time.
static void
wakeup_locked(void *chan)
{
  struct proc *p;
  int i;

  for(i = 0; i < NPROC; i++){
    p = &proctab[i];
    if(p->state != SLEEPING || p->chan != chan || chan == 0)
      continue;
    p->state = RUNNABLE;
  }
}

// Give dead's children to init, and wake init if one of them is already
// a zombie it must collect. Caller holds tablelock.
static void
orphan(struct proc *dead)
{
  int i, zombies = 0;

  for(i = 0; i < NPROC; i++){
    if(proctab[i].parent != dead)
      continue;
    proctab[i].parent = initproc;
    zombies += proctab[i].state == ZOMBIE;
  }
  if(zombies)
    wakeup_locked(initproc);
}

// End the current process. Its slot stays a ZOMBIE, holding status, until
// the parent's wait() collects it.
void
exit(int status)
{
  struct proc *p = myproc();

  if(p == initproc)
    panic("exit: init must not exit");
  dropfiles(p);

  acquire(&tablelock);
  if(p->parent == 0)            // a kernel thread made before init
    p->parent = initproc;
  // The parent may be asleep in wait(); holding tablelock, it stays
  // asleep until we are a ZOMBIE it can find.
  if(p->parent)
    wakeup_locked(p->parent);
  orphan(p);
  p->xstate = status;
  p->state = ZOMBIE;
  sched();
  panic("exit: a zombie was scheduled");
}

// Look through the table for children of parent. Returns how many there
// are and sets *zombie to the first that has exited (0 if none).
// Caller holds tablelock.
static int
findchildren(struct proc *parent, struct proc **zombie)
{
  int i, n = 0;

  *zombie = 0;
  for(i = 0; i < NPROC; i++){
    if(proctab[i].parent != parent)
      continue;
    n++;
    if(*zombie == 0 && proctab[i].state == ZOMBIE)
      *zombie = &proctab[i];
  }
  return n;
}

// Collect a zombie child: copy its status out to user address addr (if
// addr is not 0) and free its slot. If the copy fails the child is left
// for a later wait(). Caller holds tablelock.
static int
reap(struct proc *parent, struct proc *child, uint addr)
{
  int pid, n = sizeof(child->xstate);

  if(addr != 0){
    if(!uaccess_ok(parent, addr, n))
      return -1;
    if(copyout(parent->pgdir, addr, &child->xstate, n) < 0)
      return -1;
  }
  pid = child->pid;
  freeproc(child);
  return pid;
}

// Wait for a child to exit and return its pid, storing its exit status at
// user address addr unless addr is 0. Returns -1 if there is no child, if
// the caller is killed while waiting, or if addr is bad.
int
wait(uint addr)
{
  struct proc *me = myproc();
  struct proc *z;
  int nkids, r;

  acquire(&tablelock);
  for(;;){
    nkids = findchildren(me, &z);
    if(z != 0){
      r = reap(me, z, addr);
      break;
    }
    if(nkids == 0 || killed(me)){
      r = -1;
      break;
    }
    // A child's exit() needs tablelock to wake us, and we hold it from
    // the scan until sleep() has parked us, so the wakeup cannot fall
    // into the gap. sleep() with tablelock itself just parks.
    sleep(me, &tablelock);
  }
  release(&tablelock);
  return r;
}

// ---- Scheduling ----

// Run p on this CPU until it comes back through sched(). Caller holds
// tablelock, which p's side releases and retakes before it returns here.
static void
runproc(struct cpu *c, struct proc *p)
{
  c->proc = p;
  switchuvm(p);
  p->state = RUNNING;
  swtch(&c->scheduler, p->context);
  // p yielded, slept or exited; we are on our own stack again.
  switchkvm();
  c->proc = 0;
}

// One pass over the table, running each RUNNABLE slot in index order.
// Returns how many ran.
static int
schedpass(struct cpu *c)
{
  int i, ran = 0;

  acquire(&tablelock);
  for(i = 0; i < NPROC; i++){
    if(proctab[i].state == RUNNABLE){
      runproc(c, &proctab[i]);
      ran++;
    }
  }
  release(&tablelock);
  return ran;
}

// Each CPU ends up here after boot and never leaves: pass after pass over
// the table, round robin. A pass that finds nothing to run halts the CPU
// until an interrupt, rather than spinning: under TCG a spinning virtual
// CPU takes host time from the one that has work.
void
scheduler(void)
{
  struct cpu *c;

  cli();
  c = mycpu();
  c->proc = 0;
  for(;;){
    // The pass runs with interrupts off so that an interrupt which makes
    // something runnable after the pass looked cannot be taken before
    // the hlt and so leave us halted with work waiting.
    cli();
    if(schedpass(c) > 0)
      continue;
    // sti enables interrupts only after the following instruction, so a
    // pending interrupt ends the hlt instead of slipping in before it.
    asm volatile("sti; hlt");
  }
}

// Leave the CPU and return to this CPU's scheduler. The caller holds
// tablelock and nothing else, and has already set p->state to what p
// should be while it is away.
void
sched(void)
{
  struct proc *p = myproc();
  struct cpu *c = mycpu();
  int intena;

  if(!holding(&tablelock))
    panic("sched: tablelock not held");
  if(c->ncli != 1)
    panic("sched: holding a lock besides tablelock");
  if(p->state == RUNNING)
    panic("sched: state not changed");
  if(readeflags() & FL_IF)
    panic("sched: interrupts on");

  // Whether interrupts were on before the first pushcli() is a property
  // of this thread, not of the CPU, so it travels with us on our stack.
  intena = c->intena;
  swtch(&p->context, c->scheduler);
  // We may resume on a different CPU: find it again before restoring.
  c = mycpu();
  c->intena = intena;
}

// Let other processes run; we stay RUNNABLE and come back in our turn.
void
yield(void)
{
  struct proc *p = myproc();

  acquire(&tablelock);
  p->state = RUNNABLE;
  sched();
  release(&tablelock);
}

// Mark the current process asleep on chan and switch away; returns once
// someone has made it runnable again. Caller holds tablelock.
static void
park(struct proc *p, void *chan)
{
  p->chan = chan;
  p->state = SLEEPING;
  sched();
  p->chan = 0;
}

// Sleep on chan, giving up lk for the duration; lk is held again when
// sleep() returns. The file comment explains why taking tablelock before
// releasing lk rules out a lost wakeup. A caller that already holds
// tablelock (wait()) has nothing to swap.
void
sleep(void *chan, struct spinlock *lk)
{
  struct proc *p = myproc();

  if(p == 0)
    panic("sleep: not in a process");
  if(lk == 0)
    panic("sleep: caller holds no lock");

  if(lk == &tablelock){
    park(p, chan);
    return;
  }
  acquire(&tablelock);
  release(lk);
  park(p, chan);
  release(&tablelock);
  acquire(lk);
}

// Has the millisecond clock reached deadline at time now? A signed
// difference stays right when the 32-bit count wraps (every 49.7 days),
// for any deadline less than 2^31 ms (24.8 days) away.
static int
reached(uint deadline, uint now)
{
  return (int)(now - deadline) >= 0;
}

// Sleep on chan, as sleep() does, but only until millis() reaches
// deadline_ms. lk is held on entry and on return and given up while
// asleep; a wakeup(chan) cannot be lost, for the reasons in the file
// comment. Returns 1 if the deadline ended the sleep, 0 if something else
// did: a wakeup(chan), or kill(). Like sleep(), it may return for a
// wakeup meant for another sleeper on chan, so the caller retests its
// condition, then its deadline, and then, if it is a process that can be
// killed, killed().
//
// It does not sleep at all, and returns at once, if the deadline has
// already come (1) or the process has been killed (0): kill() wakes only
// a process that is already asleep, and would miss one that was killed
// after its last look at killed() but before it got here.
//
// chan 0 is a sleep that only the deadline or kill() ends; lk may then
// be 0, since there is no condition to guard and so no wakeup to lose.
// The deadline must be less than 2^31 ms ahead (see reached()).
int
sleep_until(void *chan, struct spinlock *lk, uint deadline_ms)
{
  struct proc *p = myproc();
  int timedout;

  if(p == 0)
    panic("sleep_until: not in a process");
  if(lk == 0 && chan != 0)
    panic("sleep_until: caller holds no lock");

  if(lk != &tablelock){
    acquire(&tablelock);
    if(lk)
      release(lk);
  }
  timedout = reached(deadline_ms, millis());
  if(!timedout && !p->killed){
    p->wakeat = deadline_ms;
    p->timed = 1;
    park(p, chan);
    timedout = p->timedout;
    p->timed = 0;
    p->timedout = 0;
  }
  if(lk != &tablelock){
    release(&tablelock);
    if(lk)
      acquire(lk);
  }
  return timedout;
}

// End the sleep_until() of every process whose deadline has come. The
// timer tick calls this on CPU 0, HZ times a second.
void
wakeup_deadlines(void)
{
  struct proc *p;
  uint now;
  int i;

  acquire(&tablelock);
  // Read the clock once we hold the lock, so that a sleeper which parked
  // while we waited for it is not left a tick longer than it need be.
  now = millis();
  for(i = 0; i < NPROC; i++){
    p = &proctab[i];
    if(p->state != SLEEPING || !p->timed || !reached(p->wakeat, now))
      continue;
    p->timedout = 1;
    p->state = RUNNABLE;
  }
  release(&tablelock);
}

// Wake every process sleeping on chan. Wakers should hold the lock that
// guards the condition the sleepers test (see the file comment).
void
wakeup(void *chan)
{
  acquire(&tablelock);
  wakeup_locked(chan);
  release(&tablelock);
}

// The live slot with this pid, or 0. Caller holds tablelock.
static struct proc*
findpid(int pid)
{
  int i;

  for(i = 0; i < NPROC; i++){
    if(proctab[i].state != UNUSED && proctab[i].pid == pid)
      return &proctab[i];
  }
  return 0;
}

// Ask process pid to die. Nothing is torn down here: the victim exits by
// itself when it next heads back to user mode (trap.c). If it is asleep we
// make it runnable so that it gets there; every sleep that may last long
// rechecks killed(). Refused: init, which must never exit (exit() panics
// for it), and kernel threads (the NIC poller, lwIP's tcpip thread), which
// are part of the kernel; otherwise any user could stop the machine or its
// network with one `kill`.
int
kill(int pid)
{
  struct proc *p;

  acquire(&tablelock);
  p = findpid(pid);
  if(p == initproc || (p && p->kthread))
    p = 0;
  if(p){
    p->killed = 1;
    if(p->state == SLEEPING)
      p->state = RUNNABLE;
  }
  release(&tablelock);
  return p ? 0 : -1;
}

// ---- Copying for code that serves both user and kernel buffers ----

// Copy len bytes from src to dst, which is a user address of the current
// process if user_dst is set and a kernel address otherwise.
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

// Copy len bytes from src, a user address of the current process if
// user_src is set and a kernel address otherwise, to dst. A checked user
// address can be read directly: our page directory is loaded.
int
either_copyin(void *dst, int user_src, uint src, uint len)
{
  struct proc *p = myproc();

  if(user_src && (p == 0 || !uaccess_ok(p, src, len)))
    return -1;
  memmove(dst, (void*)src, len);
  return 0;
}

// ---- Debugging ----

static char*
statename(enum procstate s)
{
  switch(s){
  case UNUSED:   return "unused";
  case EMBRYO:   return "embryo";
  case SLEEPING: return "sleep ";
  case RUNNABLE: return "runble";
  case RUNNING:  return "run   ";
  case ZOMBIE:   return "zombie";
  }
  return "???";
}

// Where a sleeping process is stuck: the return addresses above sched().
static void
printstack(struct proc *p)
{
  uint pcs[10];
  uint *frame = (uint*)p->context->ebp;
  int i;

  // frame is sched()'s frame pointer; getcallerpcs() wants the address of
  // a first argument, which sits two words above the saved ebp.
  getcallerpcs(frame + 2, pcs);
  for(i = 0; i < NELEM(pcs) && pcs[i]; i++)
    cprintf(" %x", pcs[i]);
}

// List the processes on the console (^P). No lock is taken, so that this
// still works on a machine that is stuck holding tablelock; the listing
// may therefore be slightly inconsistent.
void
procdump(void)
{
  struct proc *p;
  int i;

  for(i = 0; i < NPROC; i++){
    p = &proctab[i];
    if(p->state == UNUSED)
      continue;
    cprintf("%d %s %s", p->pid, statename(p->state), p->name);
    if(p->kthread)
      cprintf(" [kthread]");
    if(p->state == SLEEPING)
      printstack(p);
    cprintf("\n");
  }
}
