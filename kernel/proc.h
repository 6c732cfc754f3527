// Per-CPU state and the process table entry.

struct cpu {
  uchar apicid;                // local APIC ID
  struct context *scheduler;   // swtch() here to enter scheduler
  struct taskstate ts;         // used by x86 to find stack for interrupt
  struct segdesc gdt[NSEGS];   // x86 global descriptor table
  volatile uint started;       // has the CPU started?
  int ncli;                    // depth of pushcli nesting
  int intena;                  // were interrupts enabled before pushcli?
  struct proc *proc;           // the process running on this cpu or null
};

extern struct cpu cpus[NCPU];
extern int ncpu;

// Saved registers for kernel context switches. The segment registers and
// eax/ecx/edx are the same or caller-saved, so swtch() saves only these;
// eip is the return address that the call to swtch() pushed.
struct context {
  uint edi;
  uint esi;
  uint ebx;
  uint ebp;
  uint eip;
};

enum procstate { UNUSED, EMBRYO, SLEEPING, RUNNABLE, RUNNING, ZOMBIE };

// Per-process state
struct proc {
  uint sz;                     // size of process memory (bytes)
  pde_t* pgdir;                // page directory
  char *kstack;                // bottom of kernel stack for this process
  enum procstate state;        // process state
  int pid;                     // process ID
  struct proc *parent;         // parent process
  struct trapframe *tf;        // trap frame for current syscall
  struct context *context;     // swtch() here to run process
  void *chan;                  // if non-zero, sleeping on chan
  int killed;                  // if non-zero, have been killed
  int xstate;                  // exit status returned to parent's wait
  int kthread;                 // a kernel thread: no user memory, never returns to user
  struct file *ofile[NOFILE];  // open files
  struct inode *cwd;           // current directory
  char name[16];               // process name (debugging)
};

// Process memory is laid out contiguously, low addresses first:
//   text, original data and bss, a guard page, fixed-size stack,
//   expandable heap
