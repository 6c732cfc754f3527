// The netif glue (ethif.c), as netinit.c and netfile.c see it. lwIP's
// types stay in kernel/net/: the rest of the kernel knows only
// ethif_deliver (net.h).

struct netif;

// Frames refused on the way in, by cause (ethif.c's file comment).
struct ethif_drops {
  uint full;                      // the ring was full
  uint nopbuf;                    // lwIP's pbuf pool was empty
  uint nomsg;                     // tcpip_input refused the frame
};

err_t           ethif_init(struct netif *netif);
void            ethif_start(struct netif *netif);
void            ethif_drops(struct ethif_drops *d);
