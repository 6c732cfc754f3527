// A spinlock: a CPU that wants it busy-waits. While a CPU holds one, its
// interrupts are off (see pushcli in spinlock.c), so a lock held by an
// interrupted thread can never be wanted by the interrupt handler.
struct spinlock {
  uint locked;       // 0 free, 1 held; changed only with xchg

  // Diagnostics for panics and deadlock hunting.
  char *name;
  struct cpu *cpu;   // holder
  uint pcs[10];      // return addresses on the holder's stack at acquire
};
