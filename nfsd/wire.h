// The protocol of handouts/nfs-protocol.md as C: its constants, one
// decoded request, and the decoder and reply encoder (wire.c). Nothing
// here touches a file or a socket, so the unit tests and the fuzzer drive
// it directly.
#ifndef NFSD_WIRE_H
#define NFSD_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define NFS_VERSION     1
#define NFS_HDR         8
#define NFS_MSIZE_MIN   2048
#define NFS_MSIZE_MAX   65536
#define NFS_IOUNIT(m)   ((m) - 32)
#define NFS_NAME_MAX    255
#define NFS_PATH_MAX    1024
#define NFS_HANDLE_MAX  32
#define NFS_RERROR      0xFF
#define NFS_STAT_SIZE   20
#define NFS_PERM_MASK   0755    // CREATE, MKDIR: never writable by others

enum nfs_type {
	T_HELLO = 0x01, T_LOOKUP, T_OPEN, T_CREATE, T_READ, T_WRITE, T_STAT,
	T_READDIR, T_MKDIR, T_UNLINK, T_RMDIR, T_CLUNK,
	T_LAST = T_CLUNK,
};

enum nfs_err {
	NFS_OK, ERR_BADMSG, ERR_PROTO, ERR_VERSION, ERR_NOENT, ERR_EXIST,
	ERR_NOTDIR, ERR_ISDIR, ERR_NOTEMPTY, ERR_BADHANDLE, ERR_TOOMANY,
	ERR_BADPATH, ERR_NAMELEN, ERR_ACCESS, ERR_NOSPACE, ERR_INVAL,
	ERR_NOTOPEN, ERR_IO,
};

#define MODE_READ   0
#define MODE_WRITE  1
#define MODE_RDWR   2
#define MODE_TRUNC  0x10

// A decoded request. Strings and WRITE's data point into the message
// buffer (not NUL-terminated); they live as long as it does.
struct nfs_req {
	uint8_t type;
	uint16_t tag;
	uint32_t handle;        // handle, or dir for CREATE, READDIR, MKDIR...
	uint32_t version, msize;
	uint64_t offset;        // READ, WRITE offset; READDIR cookie
	uint32_t count;
	uint8_t mode;
	uint16_t perm;
	const uint8_t *str;     // LOOKUP path or a name
	uint16_t len;
	const uint8_t *data;    // WRITE
};

// The header's size field; 0 if the frame is out of bounds for msize
// (the connection must then be closed).
uint32_t wire_frame_size(const uint8_t hdr[4], uint32_t msize);

// Decodes one whole message of n bytes (n == its size field). Returns
// NFS_OK, ERR_BADMSG or ERR_NAMELEN; the type and tag are set whenever
// n >= NFS_HDR, so that even a refused request can be answered.
int wire_decode(const uint8_t *msg, size_t n, struct nfs_req *r);

// Reply building into a buffer of cap bytes. wire_reply_begin writes the
// header and the OK status; the put functions append (the caller keeps
// within cap); wire_reply_end fills in the size and returns it.
struct wire_out {
	uint8_t *buf;
	size_t len, cap;
};
void wire_reply_begin(struct wire_out *o, uint8_t type, uint16_t tag);
void wire_put8(struct wire_out *o, uint8_t v);
void wire_put16(struct wire_out *o, uint16_t v);
void wire_put32(struct wire_out *o, uint32_t v);
void wire_put64(struct wire_out *o, uint64_t v);
void wire_putbytes(struct wire_out *o, const void *p, size_t n);
size_t wire_reply_end(struct wire_out *o);
// The 12-byte error reply to a request of the given type.
size_t wire_error(struct wire_out *o, uint8_t type, uint16_t tag, int err);

uint16_t wire_get16(const uint8_t *p);
uint32_t wire_get32(const uint8_t *p);
uint64_t wire_get64(const uint8_t *p);

#endif
