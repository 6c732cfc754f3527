// The parts of the Multiboot (version 1) specification the kernel uses:
// the header GRUB looks for in the first 8 KiB of the image, and the
// information structure GRUB hands over in %ebx (with MB_BOOT_MAGIC in %eax).
// The specification (0.6.96) defines them in 3.1 OS image format,
// 3.2 Machine state and 3.3 Boot information format.

#define MB_HEADER_MAGIC   0x1BADB002
#define MB_BOOT_MAGIC     0x2BADB002

// Header flags: what we ask of the boot loader.
#define MB_PAGE_ALIGN     0x00000001  // load modules on page boundaries
#define MB_MEMORY_INFO    0x00000002  // give us mem_* and the memory map

// Info flags: which fields of struct mb_info are valid.
#define MBI_MEMORY        0x00000001
#define MBI_CMDLINE       0x00000004
#define MBI_MODS          0x00000008
#define MBI_MMAP          0x00000040

#ifndef __ASSEMBLER__
struct mb_info {
  uint flags;
  uint mem_lower;       // KiB below 1 MiB
  uint mem_upper;       // KiB above 1 MiB
  uint boot_device;
  uint cmdline;         // physical address of a NUL-terminated string
  uint mods_count;
  uint mods_addr;       // physical address of struct mb_module[mods_count]
  uint syms[4];
  uint mmap_length;
  uint mmap_addr;       // physical address of the first struct mb_mmap_entry
  // (drives, config table, boot loader name, APM, VBE follow; unused)
};

struct mb_module {
  uint mod_start;       // physical address of first byte
  uint mod_end;         // physical address one past the last byte
  uint string;          // physical address of the module's command line
  uint reserved;
};

// Entries are variable-sized: the next one starts size+4 bytes further on.
struct mb_mmap_entry {
  uint size;
  uint64 addr;
  uint64 len;
  uint type;            // MB_MEMORY_AVAILABLE is usable RAM
} __attribute__((packed));

#define MB_MEMORY_AVAILABLE 1
#endif
