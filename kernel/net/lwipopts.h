// lwipopts.h: how this kernel configures lwIP 2.1.3 (every option not
// named here keeps lwIP's default from lwip/opt.h).
//
// Sized for the socket and NFS labs that follow and for throughput on
// QEMU, within a kernel that must still boot in 64 MiB and whose whole
// image (with lwIP's static memory) must lie in the 8 MiB that entry.S
// maps: all of lwIP's memory is the static pools below plus one fixed
// heap of MEM_SIZE bytes, about 1.6 MiB in all, with the netif's own
// receive queue (ethif.c) another 0.4 MiB.
//
// A 256-frame burst (a full virtio RX ring) fits at every stage: the
// netif's queue holds 256 frames, and the thread that drains it finds
// PBUF_POOL_SIZE pool buffers and MEMP_NUM_TCPIP_MSG_INPKT input
// messages for them, and room in the tcpip thread's mailbox. Past that,
// frames are dropped and counted (ethif.c), never a panic or a stall.
//
// Received TCP data stays in its pool buffer until the application reads
// it, so the pool is sized for the worst the test services allow: each of
// their 12 workers (services.c) with a full receive window unread
// (TCP_WND, 32 frames), and a full RX burst on top, 12*32 + 256 = 640.
// The window itself is twice the 16 segments that would do on a wire:
// through QEMU's user-mode network the round trip is long (the guest's
// ACK, then slirp's turn in QEMU's main loop), and a 16-segment window
// left the guest idle waiting for data (bench: tools/bench/tcp_throughput.py).

#ifndef BVLAB_LWIPOPTS_H
#define BVLAB_LWIPOPTS_H

// ---- The operating system: threads, tcpip thread, core lock
#define NO_SYS                      0
#define SYS_LIGHTWEIGHT_PROT        1
#define LWIP_TCPIP_CORE_LOCKING     1    // API calls take the core lock
#define LWIP_TCPIP_CORE_LOCKING_INPUT 0  // tcpip_input posts (trypost)
#define TCPIP_THREAD_NAME           "tcpip"
#define TCPIP_MBOX_SIZE             512  // >= INPKT messages + API calls
#define DEFAULT_TCP_RECVMBOX_SIZE   64
#define DEFAULT_UDP_RECVMBOX_SIZE   64
#define DEFAULT_RAW_RECVMBOX_SIZE   16
#define DEFAULT_ACCEPTMBOX_SIZE     32

// A call into lwIP's core from the wrong thread panics (sys_arch.c).
void sys_arch_check_core_locked(const char *where);
#define LWIP_ASSERT_CORE_LOCKED()   sys_arch_check_core_locked(__func__)

// ---- Memory: static pools and one heap
#define MEM_ALIGNMENT               4
#define MEM_LIBC_MALLOC             0
#define MEMP_MEM_MALLOC             0
#define MEM_SIZE                    (512*1024)  // TCP send data, PBUF_RAM
#define PBUF_POOL_SIZE              640         // received frames (above)
#define MEMP_NUM_PBUF               64          // PBUF_REF/ROM headers
#define MEMP_NUM_TCPIP_MSG_INPKT    320
#define MEMP_NUM_TCPIP_MSG_API      64
#define MEMP_NUM_NETBUF             64
#define MEMP_NUM_NETCONN            64    // services (17) + lab 4 sockets (NSOCK)
#define MEMP_NUM_TCP_PCB            64
#define MEMP_NUM_TCP_PCB_LISTEN     16
#define MEMP_NUM_UDP_PCB            16
#define MEMP_NUM_RAW_PCB            4
#define MEMP_NUM_TCP_SEG            256         // >= TCP_SND_QUEUELEN
#define MEMP_NUM_ARP_QUEUE          32
#define MEMP_NUM_SYS_TIMEOUT        (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 8)

// ---- Protocols
#define LWIP_IPV4                   1
#define LWIP_IPV6                   0
#define LWIP_ARP                    1
#define LWIP_ETHERNET               1
#define LWIP_ICMP                   1
#define LWIP_RAW                    1
#define LWIP_UDP                    1
#define LWIP_TCP                    1
#define LWIP_DHCP                   1
#define LWIP_AUTOIP                 0
#define LWIP_IGMP                   0
#define LWIP_DNS                    0    // tests and labs use addresses
#define IP_REASSEMBLY               1
#define IP_FRAG                     1

// ---- TCP: full-size segments and windows that keep QEMU's link busy
#define TCP_MSS                     1460
#define TCP_WND                     (32 * TCP_MSS)     // 46720 (above)
#define TCP_SND_BUF                 (44 * TCP_MSS)     // 64240 (< 64 KiB)
#define TCP_SND_QUEUELEN            (4 * TCP_SND_BUF / TCP_MSS)   // 176
#define TCP_QUEUE_OOSEQ             1
#define LWIP_TCP_KEEPALIVE          1
#define SO_REUSE                    1    // rebinding a port within TCP_MSL

// ---- APIs: netconn and lwIP's sockets, none of its POSIX names
#define LWIP_NETCONN                1
#define LWIP_SOCKET                 1
#define LWIP_COMPAT_SOCKETS         0
#define LWIP_POSIX_SOCKETS_IO_NAMES 0
#define LWIP_SO_RCVTIMEO            1
#define LWIP_SO_SNDTIMEO            1
#define LWIP_NETIF_API              1

// ---- The netif
#define LWIP_NETIF_STATUS_CALLBACK  1    // netinit.c prints the address
#define LWIP_NETIF_LINK_CALLBACK    0
#define LWIP_SINGLE_NETIF           0
#define ETH_PAD_SIZE                0
#define LWIP_NETIF_TX_SINGLE_PBUF   0    // ethif.c linearises a chain

// ---- Diagnostics: assertions on (LWIP_NOASSERT is not defined),
// counters on, debug output off unless a developer turns a flag on.
#define LWIP_STATS                  1
#define LWIP_STATS_DISPLAY          1
#define LINK_STATS                  1
#define ETHARP_STATS                1

#endif
