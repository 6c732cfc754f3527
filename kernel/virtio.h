// Virtio over PCI, legacy (0.9.5) interface: the register block in I/O
// BAR0, the layout of a virtqueue in memory, and virtio-net's packet
// header. Names follow the virtio specification ("Legacy Interfaces").
// Where to read about them: virtio 0.9.5, 2.2.2 Virtio Header, 2.3
// Virtqueue Configuration and Appendix C (Network Device); or virtio 1.0,
// 4.1.4.8 Legacy Interfaces: A Note on PCI Device Layout, 2.4.2 Legacy
// Interfaces: A Note on Virtqueue Layout and 5.1.6.1 Legacy Interface:
// Device Operation.
//
// A virtqueue of N entries is three arrays in guest memory, shared with
// the device: the descriptor table and the available ring, which the
// driver writes, and the used ring, which the device writes. The legacy
// interface wants all three in one physically contiguous block, laid out
// by rules of its own (the sections above), whose page frame number the
// driver writes to QUEUE_PFN. virtio_net.c sets aside VIRTQ_PAGES pages a
// queue: work out from the rules why that is enough for 256 entries.

// Registers, as offsets from the I/O BAR. Widths in bits.
#define VIRTIO_PCI_HOST_FEATURES  0x00  // 32 R: features the device offers
#define VIRTIO_PCI_GUEST_FEATURES 0x04  // 32 RW: features the driver accepts
#define VIRTIO_PCI_QUEUE_PFN      0x08  // 32 RW: ring address / 4096, 0 = off
#define VIRTIO_PCI_QUEUE_NUM      0x0C  // 16 R: size of the selected queue
#define VIRTIO_PCI_QUEUE_SEL      0x0E  // 16 RW: queue the above refer to
#define VIRTIO_PCI_QUEUE_NOTIFY   0x10  // 16 W: "queue n has new buffers"
#define VIRTIO_PCI_STATUS         0x12  // 8 RW: device status, 0 = reset
#define VIRTIO_PCI_ISR            0x13  // 8 R: interrupt cause; reading acks
#define VIRTIO_PCI_CONFIG         0x14  // device-specific (no MSI-X enabled)

// Device status bits, set one after another during initialisation.
#define VIRTIO_CONFIG_S_ACKNOWLEDGE 1   // the guest noticed the device
#define VIRTIO_CONFIG_S_DRIVER      2   // and has a driver for it
#define VIRTIO_CONFIG_S_DRIVER_OK   4   // the driver is ready: go
#define VIRTIO_CONFIG_S_FAILED      128 // the driver gave up

// ISR bits.
#define VIRTIO_PCI_ISR_QUEUE      0x1   // a used ring has new entries
#define VIRTIO_PCI_ISR_CONFIG     0x2   // the configuration changed

// Legacy rings are aligned to this, and QUEUE_PFN counts in its units.
#define VIRTIO_PCI_VRING_ALIGN    4096
#define VIRTIO_PCI_QUEUE_ADDR_SHIFT 12

// Descriptor flags.
#define VIRTQ_DESC_F_NEXT         1     // chain continues in .next
#define VIRTQ_DESC_F_WRITE        2     // device writes (else reads) the buffer

// Available ring flag: please do not interrupt when you use a buffer.
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

// One buffer (or one part of a chain) the device may use.
struct virtq_desc {
  uint64 addr;                  // guest-physical address
  uint32 len;
  uint16 flags;
  uint16 next;                  // next descriptor if flags has NEXT
};

// Driver -> device: heads of descriptor chains ready for the device.
struct virtq_avail {
  uint16 flags;
  uint16 idx;                   // where the driver puts the next entry (mod N)
  uint16 ring[];                // N entries, then a used_event word we ignore
};

// Device -> driver: chains the device has finished with.
struct virtq_used_elem {
  uint32 id;                    // head descriptor of the finished chain
  uint32 len;                   // bytes the device wrote into the chain
};

struct virtq_used {
  uint16 flags;
  uint16 idx;                   // where the device puts the next entry (mod N)
  struct virtq_used_elem ring[];  // N entries, then avail_event (ignored)
};

// virtio-net.
#define VIRTIO_NET_F_MAC          5     // config space holds the MAC address
#define VIRTIO_NET_CONFIG_MAC     VIRTIO_PCI_CONFIG   // 6 bytes

#define VIRTIO_NET_RXQ            0     // receive queue
#define VIRTIO_NET_TXQ            1     // transmit queue (2, control, unused)

// Header in front of every frame, both directions. Without MRG_RXBUF it is
// 10 bytes (no num_buffers field); we offer no offloads, so it is all zero
// on transmit and ignored on receive.
struct virtio_net_hdr {
  uint8 flags;
  uint8 gso_type;
  uint16 hdr_len;
  uint16 gso_size;
  uint16 csum_start;
  uint16 csum_offset;
};
