// Mutual-exclusion lock that spins; held with interrupts off on this CPU.
struct spinlock {
  uint locked;       // is the lock held?

  // For debugging:
  char *name;        // name of lock
  struct cpu *cpu;   // the cpu holding the lock
  uint pcs[10];      // call stack (return addresses) that took the lock
};
