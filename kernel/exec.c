// exec: replace the current process's memory with a program from a file.
//
// The new image is built in a fresh page directory while the old one keeps
// running, so that any failure (missing file, malformed ELF, no memory,
// arguments too long) leaves the caller exactly as it was, and exec just
// returns -1. Only when everything is in place does the "commit" step
// switch page directories and free the old one.
//
// The new memory layout (see proc.h), from address 0 up:
//
//   pages below the first segment, if any: mapped, not user-accessible
//   the ELF's PT_LOAD segments (text, data, bss)
//   one guard page, not user-accessible, to catch stack overflow
//   one stack page, holding on entry:  argument strings (top)
//                                      argv[0..argc-1], 0
//                                      argv  (pointer to argv[0])
//                                      argc
//                            esp ->    0xffffffff (fake return address)
//   the heap, grown later by sbrk()
//
// so a program's entry point is an ordinary C function main(argc, argv)
// that must never return (it calls exit()).
//
// exec also runs for the first process straight from the kernel (forkret
// in proc.c), where the "old" directory is a kernel-only one from
// setupkvm() and the trap frame was prepared by userinit().

#include "types.h"
#include "param.h"
#include "memlayout.h"
#include "mmu.h"
#include "proc.h"
#include "defs.h"
#include "x86.h"
#include "elf.h"

// Read ip's ELF header into *elf and check that it is one we can run.
static int
readelfhdr(struct inode *ip, struct elfhdr *elf)
{
  if(readi(ip, 0, (uint)elf, 0, sizeof(*elf)) != sizeof(*elf))
    return -1;
  if(elf->magic != ELF_MAGIC)
    return -1;
  if(elf->phentsize != 0 && elf->phentsize != sizeof(struct proghdr))
    return -1;
  return 0;
}

// Check one loadable segment before it is used to size memory.
static int
segment_ok(struct proghdr *ph)
{
  if(ph->memsz < ph->filesz)
    return -1;
  if(ph->vaddr + ph->memsz < ph->vaddr)     // wraps around
    return -1;
  if(ph->vaddr + ph->memsz > KERNBASE)
    return -1;
  if(ph->vaddr % PGSIZE != 0)               // loaduvm maps whole pages
    return -1;
  return 0;
}

// Load every PT_LOAD segment of ip into pgdir. Returns the size of the
// loaded image (end of the highest segment), or 0 on any error. Memory
// below the lowest segment is mapped (so [0, sz) stays one contiguous
// region for fork and sbrk) but not user-accessible: a program linked
// above page 0 gets null-pointer faults for free.
static uint
loadsegments(pde_t *pgdir, struct inode *ip, struct elfhdr *elf)
{
  struct proghdr ph;
  uint off, sz, newsz, low, a;
  int i;

  sz = 0;
  low = KERNBASE;
  off = elf->phoff;
  for(i = 0; i < elf->phnum; i++, off += sizeof(ph)){
    if(readi(ip, 0, (uint)&ph, off, sizeof(ph)) != sizeof(ph))
      return 0;
    if(ph.type != ELF_PROG_LOAD)
      continue;
    if(segment_ok(&ph) < 0)
      return 0;
    if(ph.vaddr < low)
      low = ph.vaddr;
    // allocuvm only grows memory, so overlapping or out-of-order
    // segments are fine: everything up to the highest end gets mapped.
    if(ph.vaddr + ph.memsz > sz){
      if((newsz = allocuvm(pgdir, sz, ph.vaddr + ph.memsz)) == 0)
        return 0;
      sz = newsz;
    }
    if(loaduvm(pgdir, (char*)ph.vaddr, ip, ph.off, ph.filesz) < 0)
      return 0;
  }
  for(a = 0; a < low && a < sz; a += PGSIZE)
    clearpteu(pgdir, (char*)a);
  return sz;
}

// Copy len bytes from src to the user stack just below *sp and lower *sp
// to their start. Fails rather than go below base, the stack page's
// bottom.
static int
push(pde_t *pgdir, uint *sp, uint base, void *src, uint len)
{
  if(len > *sp - base)
    return -1;
  *sp -= len;
  return copyout(pgdir, *sp, src, len);
}

// Add the guard page and the stack page above *szp and lay out the
// arguments on the stack as described at the top of this file. Returns
// the initial stack pointer and advances *szp past the stack page;
// returns 0 on error.
static uint
setupstack(pde_t *pgdir, uint *szp, char **argv)
{
  uint strs[MAXARG + 1];      // user addresses of the copied strings, then 0
  uint frame[3];              // fake return address, argc, argv
  uint top, base, sp;
  int argc;

  top = PGROUNDUP(*szp) + 2*PGSIZE;
  if(allocuvm(pgdir, PGROUNDUP(*szp), top) == 0)
    return 0;
  *szp = top;
  base = top - PGSIZE;
  clearpteu(pgdir, (char*)(base - PGSIZE));     // the guard page
  sp = top;

  for(argc = 0; argv[argc] != 0; argc++){
    if(argc == MAXARG)
      return 0;
    if(push(pgdir, &sp, base, argv[argc], strlen(argv[argc]) + 1) < 0)
      return 0;
    strs[argc] = sp;
    sp &= ~3;                 // keep the words below aligned
  }
  strs[argc] = 0;
  if(push(pgdir, &sp, base, strs, (argc + 1) * sizeof(uint)) < 0)
    return 0;

  frame[0] = ~0U;             // main() must not return; this would fault
  frame[1] = argc;
  frame[2] = sp;              // where strs[] just went
  if(push(pgdir, &sp, base, frame, sizeof(frame)) < 0)
    return 0;
  return sp;
}

// The part of path after its last slash, used as the process name.
static char*
lastelem(char *path)
{
  char *s;

  s = path + strlen(path);
  while(s > path && s[-1] != '/')
    s--;
  return s;
}

// Read the program at path into a new page directory. Returns the image
// size and sets *pgdirp and *entry, or returns 0 with nothing allocated.
// The inode and the transaction are finished here, before the stack is
// built, since that needs neither.
static uint
loadimage(char *path, pde_t **pgdirp, uint *entry)
{
  struct inode *ip;
  struct elfhdr elf;
  pde_t *pgdir;
  uint sz;

  begin_op();
  if((ip = namei(path)) == 0){
    end_op();
    return 0;
  }
  ilock(ip);
  pgdir = 0;
  sz = 0;
  if(readelfhdr(ip, &elf) == 0 && (pgdir = setupkvm()) != 0)
    sz = loadsegments(pgdir, ip, &elf);
  iunlockput(ip);
  end_op();

  if(sz == 0){
    if(pgdir != 0)
      freevm(pgdir);
    return 0;
  }
  *pgdirp = pgdir;
  *entry = elf.entry;
  return sz;
}

int
exec(char *path, char **argv)
{
  struct proc *p = myproc();
  pde_t *pgdir, *old;
  uint sz, sp, entry;

  if(p->kthread)
    return -1;              // a kernel thread has no user image to replace
  if((sz = loadimage(path, &pgdir, &entry)) == 0)
    return -1;
  if((sp = setupstack(pgdir, &sz, argv)) == 0){
    freevm(pgdir);
    return -1;
  }

  // Nothing can fail any more: switch to the new image for good.
  safestrcpy(p->name, lastelem(path), sizeof(p->name));
  old = p->pgdir;
  p->pgdir = pgdir;
  p->sz = sz;
  p->tf->eip = entry;
  p->tf->esp = sp;
  switchuvm(p);
  if(old != 0)
    freevm(old);
  return 0;
}
