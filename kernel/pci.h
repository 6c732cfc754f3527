// PCI configuration space, as reached through the legacy I/O ports
// 0xCF8 (address) and 0xCFC (data), and the kernel's record of one
// PCI function found at boot (struct pci_func).

#define PCI_CONFIG_ADDR   0xCF8
#define PCI_CONFIG_DATA   0xCFC

// Offsets in the configuration header (type 0: an ordinary device).
#define PCI_VENDOR_ID       0x00    // 16 bits; 0xFFFF: no function here
#define PCI_DEVICE_ID       0x02    // 16 bits
#define PCI_COMMAND         0x04    // 16 bits
#define PCI_STATUS          0x06    // 16 bits
#define PCI_CLASS_REVISION  0x08    // class, subclass, prog-if, revision
#define PCI_HEADER_TYPE     0x0E    // 8 bits; bit 7: multi-function device
#define PCI_BAR0            0x10    // six 32-bit base address registers
#define PCI_INTERRUPT_LINE  0x3C    // 8 bits, written by the firmware
#define PCI_INTERRUPT_PIN   0x3D    // 8 bits; 0 none, 1..4 INTA#..INTD#

// Bits of the command register.
#define PCI_COMMAND_IO      0x0001  // respond to I/O-space BARs
#define PCI_COMMAND_MEMORY  0x0002  // respond to memory-space BARs
#define PCI_COMMAND_MASTER  0x0004  // may start DMA (bus mastering)
#define PCI_COMMAND_INTX_DISABLE 0x0400

// Bits of a base address register.
#define PCI_BAR_IO          0x1     // I/O space (else memory space)
#define PCI_BAR_MEM_TYPE    0x6     // memory BAR width
#define PCI_BAR_MEM_64      0x4     //   64-bit: this BAR and the next one

#define PCI_NBAR            6
#define PCI_IRQ_NONE        0xFF    // interrupt line the firmware did not route

// One function of one device on one bus, with its BARs decoded.
struct pci_func {
  uchar bus, dev, func;
  ushort vendor, device;
  uchar class, subclass, progif;
  uchar htype;                  // header type without the multi-function bit
  uint bar[PCI_NBAR];           // base: I/O port or physical address; 0 unused
  uint barsize[PCI_NBAR];       // bytes decoded; 0 when the BAR is absent
  uchar bario[PCI_NBAR];        // 1 if the BAR is in I/O space
  uchar irqline;                // legacy IRQ the firmware routed INTx to
  uchar irqpin;                 // 0: the function raises no interrupt
};
