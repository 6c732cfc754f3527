// Prototypes of every function one kernel file calls in another, grouped by
// the file that defines them. Keep each group in the order of its file.

struct buf;
struct context;
struct file;
struct inode;
struct pipe;
struct proc;
struct rtcdate;
struct spinlock;
struct sleeplock;
struct stat;
struct superblock;
struct trapframe;

// acpi.c
int             acpiinit(void);

// bios.c
uchar           bios_checksum(void*, uint);
void*           bios_scan(uint pa, uint len, const char *sig, int (*valid)(void*));
uint            bios_ebda(void);

// bio.c
void            binit(void);
struct buf*     bread(uint, uint);
void            brelse(struct buf*);
void            bwrite(struct buf*);
void            bpin(struct buf*);
void            bunpin(struct buf*);

// cmdline.c
void            cmdline_init(const char*);
int             cmdline_get(const char *key, char *val, int n);
int             cmdline_flag(const char *key);
extern char     cmdline[];

// console.c
void            consoleinit(void);
void            console_irqinit(void);
void            cprintf(char*, ...);
void            consoleintr(int(*)(void));
void            panic(char*) __attribute__((noreturn));

// disk.c
void            disk_init(void);
void            disk_rw(struct buf*);

// LAB 2: BEGIN
// ether.c (the rest of the network-device seam is in net.h)
void            ether_dump(void);
// LAB 2: END

// exec.c
int             exec(char*, char**);

// file.c
struct file*    filealloc(void);
void            fileclose(struct file*);
struct file*    filedup(struct file*);
void            fileinit(void);
int             fileread(struct file*, uint addr, int n);
int             filestat(struct file*, uint addr);
int             filewrite(struct file*, uint addr, int n);
int             devtext_read(struct file*, int user_dst, uint addr, int n,
                             const char *text, int len);
// LAB 4: BEGIN
int             filepoll(struct file*);
// LAB 4: END

// LAB 4: BEGIN
// memdev.c
void            memdev_init(void);
// LAB 4: END

// LAB 5: BEGIN
// nfs/: remote files (nfs.h is the user's view)
struct stat;
void            nfsinit(void);
int             nfsremote(const char *path);
struct file*    nfsopen(char *path, int omode);
int             nfsread(struct file*, uint addr, int n);
int             nfswrite(struct file*, uint addr, int n);
int             nfsstat(struct file*, struct stat*);
int             nfsseek(struct file*, int off);
void            nfsclose(struct file*);
int             nfsmkdir(char *path);
int             nfsunlink(char *path);
// LAB 5: END

// fs.c
void            readsb(int dev, struct superblock *sb);
int             dirlink(struct inode*, char*, uint);
struct inode*   dirlookup(struct inode*, char*, uint*);
struct inode*   ialloc(uint, short);
struct inode*   idup(struct inode*);
void            iinit(int dev);
void            ilock(struct inode*);
void            iput(struct inode*);
void            itrunc(struct inode*);
void            iunlock(struct inode*);
void            iunlockput(struct inode*);
void            iupdate(struct inode*);
int             namecmp(const char*, const char*);
struct inode*   namei(char*);
struct inode*   nameiparent(char*, char*);
int             readi(struct inode*, int user_dst, uint dst, uint off, uint n);
void            stati(struct inode*, struct stat*);
int             writei(struct inode*, int user_src, uint src, uint off, uint n);

// ide.c
int             ideinit(void);
void            ideintr(void);
void            iderw(struct buf*);

// ioapic.c
void            ioapicenable(int irq, int cpu);
int             ioapicenable_pci(int irq, int cpu);
extern uchar    ioapicid;
void            ioapicinit(void);

// kalloc.c
char*           kalloc(void);
void            kfree(char*);
void            kinit(void);
uint            kfreepages(void);

// kbd.c
void            kbdintr(void);

// lapic.c
int             lapicid(void);
extern volatile uint*    lapic;
void            lapiceoi(void);
void            lapicinit(void);
void            lapicstartap(uchar, uint);
void            microdelay(int);
void            timerinit(void);
uint            millis(void);

// log.c
void            initlog(int dev);
void            log_write(struct buf*);
void            begin_op(void);
void            end_op(void);

// main.c
void            mpenter(void) __attribute__((noreturn));

// mp.c
int             mpinit(void);

// multiboot.c
struct memrange { uint start, end; };   // physical [start, end)
void            multiboot_init(uint magic, uint mbinfo_pa);
int             boot_memranges(struct memrange*, int max);
int             boot_module(int i, uint *start, uint *end);
int             booted_by_multiboot(void);

// pci.c
void            pci_init(void);
// LAB 2: BEGIN
struct pci_func;
uint            pci_conf_read(struct pci_func*, int off);
void            pci_conf_write(struct pci_func*, int off, uint v);
// LAB 2: END

// picirq.c
void            picinit(void);

// pipe.c
int             pipealloc(struct file**, struct file**);
void            pipeclose(struct pipe*, int);
int             piperead(struct pipe*, uint addr, int n);
int             pipewrite(struct pipe*, uint addr, int n);
// LAB 4: BEGIN
int             pipepoll(struct pipe*, int writable);

// select.c
void            pollinit(void);
void            pollwakeup(void);
// LAB 4: END

// printfmt.c
int             vformat(void (*put)(int, void*), void*, char*, __builtin_va_list);
int             snprintf(char *buf, int n, char *fmt, ...);

// proc.c
int             cpuid(void);
void            exit(int) __attribute__((noreturn));
int             fork(void);
int             growproc(int);
int             kill(int);
struct cpu*     mycpu(void);
struct proc*    myproc(void);
void            pinit(void);
void            procdump(void);
void            scheduler(void) __attribute__((noreturn));
void            sched(void);
void            sleep(void*, struct spinlock*);
int             sleep_until(void *chan, struct spinlock *lk, uint deadline_ms);
void            wakeup_deadlines(void);
void            userinit(void);
int             wait(uint addr);
void            wakeup(void*);
void            yield(void);
int             killed(struct proc*);
int             kthread_create(char *name, void (*fn)(void*), void *arg);
int             either_copyout(int user_dst, uint dst, void *src, uint len);
int             either_copyin(void *dst, int user_src, uint src, uint len);

// ramdisk.c
int             ramdiskinit(void);
void            ramdiskrw(struct buf*);

// smp.c
void            startothers(void);

// swtch.S
void            swtch(struct context**, struct context*);

// spinlock.c
void            acquire(struct spinlock*);
void            getcallerpcs(void*, uint*);
int             holding(struct spinlock*);
void            initlock(struct spinlock*, char*);
void            release(struct spinlock*);
void            pushcli(void);
void            popcli(void);

// sleeplock.c
void            acquiresleep(struct sleeplock*);
void            releasesleep(struct sleeplock*);
int             holdingsleep(struct sleeplock*);
void            initsleeplock(struct sleeplock*, char*);

// string.c
int             memcmp(const void*, const void*, uint);
void*           memmove(void*, const void*, uint);
void*           memcpy(void*, const void*, uint);
void*           memset(void*, int, uint);
char*           safestrcpy(char*, const char*, int);
int             strlen(const char*);
int             strncmp(const char*, const char*, uint);
char*           strchr(const char*, int);
int             atoi(const char*);
char*           strncpy(char*, const char*, int);

// syscall.c
int             argint(int, int*);
int             argptr(int, char**, int);
int             argstr(int, char**);
int             argaddr(int, uint*);
int             fetchint(uint, int*);
int             fetchstr(uint, char**);
void            syscall(void);

// sysfile.c
struct file*    argfile(int n, int *fdp);
int             fdinstall(struct file*);

// trap.c
void            idtinit(void);
extern uint     ticks;
void            tvinit(void);
extern struct spinlock tickslock;
void            irq_register(int irq, void (*handler)(void));

// uart.c
void            uartinit(void);
void            uart_irqinit(void);
void            uartintr(void);
void            uartputc(int);

// LAB 2: BEGIN
// virtio_net.c
int             virtio_net_attach(struct pci_func*);
// LAB 2: END

// vga.c
void            vgainit(void);
void            vgaputc(int);

// vm.c
extern pde_t    kpgdir[];       // the kernel's page directory (4 MiB pages only)
void            seginit(void);
void            kvmalloc(void);
pde_t*          setupkvm(void);
char*           uva2ka(pde_t*, char*);
int             allocuvm(pde_t*, uint, uint);
int             deallocuvm(pde_t*, uint, uint);
void            freevm(pde_t*);
void            inituvm(pde_t*, char*, uint);
int             loaduvm(pde_t*, char*, struct inode*, uint, uint);
pde_t*          copyuvm(pde_t*, uint);
void            switchuvm(struct proc*);
void            switchkvm(void);
int             copyout(pde_t*, uint, void*, uint);
void            clearpteu(pde_t *pgdir, char *uva);
int             uaccess_ok(struct proc*, uint addr, uint n);

// How many elements a true array (not a pointer) holds.
#define NELEM(x) (sizeof(x)/sizeof((x)[0]))
