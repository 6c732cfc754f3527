// Long-term lock: a process that waits for it sleeps instead of spinning.
struct sleeplock {
  uint locked;       // is the lock held?
  struct spinlock lk; // spinlock protecting this sleep lock

  // For debugging:
  char *name;        // name of lock
  int pid;           // process holding lock
};
