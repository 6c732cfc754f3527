// A sleeplock: a process that wants it gives up the CPU until it is free.
// For locks held across disk I/O (buffers, inodes), where spinning would
// waste a CPU for milliseconds and interrupts must stay on.
struct sleeplock {
  uint locked;
  struct spinlock lk; // guards locked and pid, and is the sleep() partner

  // Diagnostics.
  char *name;
  int pid;            // holder
};
