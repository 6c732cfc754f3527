// CPUs and processes: the two tables the scheduler works from.
//
// Each CPU owns one struct cpu (found through its local APIC id). Each
// process, and each kernel thread, owns one slot of the process table in
// proc.c; the slot's state field says what the scheduler may do with it.

// What swtch() saves when one kernel thread of control hands the CPU to
// another. Only the callee-saved registers need saving (the C calling
// convention lets the callee clobber eax, ecx and edx); eip is the return
// address that the call to swtch() itself pushed. swtch.S depends on this
// field order.
struct context {
  uint ebx;
  uint ebp;
  uint esi;
  uint edi;
  uint eip;
};

struct cpu {
  uchar apicid;                // identifies this CPU's local APIC
  volatile uint started;       // set by the CPU itself once it is running
  struct proc *proc;           // running on this CPU now, or 0 in the scheduler
  struct context *scheduler;   // where sched() returns to this CPU's scheduler loop
  int ncli;                    // pushcli() nesting depth
  int intena;                  // IF as it was at the outermost pushcli()
  struct segdesc gdt[NSEGS];   // this CPU's descriptor table (slots in mmu.h)
  struct taskstate ts;         // tells the CPU which kernel stack a trap lands on
};

extern struct cpu cpus[NCPU];
extern int ncpu;

enum procstate { UNUSED, EMBRYO, SLEEPING, RUNNABLE, RUNNING, ZOMBIE };

struct proc {
  // Identity and life cycle; proc.c's table lock guards these.
  int pid;
  char name[16];               // for ^P listings and kill messages
  enum procstate state;
  struct proc *parent;         // who wait()s for us; init adopts orphans
  void *chan;                  // SLEEPING: the address we wait on
  int timed;                   // SLEEPING in sleep_until(): wakeat is set
  uint wakeat;                 // millis() at which the timer tick wakes us
  int timedout;                // it was the tick, not a wakeup, that did
  int killed;                  // checked at the user/kernel boundary
  int xstate;                  // status handed to the parent by wait()
  int kthread;                 // kernel thread: never runs in user mode

  // Memory: user pages from 0 to sz (text and data, a guard page, the
  // stack page, then the heap that sbrk grows), and this process's own
  // kernel stack.
  uint sz;
  pde_t *pgdir;
  char *kstack;                // lowest address of the kernel stack
  struct trapframe *tf;        // user registers, saved at the top of kstack
  struct context *context;     // kernel registers while not running

  // Files.
  struct file *ofile[NOFILE];  // indexed by file descriptor
  struct inode *cwd;
};
