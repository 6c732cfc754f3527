// select.c: select(), one process waiting on several files at once
// (lab 4), and pollwakeup(), the signal it waits for.
//
// The waits of pipes, the console and sockets each sleep on a channel of
// their own, and a process can sleep on only one channel. So select()
// does not join those waits; it has one channel of its own, pollseq, and
// everything that can make a file ready (bytes into or out of a pipe, a
// line typed on the console, any socket event, a close) also calls
// pollwakeup(), which bumps pollseq and wakes every selecting process.
// Each then asks each of its files whether it is ready (filepoll, in
// file.c) and goes back to sleep if none is. One channel for everything
// wakes selectors needlessly now and then; it is simple, and it cannot
// miss a wakeup: see sys_select.

#include "types.h"
#include "defs.h"
#include "param.h"
#include "mmu.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "fs.h"
#include "file.h"
#include "proc.h"
#include "socket.h"

static struct spinlock polllock;
static uint pollseq;            // events so far; guarded by polllock

void
pollinit(void)
{
  initlock(&polllock, "poll");
}

// Something may have become ready: let every select() look again. Any
// context, interrupts included; callers may hold their own spinlock.
void
pollwakeup(void)
{
  acquire(&polllock);
  pollseq++;
  wakeup(&pollseq);
  release(&polllock);
}

// LAB 4: BEGIN SOLUTION
#define MAXWAIT_MS (1000 * 1000 * 1000)   // longer timeouts wait forever

// The three sets select() works on, as the kernel's copies.
struct fdsets {
  fd_set in[3];                 // what the caller asked: read, write, except
  fd_set out[3];                // what is ready
};

static const int pollbit[3] = { POLLIN, POLLOUT, POLLERR };

// Look once at every descriptor below max in the sets. Returns how many
// bits it set in out, or -1 if a set names a descriptor that is not open.
static int
scan(struct fdsets *fs, int max)
{
  struct file *f;
  int fd, k, ready, n;

  n = 0;
  memset(fs->out, 0, sizeof(fs->out));
  for(fd = 0; fd < max; fd++){
    if(!FD_ISSET(fd, &fs->in[0]) && !FD_ISSET(fd, &fs->in[1])
       && !FD_ISSET(fd, &fs->in[2]))
      continue;
    if(fd >= NOFILE || (f = myproc()->ofile[fd]) == 0)
      return -1;
    ready = filepoll(f);
    for(k = 0; k < 3; k++){
      if(FD_ISSET(fd, &fs->in[k]) && (ready & pollbit[k])){
        FD_SET(fd, &fs->out[k]);
        n++;
      }
    }
  }
  return n;
}

// Argument n as a pointer to an fd_set: copied into *set, or an empty
// set if the pointer is 0. *addr keeps the address for the answer.
static int
argset(int n, fd_set *set, uint *addr)
{
  char *p;

  memset(set, 0, sizeof(*set));
  if(argaddr(n, addr) < 0)
    return -1;
  if(*addr == 0)
    return 0;
  if(argptr(n, &p, sizeof(*set)) < 0)
    return -1;
  memmove(set, p, sizeof(*set));
  return 0;
}

// Argument 4, the timeout, in ms; -1 for none (wait forever).
static int
argtimeout(int *ms)
{
  struct timeval tv;
  uint addr;
  char *p;

  *ms = -1;
  if(argaddr(4, &addr) < 0)
    return -1;
  if(addr == 0)
    return 0;
  if(argptr(4, &p, sizeof(tv)) < 0)
    return -1;
  memmove(&tv, p, sizeof(tv));
  if(tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
    return -1;
  if(tv.tv_sec >= MAXWAIT_MS / 1000)
    return 0;                           // as good as forever
  *ms = tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000;
  return 0;
}

// select(max, readset, writeset, exceptset, timeout).
//
// No wakeup is lost between a scan that finds nothing and the sleep that
// follows: the scan starts only after pollseq has been read, and the
// sleep happens only if pollseq has not moved since, both checked under
// polllock, which pollwakeup() holds while it bumps pollseq. An event
// after the read either is seen by the scan or moves pollseq first.
int
sys_select(void)
{
  struct fdsets fs;
  uint addr[3];
  uint seen, deadline;
  int max, ms, k, n;

  if(argint(0, &max) < 0 || max < 0 || max > FD_SETSIZE)
    return -1;
  for(k = 0; k < 3; k++)
    if(argset(1 + k, &fs.in[k], &addr[k]) < 0)
      return -1;
  if(argtimeout(&ms) < 0)
    return -1;
  deadline = millis() + ms;
  for(;;){
    acquire(&polllock);
    seen = pollseq;
    release(&polllock);
    if((n = scan(&fs, max)) != 0)
      break;
    if(ms == 0 || killed(myproc()))
      break;
    acquire(&polllock);
    if(pollseq == seen){
      if(ms < 0)
        sleep(&pollseq, &polllock);
      else if(sleep_until(&pollseq, &polllock, deadline)){
        release(&polllock);
        n = scan(&fs, max);             // a last look, then time is up
        break;
      }
    }
    release(&polllock);
  }
  if(n < 0 || (n == 0 && killed(myproc())))
    return -1;
  for(k = 0; k < 3; k++)
    if(addr[k] && copyout(myproc()->pgdir, addr[k], (char*)&fs.out[k],
                          sizeof(fd_set)) < 0)
      return -1;
  return n;
}
// LAB 4: STUB
// int
// sys_select(void)
// {
//   // Lab 4: select(max, readset, writeset, exceptset, timeout): wait
//   // until at least one descriptor below max in the sets is ready
//   // (filepoll: POLLIN for the read set, POLLOUT for the write set,
//   // POLLERR for the except set), then rewrite each set (a pointer may
//   // be 0: no such set) to hold only the ready ones and return how many
//   // bits are set in all. timeout (a struct timeval; 0 means no limit)
//   // bounds the wait: then return 0 with the sets emptied. Returns -1
//   // for a bad pointer, max outside 0..FD_SETSIZE, a set naming a
//   // descriptor that is not open, a bad timeval, or a kill.
//   // Trap: a file can become ready between the moment you look at it
//   // and the moment you sleep (pollwakeup's comment says what wakes).
//   return -1;
// }
// LAB 4: END
