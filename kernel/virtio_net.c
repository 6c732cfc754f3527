// virtio-net driver (being written; see lab 2).
#include "types.h"
#include "defs.h"
#include "pci.h"

int
virtio_net_attach(struct pci_func *f)
{
  cprintf("virtio_net: driver not written yet\n");
  return -1;
}

int
virtio_net_transmit(const void *frame, int len)
{
  return -1;
}

int
virtio_net_info(struct nicinfo *ni)
{
  return -1;
}
