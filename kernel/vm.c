// Virtual memory: segments, the kernel's page directory, user address
// spaces.
//
// Every address space has the same kernel half. Physical memory below
// PHYSLIMIT is mapped at KERNBASE and the device space (DEVSPACE up to
// 4 GiB: the LAPIC and IOAPIC registers) onto itself, all with 4 MiB pages
// (PTE_PS). A 4 MiB page needs only a page-directory entry, so the kernel
// half is nothing but 512 PDEs: kvmalloc() writes them once into the static
// kpgdir, and setupkvm() gives a new address space by copying them. No
// kernel page table exists that freevm() could free by mistake.
//
// The user half, below KERNBASE, uses ordinary two-level 4 KiB paging:
// walkpgdir() finds (or makes) the page-table entry for an address, and the
// functions below grow, shrink, copy and free a process's memory, which
// always runs contiguously from address 0 to p->sz (see proc.h).
//
// The x86 still wants segments: seginit() gives each CPU a GDT with flat
// kernel and user segments (slots SEG_* in mmu.h), and switchuvm() adds the
// task-state segment that tells the CPU which kernel stack to use when a
// trap arrives from user mode.

#include "param.h"
#include "types.h"
#include "defs.h"
#include "x86.h"
#include "memlayout.h"
#include "mmu.h"
#include "proc.h"

pde_t kpgdir[NPDENTRIES] __attribute__((aligned(PGSIZE)));

// Give this CPU its own GDT and load it. Each CPU needs its own because
// the TSS descriptor (and the TSS it points to) differ per CPU.
void
seginit(void)
{
  struct cpu *c = mycpu();

  c->gdt[SEG_KCODE] = SEG_FLAT(STA_X|STA_R, DPL_KERNEL);
  c->gdt[SEG_KDATA] = SEG_FLAT(STA_W, DPL_KERNEL);
  c->gdt[SEG_UCODE] = SEG_FLAT(STA_X|STA_R, DPL_USER);
  c->gdt[SEG_UDATA] = SEG_FLAT(STA_W, DPL_USER);
  lgdt(c->gdt, sizeof(c->gdt));

  // The segment registers cache descriptors of whatever GDT was loaded
  // when they were set (the boot GDT, or entryother's); reload them all
  // from this one. A far jump reloads CS.
  asm volatile("ljmp %0, $1f\n1:" : : "i" (SEG_KCODE<<3));
  asm volatile("movw %w0, %%ds\n\t"
               "movw %w0, %%es\n\t"
               "movw %w0, %%fs\n\t"
               "movw %w0, %%gs\n\t"
               "movw %w0, %%ss"
               : : "r" (SEG_KDATA<<3));
}

// Map [va, va+size) to [pa, pa+size) with 4 MiB pages in the kernel half.
static void
kmapbig(uint va, uint pa, uint size, int perm)
{
  for(; size > 0; va += BIGPGSIZE, pa += BIGPGSIZE, size -= BIGPGSIZE){
    if(kpgdir[PDX(va)] & PTE_P)
      panic("kmapbig: remap");
    kpgdir[PDX(va)] = pa | perm | PTE_PS | PTE_P;
  }
}

// Build the kernel half in kpgdir and switch to it. Runs once, on the boot
// CPU, before the allocator exists: it needs no memory but kpgdir itself.
// From here on the identity mapping of low memory that entry.S set up is
// gone; everything physical is reached through P2V().
void
kvmalloc(void)
{
  kmapbig(KERNBASE, 0, PHYSLIMIT, PTE_W);
  // Device registers: uncached, since reads and writes have side effects.
  // The size wraps to 0 at 4 GiB, hence the computation.
  kmapbig(DEVSPACE, DEVSPACE, 0 - DEVSPACE, PTE_W | PTE_PCD | PTE_PWT);
  switchkvm();
}

// A new page directory with the kernel half and an empty user half.
pde_t*
setupkvm(void)
{
  pde_t *pgdir;

  if((pgdir = (pde_t*)kalloc()) == 0)
    return 0;
  memset(pgdir, 0, PDX(KERNBASE) * sizeof(pde_t));
  memmove(&pgdir[PDX(KERNBASE)], &kpgdir[PDX(KERNBASE)],
          (NPDENTRIES - PDX(KERNBASE)) * sizeof(pde_t));
  return pgdir;
}

// Use the kernel's page directory: when no process runs (the scheduler),
// and on an application processor when it starts.
void
switchkvm(void)
{
  lcr3(V2P(kpgdir));
}

// Run on p's kernel stack and in p's address space. Traps from user mode
// will switch to the top of p->kstack, as the TSS says. A kernel thread
// may have no page directory; it runs in kpgdir.
void
switchuvm(struct proc *p)
{
  struct cpu *c;

  if(p == 0)
    panic("switchuvm: no process");
  if(p->kstack == 0)
    panic("switchuvm: no kernel stack");
  if(p->pgdir == 0 && !p->kthread)
    panic("switchuvm: no page directory");

  pushcli();
  c = mycpu();
  c->gdt[SEG_TSS] = SEG_SYS16(STS_T32A, &c->ts, sizeof(c->ts)-1, DPL_KERNEL);
  c->ts.ss0 = SEG_KDATA << 3;
  c->ts.esp0 = (uint)p->kstack + KSTACKSIZE;
  // An I/O map base beyond the TSS's limit: user code may use no port.
  c->ts.iomb = 0xFFFF;
  // ltr marks the descriptor busy; we rewrote it above, so it is not.
  ltr(SEG_TSS << 3);
  lcr3(V2P(p->pgdir ? p->pgdir : kpgdir));
  popcli();
}

// The page-table entry for user address va in pgdir. If its page table is
// missing, make one when alloc is set, else return 0.
static pte_t*
walkpgdir(pde_t *pgdir, uint va, int alloc)
{
  pde_t *pde;
  pte_t *pgtab;

  if(va >= KERNBASE)
    panic("walkpgdir: kernel address");
  pde = &pgdir[PDX(va)];
  if(*pde & PTE_P){
    pgtab = (pte_t*)P2V(PTE_ADDR(*pde));
  } else {
    if(!alloc || (pgtab = (pte_t*)kalloc()) == 0)
      return 0;
    memset(pgtab, 0, PGSIZE);
    // Generous permissions here; the page-table entries decide.
    *pde = V2P(pgtab) | PTE_P | PTE_W | PTE_U;
  }
  return &pgtab[PTX(va)];
}

// Map the pages of user range [va, va+size) to physical memory from pa.
// va and size need not be page-aligned. Returns -1 if a page table
// could not be allocated.
static int
mappages(pde_t *pgdir, uint va, uint size, uint pa, int perm)
{
  uint a, last;
  pte_t *pte;

  a = PGROUNDDOWN(va);
  last = PGROUNDDOWN(va + size - 1);
  for(;;){
    if((pte = walkpgdir(pgdir, a, 1)) == 0)
      return -1;
    if(*pte & PTE_P)
      panic("mappages: remap");
    *pte = pa | perm | PTE_P;
    if(a == last)
      break;
    a += PGSIZE;
    pa += PGSIZE;
  }
  return 0;
}

// Load initcode (sz bytes) at address 0 of pgdir, for the first process.
void
inituvm(pde_t *pgdir, char *init, uint sz)
{
  char *mem;

  if(sz >= PGSIZE)
    panic("inituvm: more than a page");
  if((mem = kalloc()) == 0)
    panic("inituvm: out of memory");
  memset(mem, 0, PGSIZE);
  if(mappages(pgdir, 0, PGSIZE, V2P(mem), PTE_W|PTE_U) < 0)
    panic("inituvm: out of memory");
  memmove(mem, init, sz);
}

// Read sz bytes of ip from offset into pgdir at addr, which must be
// page-aligned and already mapped (allocuvm). Returns 0, or -1 on a
// short read.
int
loaduvm(pde_t *pgdir, char *addr, struct inode *ip, uint offset, uint sz)
{
  uint i, n;
  pte_t *pte;

  if((uint)addr % PGSIZE != 0)
    panic("loaduvm: addr must be page aligned");
  for(i = 0; i < sz; i += PGSIZE){
    if((pte = walkpgdir(pgdir, (uint)addr + i, 0)) == 0 || !(*pte & PTE_P))
      panic("loaduvm: address should exist");
    n = sz - i < PGSIZE ? sz - i : PGSIZE;
    if(readi(ip, 0, (uint)P2V(PTE_ADDR(*pte)), offset + i, n) != n)
      return -1;
  }
  return 0;
}

// Grow a process from oldsz to newsz bytes with zeroed, user-writable
// pages. Returns newsz, or 0 on failure (having undone what it did).
int
allocuvm(pde_t *pgdir, uint oldsz, uint newsz)
{
  char *mem;
  uint a;

  if(newsz > KERNBASE)
    return 0;
  if(newsz < oldsz)
    return oldsz;

  for(a = PGROUNDUP(oldsz); a < newsz; a += PGSIZE){
    if((mem = kalloc()) == 0){
      deallocuvm(pgdir, a, oldsz);
      return 0;
    }
    memset(mem, 0, PGSIZE);
    if(mappages(pgdir, a, PGSIZE, V2P(mem), PTE_W|PTE_U) < 0){
      kfree(mem);
      deallocuvm(pgdir, a, oldsz);
      return 0;
    }
  }
  return newsz;
}

// Shrink a process from oldsz to newsz bytes, freeing the pages in
// between. Sizes need not be page-aligned; oldsz may exceed the memory
// actually mapped (freevm passes KERNBASE). Returns the new size.
int
deallocuvm(pde_t *pgdir, uint oldsz, uint newsz)
{
  pte_t *pte;
  uint a;

  if(newsz >= oldsz)
    return oldsz;
  if(oldsz > KERNBASE)
    panic("deallocuvm: kernel address");

  for(a = PGROUNDUP(newsz); a < oldsz; a += PGSIZE){
    pte = walkpgdir(pgdir, a, 0);
    if(pte == 0){
      // No page table: skip to the next page-directory entry.
      a = PGADDR(PDX(a) + 1, 0, 0) - PGSIZE;
      continue;
    }
    if(*pte & PTE_P){
      kfree((char*)P2V(PTE_ADDR(*pte)));
      *pte = 0;
    }
  }
  return newsz;
}

// Free a user address space: its pages, its page tables, the directory.
// The kernel half is 4 MiB PDEs shared by every directory, so only the
// PDEs below KERNBASE can point at page tables of this address space.
void
freevm(pde_t *pgdir)
{
  uint i;

  if(pgdir == 0)
    panic("freevm: no pgdir");
  deallocuvm(pgdir, KERNBASE, 0);
  for(i = 0; i < PDX(KERNBASE); i++){
    if(pgdir[i] & PTE_P)
      kfree((char*)P2V(PTE_ADDR(pgdir[i])));
  }
  kfree((char*)pgdir);
}

// Make the page at uva inaccessible to user code; exec uses it for the
// guard page below the user stack.
void
clearpteu(pde_t *pgdir, char *uva)
{
  pte_t *pte;

  if((pte = walkpgdir(pgdir, (uint)uva, 0)) == 0 || !(*pte & PTE_P))
    panic("clearpteu: page not mapped");
  *pte &= ~PTE_U;
}

// A copy of a parent's user memory [0, sz) for a child (fork), with the
// same permissions page by page. Returns 0 if memory ran out.
pde_t*
copyuvm(pde_t *pgdir, uint sz)
{
  pde_t *d;
  pte_t *pte;
  uint a;
  char *mem;

  if((d = setupkvm()) == 0)
    return 0;
  for(a = 0; a < sz; a += PGSIZE){
    if((pte = walkpgdir(pgdir, a, 0)) == 0 || !(*pte & PTE_P))
      panic("copyuvm: page not present");
    if((mem = kalloc()) == 0)
      goto bad;
    memmove(mem, P2V(PTE_ADDR(*pte)), PGSIZE);
    if(mappages(d, a, PGSIZE, V2P(mem), PTE_FLAGS(*pte) & ~PTE_P) < 0){
      kfree(mem);
      goto bad;
    }
  }
  return d;

bad:
  freevm(d);
  return 0;
}

// The kernel address of the page holding user address uva (the page's
// start, like xv6: add uva's offset in the page yourself), or 0 if uva is
// not mapped for user access.
char*
uva2ka(pde_t *pgdir, char *uva)
{
  pte_t *pte;

  if((uint)uva >= KERNBASE)
    return 0;
  if((pte = walkpgdir(pgdir, (uint)uva, 0)) == 0)
    return 0;
  if((*pte & (PTE_P|PTE_U)) != (PTE_P|PTE_U))
    return 0;
  return (char*)P2V(PTE_ADDR(*pte));
}

// Copy len bytes from kernel address p to user address va in pgdir, which
// need not be the current address space (exec builds the new stack before
// switching). Returns 0, or -1 if some page is not user-accessible.
int
copyout(pde_t *pgdir, uint va, void *p, uint len)
{
  char *buf = p, *pa0;
  uint n, va0;

  while(len > 0){
    va0 = PGROUNDDOWN(va);
    if((pa0 = uva2ka(pgdir, (char*)va0)) == 0)
      return -1;
    n = PGSIZE - (va - va0);
    if(n > len)
      n = len;
    memmove(pa0 + (va - va0), buf, n);
    len -= n;
    buf += n;
    va = va0 + PGSIZE;
  }
  return 0;
}

// May the kernel read or write [addr, addr+n) on behalf of process p?
// Yes iff the range lies in p's memory [0, p->sz), does not wrap around,
// stays below KERNBASE, and every page in it is user-accessible (so the
// guard page below the stack is refused too). System calls check user
// pointers with this before touching them: a bad pointer must make the
// call fail, not fault in the kernel.
int
uaccess_ok(struct proc *p, uint addr, uint n)
{
  uint a;

  if(p == 0 || p->pgdir == 0)
    return 0;
  if(addr + n < addr || addr + n > p->sz || addr + n > KERNBASE)
    return 0;
  for(a = PGROUNDDOWN(addr); a < addr + n; a += PGSIZE){
    if(uva2ka(p->pgdir, (char*)a) == 0)
      return 0;
  }
  return 1;
}
