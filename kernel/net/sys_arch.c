// sys_arch.c: lwIP's operating-system layer on the kernel's own
// primitives (the contract is lwIP's src/include/lwip/sys.h).
//
// Everything lwIP creates comes from fixed pools: NSYS_SEM semaphores,
// NSYS_MUTEX mutexes, NSYS_MBOX small and NSYS_MBOX_BIG large mailboxes.
// *_new takes a free slot (ERR_MEM when the pool is empty, which lwIP
// passes on as a failed netconn or socket, never a panic) and *_free gives
// it back, so a socket opened and closed a million times costs nothing.
//
// A mutex is one of the kernel's sleeplocks (sleeplock.c), which already
// records its holder: locking one twice or unlocking another thread's
// panics, and the core-lock check below asks holdingsleep().
//
// Mailboxes are bounded rings of message pointers. Capacities: lwIP asks
// for one per mailbox (lwipopts.h: TCPIP_MBOX_SIZE for the tcpip thread's,
// DEFAULT_*_MBOX_SIZE for each netconn's) and gets a ring of the smallest
// class that holds it.
//
// LAB 3: BEGIN SOLUTION
// Each semaphore and mailbox is a counter or ring guarded by its own
// spinlock, which is also the sleep() partner: a waiter tests the
// condition under the lock and sleeps on the object, and sleep() and
// sleep_until() give up that lock while it is parked, so no spinlock is
// ever held across a sleep. Timed waits use sleep_until(), which ends at
// the deadline on millis() whether or not anyone posts: a timeout really
// returns SYS_ARCH_TIMEOUT, and lwIP's timers (retransmission, DHCP, ARP)
// keep running on an idle network. Every waiter retests its condition
// after it wakes, since a wakeup may have been meant for another waiter on
// the same object. sys_mbox_post sleeps while the ring is full;
// sys_mbox_trypost never sleeps and returns ERR_MEM (tcpip_input uses it:
// its caller frees the pbuf and counts a drop).
// LAB 3: STUB
// // Semaphores and mailboxes (Lab 3) are yours: the structs below give
// // each its own spinlock and the fields a counter or a bounded ring of
// // message pointers needs. lwip/sys.h is the contract, and the functions'
// // comments name the traps.
// LAB 3: END
//
// Threads are kernel threads; their stack is the kernel's fixed
// KSTACKSIZE, whatever lwIP asks for. SYS_ARCH_PROTECT is one recursive
// spinlock: interrupts off and other CPUs out, nestable on one CPU.
//
// LWIP_ASSERT_CORE_LOCKED calls sys_arch_check_core_locked(), which panics
// when a function that needs lwIP's core lock (LOCK_TCPIP_CORE, held by
// the tcpip thread while it works) is called by a thread that does not
// hold it, or with interrupts off (from an interrupt handler).

#include "types.h"
#include "defs.h"
#include "param.h"
#include "x86.h"
#include "memlayout.h"
#include "mmu.h"
#include "proc.h"
#include "spinlock.h"
#include "sleeplock.h"

#include "lwip/opt.h"
#include "lwip/sys.h"
#include "lwip/tcpip.h"
#include "lwip/stats.h"

#define NSYS_SEM       128    // netconns' op_completed, API calls in flight
#define NSYS_MUTEX     16     // core lock, heap, a few of lwIP's own
#define NSYS_MBOX      96     // netconns' recv and accept mailboxes
#define MBOX_SMALL_CAP 64     // slots in each of those
#define NSYS_MBOX_BIG  2      // the tcpip thread's (one, and a spare)
#define MBOX_BIG_CAP   512    // >= TCPIP_MBOX_SIZE

// The longest single sleep_until: it takes deadlines < 2^31 ms ahead, and
// a longer lwIP timeout is simply waited for in steps.
#define MAXSTEP_MS     0x40000000u

int errno;                    // lwIP's socket layer sets it (cc.h)

struct sys_arch_sem {
  struct spinlock lock;
  int used;                   // slot taken (changed under pool.lock)
  uint count;
};

struct sys_arch_mutex {
  int used;
  struct sleeplock lock;      // the kernel's own: held flag and owner
};

struct sys_arch_mbox {
  struct spinlock lock;
  int used;
  void **slot;                // the ring: this box's share of a class
  uint cap;                   // capacity lwIP asked for (<= the class's)
  uint head, tail;            // messages taken, posted (both wrap)
  uint nfull;                 // trypost refused: the ring was full
};

static struct {
  struct spinlock lock;       // guards every used flag
  struct sys_arch_sem sem[NSYS_SEM];
  struct sys_arch_mutex mutex[NSYS_MUTEX];
  struct sys_arch_mbox mbox[NSYS_MBOX + NSYS_MBOX_BIG];
} pool;

static void *smallring[NSYS_MBOX][MBOX_SMALL_CAP];
static void *bigring[NSYS_MBOX_BIG][MBOX_BIG_CAP];

static struct {
  struct spinlock lock;
  int depth;                  // nesting on the CPU that holds lock
} prot;

void
sys_init(void)
{
  int i;

  initlock(&pool.lock, "lwip pool");
  initlock(&prot.lock, "lwip protect");
  for(i = 0; i < NSYS_SEM; i++)
    initlock(&pool.sem[i].lock, "lwip sem");
  for(i = 0; i < NSYS_MBOX + NSYS_MBOX_BIG; i++){
    initlock(&pool.mbox[i].lock, "lwip mbox");
    pool.mbox[i].slot = i < NSYS_MBOX ? smallring[i] : bigring[i - NSYS_MBOX];
  }
}

// ---- Waiting with lwIP's timeouts

// LAB 3: BEGIN SOLUTION
// One step of a wait of `timeout` ms (0: forever) that began at start:
// sleep on chan, giving up lk, until a wakeup or the rest of the time is
// over. Returns 1 once the whole timeout has passed. The caller retests
// its condition before and after each step.
static int
waitstep(void *chan, struct spinlock *lk, uint start, u32_t timeout)
{
  uint now, left;

  if(timeout == 0){
    sleep(chan, lk);
    return 0;
  }
  now = millis();
  if(now - start >= timeout)
    return 1;
  left = timeout - (now - start);
  if(left > MAXSTEP_MS)
    left = MAXSTEP_MS;
  sleep_until(chan, lk, now + left);
  return millis() - start >= timeout;
}

// What a successful wait returns: the time it took, which lwIP may use
// but must never mistake for SYS_ARCH_TIMEOUT.
static u32_t
waited(uint start)
{
  uint t = millis() - start;

  return t == SYS_ARCH_TIMEOUT ? t - 1 : t;
}
// LAB 3: STUB
// LAB 3: END

// ---- Semaphores

err_t
sys_sem_new(sys_sem_t *sem, u8_t count)
{
  int i;

  acquire(&pool.lock);
  for(i = 0; i < NSYS_SEM; i++){
    if(!pool.sem[i].used){
      pool.sem[i].used = 1;
      pool.sem[i].count = count;
      release(&pool.lock);
      *sem = &pool.sem[i];
      SYS_STATS_INC_USED(sem);
      return ERR_OK;
    }
  }
  release(&pool.lock);
  SYS_STATS_INC(sem.err);
  *sem = 0;
  return ERR_MEM;
}

void
sys_sem_free(sys_sem_t *sem)
{
  struct sys_arch_sem *s = *sem;

  if(s == 0)
    return;
  acquire(&pool.lock);
  s->used = 0;
  release(&pool.lock);
  SYS_STATS_DEC(sem.used);
  *sem = 0;
}

void
sys_sem_signal(sys_sem_t *sem)
{
  // LAB 3: BEGIN SOLUTION
  struct sys_arch_sem *s = *sem;

  acquire(&s->lock);
  s->count++;
  wakeup(s);
  release(&s->lock);
  // LAB 3: STUB
  // // Lab 3: add one to the semaphore's count, and let a thread waiting
  // // for it (sys_arch_sem_wait) go on. Called from any thread; never sleeps.
  // panic("sys_sem_signal: Lab 3");
  // LAB 3: END
}

u32_t
sys_arch_sem_wait(sys_sem_t *sem, u32_t timeout)
{
  // LAB 3: BEGIN SOLUTION
  struct sys_arch_sem *s = *sem;
  uint start = millis();

  acquire(&s->lock);
  while(s->count == 0){
    if(waitstep(s, &s->lock, start, timeout) && s->count == 0){
      release(&s->lock);
      return SYS_ARCH_TIMEOUT;
    }
  }
  s->count--;
  release(&s->lock);
  return waited(start);
  // LAB 3: STUB
  // // Lab 3: wait until the count is above zero and take one (lwip/sys.h).
  // // timeout is in milliseconds, 0 meaning for ever. Returns the time
  // // waited in milliseconds, or SYS_ARCH_TIMEOUT if the time ran out with
  // // the count still zero; a wait that succeeds never returns that value.
  // // Traps: a timed wait that never times out stops lwIP's timers (TCP
  // // retransmission, DHCP, ARP) whenever the network is quiet; no spinlock
  // // may be held while the thread sleeps; a thread that wakes up may find
  // // the count taken by another.
  // panic("sys_arch_sem_wait: Lab 3");
  // LAB 3: END
}

// ---- Mutexes (may be held across a sleep: lwIP's core lock is one)

err_t
sys_mutex_new(sys_mutex_t *mutex)
{
  int i;

  acquire(&pool.lock);
  for(i = 0; i < NSYS_MUTEX; i++){
    if(!pool.mutex[i].used){
      pool.mutex[i].used = 1;
      initsleeplock(&pool.mutex[i].lock, "lwip mutex");
      release(&pool.lock);
      *mutex = &pool.mutex[i];
      SYS_STATS_INC_USED(mutex);
      return ERR_OK;
    }
  }
  release(&pool.lock);
  SYS_STATS_INC(mutex.err);
  *mutex = 0;
  return ERR_MEM;
}

void
sys_mutex_free(sys_mutex_t *mutex)
{
  struct sys_arch_mutex *m = *mutex;

  if(m == 0)
    return;
  acquire(&pool.lock);
  m->used = 0;
  release(&pool.lock);
  SYS_STATS_DEC(mutex.used);
  *mutex = 0;
}

void
sys_mutex_lock(sys_mutex_t *mutex)
{
  struct sys_arch_mutex *m = *mutex;

  if(holdingsleep(&m->lock))
    panic("sys_mutex_lock: already held by this thread (not recursive)");
  acquiresleep(&m->lock);
}

void
sys_mutex_unlock(sys_mutex_t *mutex)
{
  struct sys_arch_mutex *m = *mutex;

  if(!holdingsleep(&m->lock))
    panic("sys_mutex_unlock: not held by this thread");
  releasesleep(&m->lock);
}

void
sys_arch_check_core_locked(const char *where)
{
  struct sys_arch_mutex *m = lock_tcpip_core;

  // Before tcpip_init() has made the core lock, only the bring-up thread
  // runs lwIP (lwip_init), and there is nothing to check.
  if(m == 0)
    return;
  if(!(readeflags() & FL_IF)){
    cprintf("lwip: %s called with interrupts off\n", where);
    panic("LWIP_ASSERT_CORE_LOCKED: lwIP called from an interrupt handler "
          "or under a spinlock (use tcpip_input/tcpip_callback)");
  }
  if(!holdingsleep(&m->lock)){
    cprintf("lwip: %s called by %s without the core lock\n", where,
            myproc() ? myproc()->name : "(no process)");
    panic("LWIP_ASSERT_CORE_LOCKED: lwIP core called without "
          "LOCK_TCPIP_CORE() from outside the tcpip thread");
  }
}

// ---- Mailboxes

err_t
sys_mbox_new(sys_mbox_t *mbox, int size)
{
  int i, lo, hi;

  if(size <= 0 || size > MBOX_BIG_CAP)
    panic("sys_mbox_new: capacity out of range (lwipopts.h)");
  lo = size <= MBOX_SMALL_CAP ? 0 : NSYS_MBOX;
  hi = size <= MBOX_SMALL_CAP ? NSYS_MBOX : NSYS_MBOX + NSYS_MBOX_BIG;
  acquire(&pool.lock);
  for(i = lo; i < hi; i++){
    if(!pool.mbox[i].used){
      pool.mbox[i].used = 1;
      pool.mbox[i].cap = size;
      pool.mbox[i].head = pool.mbox[i].tail = 0;
      release(&pool.lock);
      *mbox = &pool.mbox[i];
      SYS_STATS_INC_USED(mbox);
      return ERR_OK;
    }
  }
  release(&pool.lock);
  SYS_STATS_INC(mbox.err);
  *mbox = 0;
  return ERR_MEM;
}

// lwIP empties a mailbox before it frees it (and asserts so); messages
// still in it would be its leak, not ours.
void
sys_mbox_free(sys_mbox_t *mbox)
{
  struct sys_arch_mbox *mb = *mbox;

  if(mb == 0)
    return;
  if(mb->tail != mb->head)
    cprintf("lwip: mailbox freed with %d messages in it\n",
            mb->tail - mb->head);
  acquire(&pool.lock);
  mb->used = 0;
  release(&pool.lock);
  SYS_STATS_DEC(mbox.used);
  *mbox = 0;
}

// LAB 3: BEGIN SOLUTION
// Put msg in mb's ring, which has room. Caller holds mb->lock.
static void
mbox_put(struct sys_arch_mbox *mb, void *msg)
{
  mb->slot[mb->tail % mb->cap] = msg;
  mb->tail++;
  wakeup(&mb->head);          // fetchers wait for head != tail
}

static void*
mbox_take(struct sys_arch_mbox *mb)
{
  void *msg = mb->slot[mb->head % mb->cap];

  mb->head++;
  wakeup(&mb->tail);          // posters wait for room
  return msg;
}
// LAB 3: STUB
// LAB 3: END

void
sys_mbox_post(sys_mbox_t *mbox, void *msg)
{
  // LAB 3: BEGIN SOLUTION
  struct sys_arch_mbox *mb = *mbox;

  acquire(&mb->lock);
  while(mb->tail - mb->head == mb->cap)
    sleep(&mb->tail, &mb->lock);
  mbox_put(mb, msg);
  release(&mb->lock);
  // LAB 3: STUB
  // // Lab 3: put msg in the mailbox, first waiting for as long as it takes
  // // while the mailbox is full (cap messages: the capacity lwIP asked
  // // for). Messages come out in the order they went in. Never drops msg:
  // // its sender has no way to learn that it was lost.
  // panic("sys_mbox_post: Lab 3");
  // LAB 3: END
}

err_t
sys_mbox_trypost(sys_mbox_t *mbox, void *msg)
{
  // LAB 3: BEGIN SOLUTION
  struct sys_arch_mbox *mb = *mbox;

  acquire(&mb->lock);
  if(mb->tail - mb->head == mb->cap){
    mb->nfull++;
    release(&mb->lock);
    SYS_STATS_INC(mbox.err);
    return ERR_MEM;
  }
  mbox_put(mb, msg);
  release(&mb->lock);
  return ERR_OK;
  // LAB 3: STUB
  // // Lab 3: put msg in the mailbox if there is room and return ERR_OK;
  // // when it is full, count the refusal (nfull) and return ERR_MEM at
  // // once. Trap: it must never sleep. The tcpip thread itself calls it to
  // // hand a netconn its data, and a thread that then waits for the tcpip
  // // thread would wait for ever; its callers free what they could not post.
  // panic("sys_mbox_trypost: Lab 3");
  // LAB 3: END
}

// lwIP's "from an ISR" variant. Nothing here calls lwIP from an interrupt
// handler, but trypost would be safe there: it only spins briefly.
err_t
sys_mbox_trypost_fromisr(sys_mbox_t *mbox, void *msg)
{
  return sys_mbox_trypost(mbox, msg);
}

u32_t
sys_arch_mbox_fetch(sys_mbox_t *mbox, void **msg, u32_t timeout)
{
  // LAB 3: BEGIN SOLUTION
  struct sys_arch_mbox *mb = *mbox;
  uint start = millis();
  void *m;

  acquire(&mb->lock);
  while(mb->tail == mb->head){
    if(waitstep(&mb->head, &mb->lock, start, timeout) &&
       mb->tail == mb->head){
      release(&mb->lock);
      if(msg)
        *msg = 0;
      return SYS_ARCH_TIMEOUT;
    }
  }
  m = mbox_take(mb);
  release(&mb->lock);
  if(msg)
    *msg = m;
  return waited(start);
  // LAB 3: STUB
  // // Lab 3: take the oldest message, waiting for one for at most timeout
  // // milliseconds (0: for ever), and store it in *msg unless msg is null.
  // // Returns the time waited, or SYS_ARCH_TIMEOUT (with *msg = 0) if none
  // // came in time. The tcpip thread runs every lwIP timer from this wait:
  // // the same traps as sys_arch_sem_wait, and a poster sleeping on a full
  // // mailbox must be let go once there is room.
  // panic("sys_arch_mbox_fetch: Lab 3");
  // LAB 3: END
}

u32_t
sys_arch_mbox_tryfetch(sys_mbox_t *mbox, void **msg)
{
  // LAB 3: BEGIN SOLUTION
  struct sys_arch_mbox *mb = *mbox;
  void *m;

  acquire(&mb->lock);
  if(mb->tail == mb->head){
    release(&mb->lock);
    return SYS_MBOX_EMPTY;
  }
  m = mbox_take(mb);
  release(&mb->lock);
  if(msg)
    *msg = m;
  return 0;
  // LAB 3: STUB
  // // Lab 3: as sys_arch_mbox_fetch, but never wait: with the mailbox
  // // empty, return SYS_MBOX_EMPTY at once; otherwise take the oldest
  // // message into *msg (unless msg is null) and return 0.
  // panic("sys_arch_mbox_tryfetch: Lab 3");
  // LAB 3: END
}

// ---- Threads, time, protection, randomness, assertions

sys_thread_t
sys_thread_new(const char *name, lwip_thread_fn fn, void *arg,
               int stacksize, int prio)
{
  // LAB 3: BEGIN SOLUTION
  int pid;

  // stacksize and prio are lwIP's wishes; a kernel thread has KSTACKSIZE
  // bytes of stack and the one priority the scheduler knows.
  (void)stacksize;
  (void)prio;
  if((pid = kthread_create((char*)name, fn, arg)) < 0)
    panic("sys_thread_new: no free process slot");
  return pid;
  // LAB 3: STUB
  // // Lab 3: start a thread named name that runs fn(arg) in the kernel, and
  // // return its id. lwIP's threads never return and run until the machine
  // // stops; stacksize and prio are lwIP's wishes, which a kernel thread
  // // cannot grant. No free process slot is fatal (lwIP cannot run without
  // // the thread it asked for): say so and stop.
  // panic("sys_thread_new: Lab 3");
  // LAB 3: END
}

u32_t
sys_now(void)
{
  // LAB 3: BEGIN SOLUTION
  return millis();
  // LAB 3: STUB
  // // Lab 3: the time in milliseconds since some fixed moment, for lwIP's
  // // timers; it wraps around at 2^32. Trap: not in ticks.
  // panic("sys_now: Lab 3");
  // LAB 3: END
}

sys_prot_t
sys_arch_protect(void)
{
  // The outermost protect comes from thread context. With interrupts
  // already off, the caller is an interrupt handler or holds a spinlock,
  // where lwIP must never run (netdev.c's receive contract): lwIP's pools
  // and heap would be re-entered under the thread the interrupt stopped.
  if(!(readeflags() & FL_IF) && !holding(&prot.lock))
    panic("SYS_ARCH_PROTECT: lwIP entered with interrupts off (from an "
          "interrupt handler, or with a spinlock held)");
  pushcli();                  // so that holding() and acquire() agree
  if(holding(&prot.lock))
    prot.depth++;
  else {
    acquire(&prot.lock);
    prot.depth = 1;
  }
  popcli();                   // acquire's own pushcli keeps them off
  return 0;
}

void
sys_arch_unprotect(sys_prot_t pval)
{
  (void)pval;
  if(!holding(&prot.lock))
    panic("sys_arch_unprotect: not protected");
  if(--prot.depth == 0)
    release(&prot.lock);
}

// xorshift32, seeded from the time-stamp counter at first use: good
// enough for transaction ids and initial sequence numbers in a lab.
unsigned int
sys_arch_rand(void)
{
  static uint x;
  uint r;
  SYS_ARCH_DECL_PROTECT(lev);

  SYS_ARCH_PROTECT(lev);
  if(x == 0)
    x = (uint)rdtsc() | 1;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  r = x;
  SYS_ARCH_UNPROTECT(lev);
  return r;
}

void
lwip_arch_assert(const char *msg, const char *file, int line)
{
  cprintf("lwip: assertion \"%s\" failed at %s:%d\n", msg, file, line);
  panic("lwIP assertion failed");
}
