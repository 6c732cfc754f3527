// Decoding requests and encoding replies (handouts/nfs-protocol.md,
// sections 1, 3 and 4). The decoder reads through a cursor that never
// passes the end of the message: every field is taken only after the
// bytes for it are known to be there, and a string's length is checked
// against NAME_MAX or PATH_MAX before anyone looks at its bytes. A body
// must be consumed exactly; trailing bytes make the request malformed,
// so that one message has one meaning.
#include <string.h>

#include "wire.h"

uint16_t
wire_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

uint32_t
wire_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

uint64_t
wire_get64(const uint8_t *p)
{
	return (uint64_t)wire_get32(p) | (uint64_t)wire_get32(p + 4) << 32;
}

uint32_t
wire_frame_size(const uint8_t hdr[4], uint32_t msize)
{
	uint32_t size = wire_get32(hdr);

	if (size < NFS_HDR || size > msize)
		return 0;
	return size;
}

struct cursor {
	const uint8_t *p;
	size_t left;
	int bad;
};

static const uint8_t *
take(struct cursor *c, size_t n)
{
	const uint8_t *p = c->p;

	if (c->bad || c->left < n) {
		c->bad = ERR_BADMSG;
		return NULL;
	}
	c->p += n;
	c->left -= n;
	return p;
}

static uint8_t
get8(struct cursor *c)
{
	const uint8_t *p = take(c, 1);
	return p ? p[0] : 0;
}

static uint16_t
get16(struct cursor *c)
{
	const uint8_t *p = take(c, 2);
	return p ? wire_get16(p) : 0;
}

static uint32_t
get32(struct cursor *c)
{
	const uint8_t *p = take(c, 4);
	return p ? wire_get32(p) : 0;
}

static uint64_t
get64(struct cursor *c)
{
	const uint8_t *p = take(c, 8);
	return p ? wire_get64(p) : 0;
}

// A string of at most max bytes. Too long is ERR_NAMELEN, decided from
// the length field alone; a length past the body is ERR_BADMSG.
static void
getstr(struct cursor *c, struct nfs_req *r, size_t max)
{
	r->len = get16(c);
	if (c->bad)
		return;
	if (r->len > max) {
		c->bad = ERR_NAMELEN;
		return;
	}
	r->str = take(c, r->len);
}

int
wire_decode(const uint8_t *msg, size_t n, struct nfs_req *r)
{
	struct cursor c = { msg, n, 0 };

	memset(r, 0, sizeof *r);
	if (n < NFS_HDR || wire_get32(msg) != n)
		return ERR_BADMSG;
	take(&c, 4);
	r->type = get8(&c);
	uint8_t reserved = get8(&c);
	r->tag = get16(&c);
	if (reserved != 0 || r->type < T_HELLO || r->type > T_LAST)
		return ERR_BADMSG;

	switch (r->type) {
	case T_HELLO:
		r->version = get32(&c);
		r->msize = get32(&c);
		break;
	case T_LOOKUP:
		getstr(&c, r, NFS_PATH_MAX);
		break;
	case T_OPEN:
		r->handle = get32(&c);
		r->mode = get8(&c);
		break;
	case T_CREATE:
		r->handle = get32(&c);
		r->mode = get8(&c);
		r->perm = get16(&c);
		getstr(&c, r, NFS_NAME_MAX);
		break;
	case T_READ:
		r->handle = get32(&c);
		r->offset = get64(&c);
		r->count = get32(&c);
		break;
	case T_WRITE:
		r->handle = get32(&c);
		r->offset = get64(&c);
		r->count = get32(&c);
		r->data = take(&c, r->count);
		break;
	case T_READDIR:
		r->handle = get32(&c);
		r->offset = get64(&c);
		break;
	case T_MKDIR:
		r->handle = get32(&c);
		r->perm = get16(&c);
		getstr(&c, r, NFS_NAME_MAX);
		break;
	case T_UNLINK:
	case T_RMDIR:
		r->handle = get32(&c);
		getstr(&c, r, NFS_NAME_MAX);
		break;
	case T_STAT:
	case T_CLUNK:
		r->handle = get32(&c);
		break;
	}
	if (c.bad)
		return c.bad;
	return c.left == 0 ? NFS_OK : ERR_BADMSG;
}

void
wire_putbytes(struct wire_out *o, const void *p, size_t n)
{
	if (o->len + n > o->cap)        // a caller's bug; never overflow
		n = o->cap - o->len;
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

void
wire_put8(struct wire_out *o, uint8_t v)
{
	wire_putbytes(o, &v, 1);
}

void
wire_put16(struct wire_out *o, uint16_t v)
{
	uint8_t b[2] = { v & 0xff, v >> 8 };
	wire_putbytes(o, b, 2);
}

void
wire_put32(struct wire_out *o, uint32_t v)
{
	uint8_t b[4] = { v & 0xff, v >> 8 & 0xff, v >> 16 & 0xff, v >> 24 };
	wire_putbytes(o, b, 4);
}

void
wire_put64(struct wire_out *o, uint64_t v)
{
	wire_put32(o, (uint32_t)v);
	wire_put32(o, (uint32_t)(v >> 32));
}

void
wire_reply_begin(struct wire_out *o, uint8_t type, uint16_t tag)
{
	o->len = 0;
	wire_put32(o, 0);               // size, filled in by wire_reply_end
	wire_put8(o, type);
	wire_put8(o, 0);
	wire_put16(o, tag);
	wire_put32(o, NFS_OK);
}

size_t
wire_reply_end(struct wire_out *o)
{
	uint32_t n = (uint32_t)o->len;

	o->buf[0] = n & 0xff;
	o->buf[1] = n >> 8 & 0xff;
	o->buf[2] = n >> 16 & 0xff;
	o->buf[3] = n >> 24;
	return o->len;
}

size_t
wire_error(struct wire_out *o, uint8_t type, uint16_t tag, int err)
{
	wire_reply_begin(o, type, tag);
	o->len -= 4;
	wire_put32(o, (uint32_t)err);
	return wire_reply_end(o);
}
