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

// Add the guard page and the stack page above sz and copy the arguments
// onto the stack. Returns the initial stack pointer and sets *szp to the
// new end of memory; returns 0 on error.
static uint
setupstack(pde_t *pgdir, uint *szp, char **argv)
{
  uint ustack[3 + MAXARG + 1];
  uint sz, sp, stackbase;
  int argc, len;

  sz = PGROUNDUP(*szp);
  if((sz = allocuvm(pgdir, sz, sz + 2*PGSIZE)) == 0)
    return 0;
  *szp = sz;
  clearpteu(pgdir, (char*)(sz - 2*PGSIZE));
  stackbase = sz - PGSIZE;
  sp = sz;

  // Strings first, at the top, each word-aligned.
  for(argc = 0; argv[argc]; argc++){
    if(argc >= MAXARG)
      return 0;
    len = strlen(argv[argc]) + 1;
    if(len > sp - stackbase)
      return 0;
    sp = (sp - len) & ~3;
    if(copyout(pgdir, sp, argv[argc], len) < 0)
      return 0;
    ustack[3 + argc] = sp;
  }
  ustack[3 + argc] = 0;

  // Then what main(argc, argv) finds above its return address.
  ustack[0] = 0xffffffff;
  ustack[1] = argc;
  ustack[2] = sp - (argc + 1) * 4;
  len = (3 + argc + 1) * 4;
  if(len > sp - stackbase)
    return 0;
  sp -= len;
  if(copyout(pgdir, sp, ustack, len) < 0)
    return 0;
  return sp;
}

// The last component of path, for the process name.
static char*
lastelem(char *path)
{
  char *s, *last;

  for(last = s = path; *s; s++)
    if(*s == '/')
      last = s + 1;
  return last;
}

int
exec(char *path, char **argv)
{
  struct proc *p = myproc();
  struct inode *ip;
  struct elfhdr elf;
  pde_t *pgdir, *oldpgdir;
  uint sz, sp;

  if(p->kthread)
    return -1;

  begin_op();
  if((ip = namei(path)) == 0){
    end_op();
    return -1;
  }
  ilock(ip);
  pgdir = 0;
  sz = 0;
  if(readelfhdr(ip, &elf) < 0)
    goto bad;
  if((pgdir = setupkvm()) == 0)
    goto bad;
  if((sz = loadsegments(pgdir, ip, &elf)) == 0)
    goto bad;
  iunlockput(ip);
  end_op();
  ip = 0;

  if((sp = setupstack(pgdir, &sz, argv)) == 0)
    goto bad;

  // Commit: from here on exec cannot fail.
  safestrcpy(p->name, lastelem(path), sizeof(p->name));
  oldpgdir = p->pgdir;
  p->pgdir = pgdir;
  p->sz = sz;
  p->tf->eip = elf.entry;
  p->tf->esp = sp;
  switchuvm(p);
  if(oldpgdir)
    freevm(oldpgdir);
  return 0;

bad:
  if(pgdir)
    freevm(pgdir);
  if(ip){
    iunlockput(ip);
    end_op();
  }
  return -1;
}
