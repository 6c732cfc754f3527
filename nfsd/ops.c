// The operations of handouts/nfs-protocol.md, section 3, on one
// session's handles.
//
// A handle is a checked relative path plus, once opened, a descriptor.
// Every operation resolves its path again through path_open (path.c),
// so each resolution is confined on its own and nothing a client did
// earlier (a rename, a symlink planted under a name it had looked up)
// can lead one outside the export. Only opened handles hold a
// descriptor: at most NFS_HANDLE_MAX per connection.
//
// Host errors become the protocol's own (nfs_errno); a request that
// cannot be carried out gets exactly one error reply and changes
// nothing else of the session.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ops.h"
#include "path.h"

static int
nfs_errno(int e)
{
	switch (e) {
	case ENOENT: return ERR_NOENT;
	case EEXIST: return ERR_EXIST;
	case ENOTDIR: return ERR_NOTDIR;
	case EISDIR: return ERR_ISDIR;
	case ENOTEMPTY: return ERR_NOTEMPTY;
	case EXDEV: case ELOOP: return ERR_BADPATH;
	case ENAMETOOLONG: return ERR_NAMELEN;
	case EACCES: case EPERM: case EROFS: return ERR_ACCESS;
	case ENOSPC: case EFBIG: case EDQUOT: return ERR_NOSPACE;
	case EINVAL: return ERR_INVAL;
	default: return ERR_IO;
	}
}

void
session_init(struct session *s, int root)
{
	memset(s, 0, sizeof *s);
	s->root = root;
	for (int i = 0; i < NFS_HANDLE_MAX; i++)
		s->h[i].fd = -1;
}

void
session_reset(struct session *s)
{
	for (int i = 0; i < NFS_HANDLE_MAX; i++)
		if (s->h[i].fd >= 0)
			close(s->h[i].fd);
	session_init(s, s->root);
}

uint32_t
session_limit(const struct session *s)
{
	return s->hello ? s->msize : NFS_MSIZE_MIN;
}

static struct handle *
handle_get(struct session *s, uint32_t n)
{
	if (n >= NFS_HANDLE_MAX || !s->h[n].used)
		return NULL;
	return &s->h[n];
}

static int
handle_alloc(struct session *s)
{
	for (int i = 1; i < NFS_HANDLE_MAX; i++)
		if (!s->h[i].used)
			return i;
	return -1;
}

// dir's path joined with a checked name, into out (NFS_PATH_MAX + 1).
static int
join(char *out, const char *dir, const uint8_t *name, size_t n)
{
	size_t d = strlen(dir), total = d + (d ? 1 : 0) + n;

	if (total > NFS_PATH_MAX)
		return ERR_NAMELEN;
	memcpy(out, dir, d);
	if (d)
		out[d++] = '/';
	memcpy(out + d, name, n);
	out[total] = '\0';
	return NFS_OK;
}

static uint8_t
kind_of(mode_t m)
{
	return S_ISREG(m) ? 1 : S_ISDIR(m) ? 2 : 3;
}

static void
put_stat(struct wire_out *o, const struct stat *st)
{
	wire_put8(o, kind_of(st->st_mode));
	wire_put8(o, 0);
	wire_put16(o, st->st_mode & 07777);
	wire_put64(o, (uint64_t)st->st_size);
	wire_put64(o, (uint64_t)st->st_mtim.tv_sec);
}

static int
stat_path(struct session *s, const char *path, struct stat *st)
{
	int fd = path_open(s->root, path, O_PATH, 0);

	if (fd < 0)
		return nfs_errno(-fd);
	int r = fstat(fd, st) < 0 ? nfs_errno(errno) : NFS_OK;
	close(fd);
	return r;
}

static int
op_hello(struct session *s, const struct nfs_req *r, struct wire_out *o)
{
	if (s->hello)
		return ERR_PROTO;
	if (r->version != NFS_VERSION)
		return ERR_VERSION;
	if (r->msize < NFS_MSIZE_MIN)
		return ERR_INVAL;
	s->hello = 1;
	s->msize = r->msize < NFS_MSIZE_MAX ? r->msize : NFS_MSIZE_MAX;
	s->h[0].used = 1;       // the root, path ""
	wire_put32(o, NFS_VERSION);
	wire_put32(o, s->msize);
	return NFS_OK;
}

static int
op_lookup(struct session *s, const struct nfs_req *r, struct wire_out *o)
{
	struct stat st;
	int err, n;

	if ((err = path_check(r->str, r->len)) != NFS_OK)
		return err;
	if ((n = handle_alloc(s)) < 0)
		return ERR_TOOMANY;
	struct handle *h = &s->h[n];
	memcpy(h->path, r->str, r->len);
	h->path[r->len] = '\0';
	if ((err = stat_path(s, h->path, &st)) != NFS_OK)
		return err;
	h->used = 1;
	h->fd = -1;
	wire_put32(o, (uint32_t)n);
	put_stat(o, &st);
	return NFS_OK;
}

static int
open_flags(uint8_t mode, int *flags)
{
	static const int acc[] = { O_RDONLY, O_WRONLY, O_RDWR };
	uint8_t base = mode & ~MODE_TRUNC;

	if (base > MODE_RDWR || ((mode & MODE_TRUNC) && base == MODE_READ))
		return ERR_INVAL;
	*flags = acc[base] | ((mode & MODE_TRUNC) ? O_TRUNC : 0) |
		 O_NOCTTY | O_NONBLOCK | O_CLOEXEC;
	return NFS_OK;
}

static int
op_open(struct session *s, const struct nfs_req *r, struct wire_out *o)
{
	struct handle *h = handle_get(s, r->handle);
	struct stat st;
	int flags, err;

	(void)o;
	if (!h)
		return ERR_BADHANDLE;
	if ((err = open_flags(r->mode, &flags)) != NFS_OK)
		return err;
	if (h->fd >= 0)
		return ERR_INVAL;
	// Refuse directories and devices before opening (a FIFO's open
	// could otherwise block, and O_TRUNC must not touch them).
	if ((err = stat_path(s, h->path, &st)) != NFS_OK)
		return err;
	if (S_ISDIR(st.st_mode))
		return ERR_ISDIR;
	if (!S_ISREG(st.st_mode))
		return ERR_INVAL;
	int fd = path_open(s->root, h->path, flags, 0);
	if (fd < 0)
		return nfs_errno(-fd);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return ERR_INVAL;
	}
	h->fd = fd;
	h->mode = r->mode & ~MODE_TRUNC;
	return NFS_OK;
}

static int
op_create(struct session *s, const struct nfs_req *r, struct wire_out *o)
{
	struct handle *d = handle_get(s, r->handle);
	char path[NFS_PATH_MAX + 1];
	int flags, err, n;

	if (!d)
		return ERR_BADHANDLE;
	if ((err = name_check(r->str, r->len)) != NFS_OK)
		return err;
	if ((err = open_flags(r->mode, &flags)) != NFS_OK)
		return err;
	if ((err = join(path, d->path, r->str, r->len)) != NFS_OK)
		return err;
	if ((n = handle_alloc(s)) < 0)
		return ERR_TOOMANY;
	int fd = path_open(s->root, path, flags | O_CREAT | O_EXCL | O_NOFOLLOW,
			   r->perm & NFS_PERM_MASK);
	if (fd < 0)
		return nfs_errno(-fd);
	struct handle *h = &s->h[n];
	h->used = 1;
	h->fd = fd;
	h->mode = r->mode & ~MODE_TRUNC;
	memcpy(h->path, path, sizeof path);
	wire_put32(o, (uint32_t)n);
	return NFS_OK;
}

static int
io_check(struct session *s, const struct nfs_req *r, struct handle **hp, int want)
{
	struct handle *h = handle_get(s, r->handle);

	if (!h)
		return ERR_BADHANDLE;
	if (h->fd < 0 || (h->mode != MODE_RDWR && h->mode != want))
		return ERR_NOTOPEN;
	if (r->count > NFS_IOUNIT(s->msize) || r->offset > INT64_MAX)
		return ERR_INVAL;
	*hp = h;
	return NFS_OK;
}

static int
op_read(struct session *s, const struct nfs_req *r, struct wire_out *o)
{
	struct handle *h;
	size_t got = 0;
	int err;

	if ((err = io_check(s, r, &h, MODE_READ)) != NFS_OK)
		return err;
	wire_put32(o, 0);       // count, known after the reads
	uint8_t *dst = o->buf + o->len;
	while (got < r->count) {
		ssize_t k = pread(h->fd, dst + got, r->count - got, (off_t)(r->offset + got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return nfs_errno(errno);
		if (k == 0)
			break;
		got += (size_t)k;
	}
	o->len -= 4;
	wire_put32(o, (uint32_t)got);
	o->len += got;
	return NFS_OK;
}

// All bytes reach the file (pwrite returned) before the reply is built.
static int
op_write(struct session *s, const struct nfs_req *r, struct wire_out *o)
{
	struct handle *h;
	size_t put = 0;
	int err;

	if ((err = io_check(s, r, &h, MODE_WRITE)) != NFS_OK)
		return err;
	while (put < r->count) {
		ssize_t k = pwrite(h->fd, r->data + put, r->count - put, (off_t)(r->offset + put));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return k < 0 ? nfs_errno(errno) : ERR_NOSPACE;
		put += (size_t)k;
	}
	wire_put32(o, r->count);
	return NFS_OK;
}

static int
op_stat(struct session *s, const struct nfs_req *r, struct wire_out *o)
{
	struct handle *h = handle_get(s, r->handle);
	struct stat st;
	int err;

	if (!h)
		return ERR_BADHANDLE;
	if (h->fd >= 0)
		err = fstat(h->fd, &st) < 0 ? nfs_errno(errno) : NFS_OK;
	else
		err = stat_path(s, h->path, &st);
	if (err == NFS_OK)
		put_stat(o, &st);
	return err;
}

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static uint8_t
dirent_kind(int dfd, const struct linux_dirent64 *e)
{
	struct stat st;

	if (e->d_type == DT_REG)
		return 1;
	if (e->d_type == DT_DIR)
		return 2;
	if (e->d_type != DT_UNKNOWN)
		return 3;
	if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 3;
	return kind_of(st.st_mode);
}

// Resumes from the cookie (the file system's own directory offset,
// d_off, as NFS does) and adds whole entries while they fit; an entry
// read but not sent is read again by the next READDIR.
static int
op_readdir(struct session *s, const struct nfs_req *r, struct wire_out *o)
{
	struct handle *h = handle_get(s, r->handle);
	uint8_t buf[8192] __attribute__((aligned(8)));
	uint16_t count = 0;
	int full = 0;

	if (!h)
		return ERR_BADHANDLE;
	if (r->offset > INT64_MAX)
		return ERR_INVAL;
	int dfd = path_open(s->root, h->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	if (dfd < 0)
		return nfs_errno(-dfd);
	if (lseek(dfd, (off_t)r->offset, SEEK_SET) < 0) {
		close(dfd);
		return ERR_INVAL;
	}
	size_t at = o->len;
	wire_put16(o, 0);
	while (!full) {
		long k = syscall(SYS_getdents64, dfd, buf, sizeof buf);
		if (k < 0) {
			int e = errno;
			close(dfd);
			return nfs_errno(e);
		}
		if (k == 0)
			break;
		for (long i = 0; i < k; ) {
			struct linux_dirent64 *e = (struct linux_dirent64 *)(buf + i);
			size_t len = strlen(e->d_name);
			i += e->d_reclen;
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			if (len > NFS_NAME_MAX)
				continue;
			if (o->len + 10 + len > s->msize || count == UINT16_MAX) {
				full = 1;
				break;
			}
			wire_put64(o, (uint64_t)e->d_off);
			wire_put8(o, dirent_kind(dfd, e));
			wire_put8(o, (uint8_t)len);
			wire_putbytes(o, e->d_name, len);
			count++;
		}
	}
	close(dfd);
	o->buf[at] = count & 0xff;
	o->buf[at + 1] = count >> 8;
	return NFS_OK;
}

// MKDIR, UNLINK, RMDIR: one name in the directory of handle dir.
static int
op_name(struct session *s, const struct nfs_req *r, struct wire_out *o)
{
	struct handle *d = handle_get(s, r->handle);
	char name[NFS_NAME_MAX + 1], path[NFS_PATH_MAX + 1];
	int err, rc;

	(void)o;
	if (!d)
		return ERR_BADHANDLE;
	if ((err = name_check(r->str, r->len)) != NFS_OK)
		return err;
	if ((err = join(path, d->path, r->str, r->len)) != NFS_OK)
		return err;
	int dfd = path_open(s->root, d->path, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
	if (dfd < 0)
		return nfs_errno(-dfd);
	memcpy(name, r->str, r->len);
	name[r->len] = '\0';
	if (r->type == T_MKDIR)
		rc = mkdirat(dfd, name, r->perm & NFS_PERM_MASK);
	else
		rc = unlinkat(dfd, name, r->type == T_RMDIR ? AT_REMOVEDIR : 0);
	err = rc < 0 ? errno : 0;
	close(dfd);
	if (err == EEXIST && r->type == T_RMDIR)
		err = ENOTEMPTY;
	return err ? nfs_errno(err) : NFS_OK;
}

static int
op_clunk(struct session *s, const struct nfs_req *r, struct wire_out *o)
{
	struct handle *h = handle_get(s, r->handle);

	(void)o;
	if (!h)
		return ERR_BADHANDLE;
	if (r->handle == 0)
		return ERR_INVAL;
	if (h->fd >= 0)
		close(h->fd);
	memset(h, 0, sizeof *h);
	h->fd = -1;
	return NFS_OK;
}

typedef int (*op_fn)(struct session *, const struct nfs_req *, struct wire_out *);

static const op_fn ops[T_LAST + 1] = {
	[T_HELLO] = op_hello, [T_LOOKUP] = op_lookup, [T_OPEN] = op_open,
	[T_CREATE] = op_create, [T_READ] = op_read, [T_WRITE] = op_write,
	[T_STAT] = op_stat, [T_READDIR] = op_readdir, [T_MKDIR] = op_name,
	[T_UNLINK] = op_name, [T_RMDIR] = op_name, [T_CLUNK] = op_clunk,
};

size_t
session_request(struct session *s, const uint8_t *msg, size_t n, uint8_t *out)
{
	struct wire_out o = { out, 0, NFS_MSIZE_MAX };
	struct nfs_req r;
	int err = wire_decode(msg, n, &r);
	uint8_t rtype = (r.type >= T_HELLO && r.type <= T_LAST) ? r.type | 0x80 : NFS_RERROR;

	if (err == NFS_OK && !s->hello && r.type != T_HELLO)
		err = ERR_PROTO;
	if (err != NFS_OK)
		return wire_error(&o, rtype, r.tag, err);
	wire_reply_begin(&o, rtype, r.tag);
	err = ops[r.type](s, &r, &o);
	if (err != NFS_OK)
		return wire_error(&o, rtype, r.tag, err);
	return wire_reply_end(&o);
}
