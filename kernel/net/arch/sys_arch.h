// arch/sys_arch.h: the types behind lwIP's operating-system layer
// (lwip/sys.h has the contract; sys_arch.c the code and its design).
//
// A semaphore, mutex or mailbox is a pointer to a slot of a fixed pool in
// sys_arch.c: the *_new functions fill it in, the *_free functions give
// the slot back, and a null pointer is lwIP's "invalid" value.

#ifndef BVLAB_ARCH_SYS_ARCH_H
#define BVLAB_ARCH_SYS_ARCH_H

struct sys_arch_sem;
struct sys_arch_mutex;
struct sys_arch_mbox;

typedef struct sys_arch_sem   *sys_sem_t;
typedef struct sys_arch_mutex *sys_mutex_t;
typedef struct sys_arch_mbox  *sys_mbox_t;
typedef int                    sys_thread_t;   // the kernel thread's pid

#define sys_sem_valid(s)         (*(s) != 0)
#define sys_sem_set_invalid(s)   (*(s) = 0)
#define sys_mutex_valid(m)       (*(m) != 0)
#define sys_mutex_set_invalid(m) (*(m) = 0)
#define sys_mbox_valid(mb)       (*(mb) != 0)
#define sys_mbox_set_invalid(mb) (*(mb) = 0)

// SYS_ARCH_PROTECT: one recursive lock with interrupts off (sys_arch.c).
typedef int sys_prot_t;

// lwIP calls this at the entry of every function that needs the core
// lock (LWIP_ASSERT_CORE_LOCKED in lwipopts.h): it panics when the caller
// is not the thread that holds it.
void sys_arch_check_core_locked(const char *where);

#endif
