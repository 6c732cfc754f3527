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
// walkpgdir() finds (or makes) the page-table entry for an address,
// addpage() and droppage() map and unmap single pages, and the exported
// functions grow, shrink, copy and free a process's memory, which always
// runs contiguously from address 0 to p->sz (see proc.h).
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

// ---- The user half: two-level 4 KiB paging ----
//
// A page-directory entry of the user half either is 0 or points at a page
// table; a page-table entry either is 0 or maps one page of the process's
// memory. The helpers below turn those entries into kernel pointers.

// Permissions on the directory entry itself are the loosest possible; the
// page-table entries underneath are what restrict each page.
#define PDE_TABLE (PTE_P | PTE_W | PTE_U)

// Kernel address of the page (or page table) that entry e points at.
static void*
target(uint e)
{
  return P2V(PTE_ADDR(e));
}

// The page table covering user address va in pgdir, as a kernel pointer.
// When there is none: make an empty one if create is set (0 if memory is
// short), else return 0.
static pte_t*
pagetable(pde_t *pgdir, uint va, int create)
{
  pde_t *pde = &pgdir[PDX(va)];
  pte_t *table;

  if(va >= KERNBASE)
    panic("pagetable: kernel address");
  if(*pde & PTE_P)
    return target(*pde);
  if(!create)
    return 0;
  if((table = (pte_t*)kalloc()) == 0)
    return 0;
  memset(table, 0, PGSIZE);
  *pde = V2P(table) | PDE_TABLE;
  return table;
}

// The page-table entry for user address va in pgdir, creating its page
// table if alloc is set. Returns 0 if there is no table (or no memory).
static pte_t*
walkpgdir(pde_t *pgdir, uint va, int alloc)
{
  pte_t *table = pagetable(pgdir, va, alloc);

  return table ? &table[PTX(va)] : 0;
}

// The entry for va if it maps a page, else 0.
static pte_t*
mapped(pde_t *pgdir, uint va)
{
  pte_t *pte = walkpgdir(pgdir, va, 0);

  if(pte == 0 || (*pte & PTE_P) == 0)
    return 0;
  return pte;
}

// Give pgdir a fresh page at the page-aligned user address va, with
// permissions perm, filled from src (a kernel address) or with zeros if
// src is 0. Returns the page's kernel address, or 0 if memory ran out,
// in which case nothing was mapped.
static char*
addpage(pde_t *pgdir, uint va, const void *src, int perm)
{
  char *page;
  pte_t *pte;

  if((page = kalloc()) == 0)
    return 0;
  if(src)
    memmove(page, src, PGSIZE);
  else
    memset(page, 0, PGSIZE);
  if((pte = walkpgdir(pgdir, va, 1)) == 0){
    kfree(page);
    return 0;
  }
  if(*pte & PTE_P)
    panic("addpage: already mapped");
  *pte = V2P(page) | perm | PTE_P;
  return page;
}

// Put sz bytes of code at user address 0 of pgdir (a first process that
// is built from a memory image rather than by exec).
void
inituvm(pde_t *pgdir, char *init, uint sz)
{
  char *page;

  if(sz >= PGSIZE)
    panic("inituvm: image larger than a page");
  if((page = addpage(pgdir, 0, 0, PTE_W|PTE_U)) == 0)
    panic("inituvm: no memory");
  memmove(page, init, sz);
}

// Fill user memory [addr, addr+sz) of pgdir from ip, starting at byte
// offset of the file. addr is page-aligned and the pages exist already
// (allocuvm). Returns 0, or -1 if the file is shorter than expected.
int
loaduvm(pde_t *pgdir, char *addr, struct inode *ip, uint offset, uint sz)
{
  uint va = (uint)addr, done, chunk;
  pte_t *pte;

  if(va % PGSIZE)
    panic("loaduvm: unaligned address");
  for(done = 0; done < sz; done += chunk){
    if((pte = mapped(pgdir, va + done)) == 0)
      panic("loaduvm: page not allocated");
    chunk = sz - done;
    if(chunk > PGSIZE)
      chunk = PGSIZE;
    if(readi(ip, 0, (uint)target(*pte), offset + done, chunk) != chunk)
      return -1;
  }
  return 0;
}

// Extend a process's memory from oldsz to newsz bytes with zero-filled
// user pages. Returns newsz; or 0, with the memory back at oldsz, if the
// range would reach the kernel or memory runs out.
int
allocuvm(pde_t *pgdir, uint oldsz, uint newsz)
{
  uint va;

  if(newsz > KERNBASE)
    return 0;
  if(newsz < oldsz)
    return oldsz;
  for(va = PGROUNDUP(oldsz); va < newsz; va += PGSIZE){
    if(addpage(pgdir, va, 0, PTE_W|PTE_U) == 0){
      deallocuvm(pgdir, va, oldsz);
      return 0;
    }
  }
  return newsz;
}

// Unmap and free the page an entry maps, if any.
static void
droppage(pte_t *pte)
{
  if((*pte & PTE_P) == 0)
    return;
  kfree(target(*pte));
  *pte = 0;
}

// Cut a process's memory from oldsz down to newsz bytes, freeing whole
// pages above newsz. Neither size has to be page-aligned, and oldsz may
// be larger than what is really mapped. Returns the new size.
int
deallocuvm(pde_t *pgdir, uint oldsz, uint newsz)
{
  pte_t *table;
  uint va;

  if(newsz >= oldsz)
    return oldsz;
  if(oldsz > KERNBASE)
    panic("deallocuvm: size beyond the user half");
  va = PGROUNDUP(newsz);
  while(va < oldsz){
    if((table = pagetable(pgdir, va, 0)) == 0){
      // Nothing is mapped in this 4 MiB stretch: go to the next one.
      va = (PDX(va) + 1) << PDXSHIFT;
      continue;
    }
    droppage(&table[PTX(va)]);
    va += PGSIZE;
  }
  return newsz;
}

// Free every page a page table maps, then the table itself.
static void
freetable(pte_t *table)
{
  int i;

  for(i = 0; i < NPTENTRIES; i++)
    droppage(&table[i]);
  kfree((char*)table);
}

// Free a whole address space. Only directory entries below KERNBASE can
// lead to this address space's own page tables: the kernel half is made
// of 4 MiB entries copied from kpgdir, which own nothing.
void
freevm(pde_t *pgdir)
{
  int i;

  if(pgdir == 0)
    panic("freevm: null page directory");
  for(i = 0; i < PDX(KERNBASE); i++){
    if(pgdir[i] & PTE_P)
      freetable(target(pgdir[i]));
  }
  kfree((char*)pgdir);
}

// Take user access away from the page at uva: exec() does this for the
// guard page under the user stack and for the pages below the program.
void
clearpteu(pde_t *pgdir, char *uva)
{
  pte_t *pte = mapped(pgdir, (uint)uva);

  if(pte == 0)
    panic("clearpteu: no such page");
  *pte &= ~PTE_U;
}

// Duplicate user memory [0, sz) of pgdir into a new address space, page
// by page, with the same permissions (fork). Returns the new page
// directory, or 0 if memory ran out.
pde_t*
copyuvm(pde_t *pgdir, uint sz)
{
  pde_t *copy;
  pte_t *pte;
  uint va;

  if((copy = setupkvm()) == 0)
    return 0;
  for(va = 0; va < sz; va += PGSIZE){
    if((pte = mapped(pgdir, va)) == 0)
      panic("copyuvm: hole in user memory");
    if(addpage(copy, va, target(*pte), PTE_FLAGS(*pte) & ~PTE_P) == 0){
      freevm(copy);
      return 0;
    }
  }
  return copy;
}

// The kernel address of the start of the page that holds user address
// uva (the caller adds the offset within the page), or 0 unless that page
// is mapped for user access.
char*
uva2ka(pde_t *pgdir, char *uva)
{
  pte_t *pte;

  if((uint)uva >= KERNBASE || (pte = mapped(pgdir, (uint)uva)) == 0)
    return 0;
  if((*pte & PTE_U) == 0)
    return 0;
  return target(*pte);
}

// Copy len bytes from kernel address src to user address va of pgdir.
// pgdir need not be the loaded one: exec() fills the new stack before it
// switches to it. Returns 0, or -1 at the first page user code may not
// touch.
int
copyout(pde_t *pgdir, uint va, void *src, uint len)
{
  char *from = src, *page;
  uint off, n;

  for(; len > 0; len -= n, from += n, va += n){
    off = va % PGSIZE;
    if((page = uva2ka(pgdir, (char*)(va - off))) == 0)
      return -1;
    n = PGSIZE - off;
    if(n > len)
      n = len;
    memmove(page + off, from, n);
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
