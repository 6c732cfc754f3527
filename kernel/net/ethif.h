// The netif glue (ethif.c), as netinit.c sees it. lwIP's types stay in
// kernel/net/: the rest of the kernel knows only ethif_deliver (net.h).

struct netif;

err_t           ethif_init(struct netif *netif);
void            ethif_start(struct netif *netif);
