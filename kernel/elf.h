// The subset of the ELF (Executable and Linkable Format) used by the boot
// sector and by exec(): a 32-bit executable's file header and its program
// headers. Both loaders only look at PT_LOAD segments: each says "copy
// filesz bytes from file offset off to address (p)vaddr and zero the rest
// of memsz". Section headers, symbols and relocations are never needed.

#define ELF_MAGIC 0x464C457FU   // "\x7FELF" read as a little-endian uint

// File header, at offset 0 of the file.
struct elfhdr {
  uint magic;       // must equal ELF_MAGIC
  uchar elf[12];    // class, data encoding, version, OS ABI, padding
  ushort type;      // 2 = executable
  ushort machine;   // 3 = i386
  uint version;
  uint entry;       // address of the first instruction to run
  uint phoff;       // file offset of the program header table
  uint shoff;       // file offset of the section header table (unused)
  uint flags;
  ushort ehsize;    // size of this header
  ushort phentsize; // size of one program header
  ushort phnum;     // number of program headers
  ushort shentsize;
  ushort shnum;
  ushort shstrndx;
};

// Program header: describes one segment of the memory image.
struct proghdr {
  uint type;        // ELF_PROG_LOAD for segments to load
  uint off;         // file offset of the segment's first byte
  uint vaddr;       // virtual address the segment is linked for
  uint paddr;       // physical load address (used by the boot sector)
  uint filesz;      // bytes present in the file
  uint memsz;       // bytes in memory; the excess over filesz is zeroed
  uint flags;       // ELF_PROG_FLAG_*
  uint align;
};

// Values for proghdr.type
#define ELF_PROG_LOAD           1

// Flag bits for proghdr.flags
#define ELF_PROG_FLAG_EXEC      1
#define ELF_PROG_FLAG_WRITE     2
#define ELF_PROG_FLAG_READ      4
