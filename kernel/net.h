// The network-device seam: what a NIC driver and the users of its frames
// share (netdev.c has the contract; ether.c and, from lab 3, the TCP/IP
// stack are the users).

#define ETH_ADDR_LEN  6
#define ETH_FRAME_MIN 14                  // a bare Ethernet header
#define ETH_FRAME_MAX 1514                // header + 1500-byte payload, no FCS

// What ifconfig shows about a NIC.
struct netdev_info {
  uchar mac[ETH_ADDR_LEN];
  int link;                               // 1: link up
  int irq;                                // IRQ line, or -1 when polling
  uint rx, tx;                            // frames received, sent
  uint rxbad;                             // malformed frames dropped
};

// A NIC as its driver registers it.
struct netdev {
  char *name;                             // the driver's, for messages
  uchar mac[ETH_ADDR_LEN];
  // Send one frame of ETH_FRAME_MIN..ETH_FRAME_MAX bytes; returns len or
  // -1. May sleep (for a free TX slot): thread context only.
  int (*transmit)(const void *frame, int len);
  int (*info)(struct netdev_info *ni);    // 0, or -1 if the NIC is gone
};

// netdev.c
void            netdev_register(struct netdev *dev);
int             netdev_present(void);
int             netdev_transmit(const void *frame, int len);
int             netdev_info(struct netdev_info *ni);
void            netdev_input(const uchar *frame, int len);

// ether.c: the raw-frame device files, one user of the seam
// (ether_dump, for the console's ^P, is in defs.h)
void            ether_init(void);
void            ether_deliver(const uchar *frame, int len);
// LAB 3: BEGIN

// net/: the TCP/IP stack (lwIP), the other user of the seam; its types
// stay in net/
void            net_init(void);
void            ethif_deliver(const uchar *frame, int len);

// netloss.c: seeded frame loss on the command line (netloss=P netseed=S)
#define NETLOSS_RX 0
#define NETLOSS_TX 1
void            netloss_init(void);
int             netloss_drop(int dir);
uint            netloss_count(int dir);
// LAB 3: END
// LAB 4: BEGIN

// net/socket.c: sockets, the FD_SOCK files (socket.h is the user's view).
// Addresses are 4 bytes in network order, ports in host order; the
// buffer addresses of send and recv are user addresses the caller has
// checked, or kernel addresses (mapped in every address space).
struct sock;
void            sockinit(void);
int             sockcount(void);
struct file*    sockalloc(int type);
int             sockbind(struct sock*, uchar *addr, ushort port);
int             socklisten(struct sock*);
int             sockconnect(struct sock*, uchar *addr, ushort port);
struct file*    sockaccept(struct sock*, int nonblock, uchar *addr,
                           ushort *port);
int             socksend(struct sock*, uint addr, int n, int flags,
                         uchar *to, ushort port);
int             sockrecv(struct sock*, uint addr, int n, int flags,
                         uchar *from, ushort *port);
int             sockpoll(struct sock*);
void            sockclose(struct sock*);
// LAB 4: END
// LAB 5: BEGIN
// For kernel clients of sockets: wait for POLLIN or POLLOUT, at most ms,
// and (net/netinit.c) for the NIC to have an address, at most ms.
int             sockwait(struct sock*, int what, uint ms);
int             net_wait_addr(uint ms);
// LAB 5: END
