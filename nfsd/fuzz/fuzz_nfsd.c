// libFuzzer target: the request decoder and the operations, on a
// temporary export directory, exactly as main.c drives them.
//
// An input is what one client sends on one connection. Its first byte
// is options: unless bit 0 is set the handshake (msize NFS_MSIZE_MAX) is
// done for it, so that the fuzzer reaches the operations at once; bit 1
// resolves paths with path.c's fallback walk instead of openat2; the rest is cut into
// messages by their size fields, as the server does, and stops where the
// server would close the connection or wait for more bytes. Each reply
// is checked against the protocol (length, size field, type, tag); a
// violation aborts, and so does a descriptor left open after the
// session is reset. Every 512 inputs the export is emptied and its
// fixtures (a file, a directory, a symlink to /) made again, and the
// directory around the export is checked to hold nothing but it: a
// request that escaped the export would show there.
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ops.h"
#include "path.h"

static char base[256], export_dir[300];
static int root = -1;
static uint8_t out[NFS_MSIZE_MAX];
static unsigned long runs;

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag;
	if (ftw->level > 0)
		remove(p);
	return 0;
}

static void
fixtures(void)
{
	nftw(export_dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	int fd = openat(root, "hello.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd >= 0) {
		if (write(fd, "hello, world\n", 13) != 13)
			abort();
		close(fd);
	}
	mkdirat(root, "d", 0755);
	symlinkat("/", root, "d/up");
	symlinkat("../..", root, "out");
	symlinkat("hello.txt", root, "in");
}

static int
rm_all(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	remove(p);
	return 0;
}

static void
cleanup(void)
{
	nftw(base, rm_all, 16, FTW_DEPTH | FTW_PHYS);
}

static void
check_outside(void)
{
	DIR *d = opendir(base);
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    strcmp(e->d_name, "export")) {
			fprintf(stderr, "fuzz_nfsd: %s/%s appeared outside the export\n",
				base, e->d_name);
			abort();
		}
	if (d)
		closedir(d);
}

// Between inputs no descriptor but root may refer to the export: any
// other is one an operation forgot to close. (libFuzzer's own come and
// go, so counting descriptors would not do.)
static void
check_descriptors(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	char link[64], target[4096];
	size_t n = strlen(export_dir);

	while (d && (e = readdir(d))) {
		int fd = atoi(e->d_name);
		if (e->d_name[0] == '.' || fd == root || fd == dirfd(d))
			continue;
		snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
		ssize_t k = readlink(link, target, sizeof target - 1);
		if (k <= 0)
			continue;
		target[k] = '\0';
		if (!strncmp(target, export_dir, n) && (target[n] == '/' || target[n] == '\0')) {
			fprintf(stderr, "fuzz_nfsd: descriptor %d (%s) left open\n", fd, target);
			abort();
		}
	}
	if (d)
		closedir(d);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc; (void)argv;
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp || strlen(tmp) > 200)
		tmp = "/tmp";
	snprintf(base, sizeof base, "%s/nfsd-fuzz.XXXXXX", tmp);
	if (!mkdtemp(base))
		abort();
	snprintf(export_dir, sizeof export_dir, "%s/export", base);
	if (mkdir(export_dir, 0755) < 0 || (root = open(export_dir, O_RDONLY | O_DIRECTORY)) < 0)
		abort();
	atexit(cleanup);
	fixtures();
	return 0;
}

static void
check_reply(const uint8_t *req, size_t n, size_t len, uint32_t limit)
{
	uint8_t t = req[4];
	uint8_t want = (t >= T_HELLO && t <= T_LAST) ? t | 0x80 : NFS_RERROR;

	(void)n;
	if (len < 12 || len > limit || wire_get32(out) != len || out[4] != want ||
	    out[5] != 0 || wire_get16(out + 6) != wire_get16(req + 6))
		abort();
	if (wire_get32(out + 8) != NFS_OK && len != 12)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t hello[16] = { 16, 0, 0, 0, T_HELLO, 0, 0, 0,
		NFS_VERSION, 0, 0, 0, 0, 0, 1, 0 };
	struct session s;

	if (size == 0)
		return 0;
	session_init(&s, root);
	path_force_walk = data[0] >> 1 & 1;
	if (!(data[0] & 1))
		session_request(&s, hello, sizeof hello, out);
	data++, size--;
	while (size >= 4) {
		uint32_t limit = session_limit(&s);
		uint32_t n = wire_frame_size(data, limit);
		if (n == 0 || n > size)
			break;
		// A copy of exactly n bytes, so ASan sees any read past it.
		uint8_t *msg = malloc(n);
		memcpy(msg, data, n);
		size_t len = session_request(&s, msg, n, out);
		check_reply(msg, n, len, session_limit(&s));
		free(msg);
		data += n, size -= n;
	}
	session_reset(&s);
	if (++runs % 64 == 0)
		check_descriptors();
	if (runs % 512 == 0) {
		check_outside();
		fixtures();
	}
	return 0;
}
