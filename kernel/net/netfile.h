// The stack's device files (netfile.c), as netinit.c sees them.

struct netif;

void            netfile_init(struct netif *netif);
