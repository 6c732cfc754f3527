// Unit tests of nfsd's decoder, encoder and confinement, in C so that
// they call wire_decode and path_open directly, with lengths one byte
// either side of every limit, which no socket client would reach as
// precisely. Run by tests/test_nfsd_unit.py; prints one line per failed
// check and "unit: N checks, M failed", and exits 1 if any failed.
//
//   unit DIR     DIR: an empty scratch directory for the confinement tests
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "path.h"
#include "wire.h"

static int checks, failed;

#define CHECK(cond) do { checks++; if (!(cond)) { failed++; \
	printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); } } while (0)

static size_t
mk(uint8_t *b, uint8_t type, const void *body, size_t n)
{
	size_t total = NFS_HDR + n;
	b[0] = total & 0xff; b[1] = total >> 8 & 0xff; b[2] = total >> 16; b[3] = 0;
	b[4] = type; b[5] = 0; b[6] = 0x34; b[7] = 0x12;
	memcpy(b + NFS_HDR, body, n);
	return total;
}

static void
test_decode(void)
{
	static uint8_t b[NFS_MSIZE_MAX + 64], body[NFS_MSIZE_MAX];
	struct nfs_req r;
	size_t n;

	// HELLO: exact length only.
	uint8_t h[8] = { 1, 0, 0, 0, 0, 0, 1, 0 };
	n = mk(b, T_HELLO, h, 8);
	CHECK(wire_decode(b, n, &r) == NFS_OK && r.version == 1 && r.msize == 65536 && r.tag == 0x1234);
	n = mk(b, T_HELLO, h, 7);
	CHECK(wire_decode(b, n, &r) == ERR_BADMSG && r.tag == 0x1234);
	n = mk(b, T_HELLO, h, 8);
	b[0]++;                         // size field disagrees with the length
	CHECK(wire_decode(b, n, &r) == ERR_BADMSG);
	n = mk(b, T_HELLO, h, 8);
	b[5] = 1;                       // reserved byte
	CHECK(wire_decode(b, n, &r) == ERR_BADMSG);
	n = mk(b, 0, h, 8);
	CHECK(wire_decode(b, n, &r) == ERR_BADMSG && r.type == 0);
	n = mk(b, T_LAST + 1, h, 8);
	CHECK(wire_decode(b, n, &r) == ERR_BADMSG);

	// LOOKUP: path lengths around PATH_MAX, a length past the body,
	// trailing bytes.
	for (int len = NFS_PATH_MAX - 1; len <= NFS_PATH_MAX + 1; len++) {
		body[0] = len & 0xff; body[1] = len >> 8;
		memset(body + 2, 'a', len);
		n = mk(b, T_LOOKUP, body, 2 + len);
		int want = len <= NFS_PATH_MAX ? NFS_OK : ERR_NAMELEN;
		CHECK(wire_decode(b, n, &r) == want);
		if (want == NFS_OK)
			CHECK(r.len == len && r.str == b + NFS_HDR + 2);
	}
	body[0] = 5; body[1] = 0;
	n = mk(b, T_LOOKUP, body, 2 + 4);
	CHECK(wire_decode(b, n, &r) == ERR_BADMSG);
	n = mk(b, T_LOOKUP, body, 2 + 6);
	CHECK(wire_decode(b, n, &r) == ERR_BADMSG);
	body[0] = 0xff; body[1] = 0xff;  // 65535: NAMELEN before the bytes are looked at
	n = mk(b, T_LOOKUP, body, 2);
	CHECK(wire_decode(b, n, &r) == ERR_NAMELEN);

	// CREATE: NAME_MAX.
	memset(body, 0, 7);
	body[7] = 0;
	for (int len = NFS_NAME_MAX; len <= NFS_NAME_MAX + 1; len++) {
		body[7] = len & 0xff; body[8] = len >> 8;
		memset(body + 9, 'n', len);
		n = mk(b, T_CREATE, body, 9 + len);
		CHECK(wire_decode(b, n, &r) == (len <= NFS_NAME_MAX ? NFS_OK : ERR_NAMELEN));
	}

	// WRITE: count must be exactly the bytes that follow.
	memset(body, 0, 16);
	body[4] = 0x10; body[11] = 0x80; // offset 0x8000000000000010
	body[12] = 3;
	memcpy(body + 16, "xyz", 3);
	n = mk(b, T_WRITE, body, 19);
	CHECK(wire_decode(b, n, &r) == NFS_OK && r.count == 3 && r.offset == 0x8000000000000010ULL &&
	      memcmp(r.data, "xyz", 3) == 0);
	n = mk(b, T_WRITE, body, 18);
	CHECK(wire_decode(b, n, &r) == ERR_BADMSG);
	n = mk(b, T_WRITE, body, 20);
	CHECK(wire_decode(b, n, &r) == ERR_BADMSG);
	body[15] = 0xff;                // count 0xff000003: past the body, no overflow
	n = mk(b, T_WRITE, body, 19);
	CHECK(wire_decode(b, n, &r) == ERR_BADMSG);

	// Every type with an empty body is malformed (HELLO .. CLUNK all have fields).
	for (int t = T_HELLO; t <= T_LAST; t++) {
		n = mk(b, (uint8_t)t, body, 0);
		CHECK(wire_decode(b, n, &r) == ERR_BADMSG);
	}
}

static void
test_frame_and_encode(void)
{
	uint8_t b[64];
	struct wire_out o = { b, 0, sizeof b };

	uint8_t s7[4] = { 7, 0, 0, 0 }, s8[4] = { 8, 0, 0, 0 };
	uint8_t big[4] = { 0x01, 0x08, 0, 0 }, huge[4] = { 0xff, 0xff, 0xff, 0xff };
	CHECK(wire_frame_size(s7, 2048) == 0);
	CHECK(wire_frame_size(s8, 2048) == 8);
	CHECK(wire_frame_size(big, 2048) == 0);         // 2049
	CHECK(wire_frame_size(big, 4096) == 2049);
	CHECK(wire_frame_size(huge, NFS_MSIZE_MAX) == 0);

	CHECK(wire_error(&o, 0x82, 2, ERR_BADPATH) == 12);
	static const uint8_t want[12] = { 12, 0, 0, 0, 0x82, 0, 2, 0, 11, 0, 0, 0 };
	CHECK(memcmp(b, want, 12) == 0);
	wire_reply_begin(&o, 0x81, 1);
	wire_put32(&o, 1);
	wire_put64(&o, 0x0102030405060708ULL);
	CHECK(wire_reply_end(&o) == 24 && b[0] == 24 && b[12] == 1 && b[16] == 8 && b[23] == 1);
	CHECK(wire_get64(b + 16) == 0x0102030405060708ULL);
}

static void
test_checks(void)
{
#define P(s) path_check((const uint8_t *)(s), sizeof(s) - 1)
#define N(s) name_check((const uint8_t *)(s), sizeof(s) - 1)
	CHECK(P("") == NFS_OK);
	CHECK(P("a") == NFS_OK && P("a/b/c.txt") == NFS_OK && P("..a/b..") == NFS_OK);
	CHECK(P("/") == ERR_BADPATH && P("/etc") == ERR_BADPATH);
	CHECK(P("..") == ERR_BADPATH && P("../../etc/passwd") == ERR_BADPATH);
	CHECK(P("a/../b") == ERR_BADPATH && P("a/..") == ERR_BADPATH);
	CHECK(P(".") == ERR_BADPATH && P("a/./b") == ERR_BADPATH);
	CHECK(P("a//b") == ERR_BADPATH && P("a/") == ERR_BADPATH);
	CHECK(P("a\0b") == ERR_BADPATH && P("\0") == ERR_BADPATH);
	CHECK(N("f") == NFS_OK && N("...") == NFS_OK);
	CHECK(N("") == ERR_BADPATH && N(".") == ERR_BADPATH && N("..") == ERR_BADPATH);
	CHECK(N("a/b") == ERR_BADPATH && N("/") == ERR_BADPATH && N("a\0") == ERR_BADPATH);
}

// dir/export holds f, d/g, a symlink to / (d/root), one climbing out
// (up -> ..), an absolute one to a file outside, and one that stays
// inside (in -> d/g); dir/secret lies outside.
static void
test_confinement(const char *dir, int walk)
{
	char ex[4096];
	path_force_walk = walk;
	snprintf(ex, sizeof ex, "%s/export", dir);
	int root = open(ex, O_RDONLY | O_DIRECTORY);
	CHECK(root >= 0);
	if (root < 0)
		return;
	int fd;
#define OPENS(path) ((fd = path_open(root, path, O_RDONLY, 0)) >= 0 ? (close(fd), 1) : 0)
#define REFUSED(path) ((fd = path_open(root, path, O_RDONLY, 0)) < 0 && (fd == -EXDEV || fd == -ELOOP))
	CHECK(OPENS("") && OPENS("f") && OPENS("d/g"));
	CHECK(REFUSED("../secret") && REFUSED("d/../../secret"));
	CHECK(REFUSED("d/root/etc/passwd") && REFUSED("d/root"));
	CHECK(REFUSED("up/secret") && REFUSED("abs"));
	CHECK(path_open(root, "nothere", O_RDONLY, 0) == -ENOENT);
	CHECK(walk ? REFUSED("in") : OPENS("in"));     // the walk follows no symlink
	fd = path_open(root, "d/root/tmp/x", O_WRONLY | O_CREAT, 0644);
	CHECK(fd < 0);
	fd = path_open(root, "d/new", O_WRONLY | O_CREAT | O_EXCL, 0600);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	CHECK(unlinkat(root, "d/new", 0) == 0);
	close(root);
	path_force_walk = 0;
}

static void
setup(const char *dir)
{
	char p[4096];
#define AT(fmt) (snprintf(p, sizeof p, "%s/" fmt, dir), p)
	mkdir(AT("export"), 0755);
	mkdir(AT("export/d"), 0755);
	close(open(AT("export/f"), O_CREAT | O_WRONLY, 0644));
	close(open(AT("export/d/g"), O_CREAT | O_WRONLY, 0644));
	close(open(AT("secret"), O_CREAT | O_WRONLY, 0644));
	if (symlink("/", AT("export/d/root")) || symlink("..", AT("export/up")) ||
	    symlink("d/g", AT("export/in"))) {
		perror("unit: symlink");
		exit(2);
	}
	char target[4096];
	snprintf(target, sizeof target, "%s/secret", dir);
	if (symlink(target, AT("export/abs"))) {
		perror("unit: symlink");
		exit(2);
	}
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: unit SCRATCH_DIR\n");
		return 2;
	}
	setup(argv[1]);
	test_decode();
	test_frame_and_encode();
	test_checks();
	test_confinement(argv[1], 0);
	test_confinement(argv[1], 1);
	printf("unit: %d checks, %d failed\n", checks, failed);
	return failed ? 1 : 0;
}
