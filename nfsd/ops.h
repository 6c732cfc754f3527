// One connection's protocol state and its operations (ops.c): what a
// request does to the export, independent of sockets, so that the event
// loop (main.c) and the fuzzer (fuzz/fuzz_nfsd.c) share it.
#ifndef NFSD_OPS_H
#define NFSD_OPS_H

#include <stddef.h>
#include <stdint.h>

#include "wire.h"

struct handle {
	int used;
	int fd;                 // -1 until OPEN or CREATE
	uint8_t mode;           // MODE_READ, MODE_WRITE or MODE_RDWR once open
	char path[NFS_PATH_MAX + 1];    // relative to the root, "" is the root
};

struct session {
	int root;               // descriptor of the export directory
	int hello;              // the handshake has succeeded
	uint32_t msize;
	struct handle h[NFS_HANDLE_MAX];
};

void session_init(struct session *s, int root);
// Closes every handle; the session is as new.
void session_reset(struct session *s);
// The largest message the peer may send now (the framing limit).
uint32_t session_limit(const struct session *s);
// Carries out the whole message msg of n bytes (its size field already
// checked by wire_frame_size) and writes the reply into out, which holds
// NFS_MSIZE_MAX bytes. Returns the reply's length.
size_t session_request(struct session *s, const uint8_t *msg, size_t n, uint8_t *out);

#endif
