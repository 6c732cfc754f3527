// System call numbers: the ABI between user programs (user/usys.S puts the
// number in %eax before `int $T_SYSCALL`) and the kernel (syscall.c's
// table). Grouped by subsystem; later labs append to their own group.

// Processes and time (sysproc.c)
#define SYS_fork     1
#define SYS_exit     2
#define SYS_wait     3
#define SYS_kill     4
#define SYS_getpid   5
#define SYS_sbrk     6
#define SYS_sleep    7
#define SYS_uptime   8
#define SYS_exec     9

// Files, directories, pipes (sysfile.c)
#define SYS_open    10
#define SYS_close   11
#define SYS_read    12
#define SYS_write   13
#define SYS_dup     14
#define SYS_pipe    15
#define SYS_fstat   16
#define SYS_mknod   17
#define SYS_mkdir   18
#define SYS_chdir   19
#define SYS_link    20
#define SYS_unlink  21
// LAB 4: BEGIN

// Seeking and waiting on several files (sysfile.c, select.c)
#define SYS_seek    22
#define SYS_select  23

// Sockets (sysnet.c); socket.h describes them
#define SYS_socket   24
#define SYS_bind     25
#define SYS_listen   26
#define SYS_connect  27
#define SYS_accept   28
#define SYS_send     29
#define SYS_recv     30
#define SYS_sendto   31
#define SYS_recvfrom 32
// LAB 4: END
