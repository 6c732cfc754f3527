// Confinement: every file nfsd touches is opened through path_open,
// relative to a descriptor of the export's root, never by a host path.
//
// Two layers. path_check and name_check refuse what the protocol forbids
// before anything is opened (absolute paths, '.', '..', empty
// components, '/' in a name, NUL). path_open then lets the kernel do the
// resolution with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS): a
// '..' or a symbolic link that would climb above the root, an absolute
// symlink, a /proc magic link all fail there (EXDEV, ELOOP), checked
// atomically, so a client that swaps a directory for a symlink between
// two requests gains nothing. On a kernel without openat2 (before 5.6)
// the fallback walks the path one component at a time, each opened with
// O_NOFOLLOW beneath the previous one: it follows no symlink at all,
// which is stricter than the protocol requires, never looser.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "path.h"
#include "wire.h"

int path_force_walk;

static int
component_ok(const uint8_t *s, size_t n)
{
	if (n == 0 || n > NFS_NAME_MAX)
		return 0;
	if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return 0;
	return 1;
}

int
path_check(const uint8_t *s, size_t n)
{
	size_t start = 0;

	if (n == 0)
		return NFS_OK;
	if (n > NFS_PATH_MAX || memchr(s, '\0', n))
		return ERR_BADPATH;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '/') {
			if (!component_ok(s + start, i - start))
				return ERR_BADPATH;
			start = i + 1;
		}
	}
	return NFS_OK;
}

int
name_check(const uint8_t *s, size_t n)
{
	if (memchr(s, '\0', n) || memchr(s, '/', n) || !component_ok(s, n))
		return ERR_BADPATH;
	return NFS_OK;
}

// The fallback: one component at a time, no symlink followed.
static int
walk_open(int root, const char *rel, int flags, int mode)
{
	char buf[NFS_PATH_MAX + 1];
	size_t n = strlen(rel);

	if (n > NFS_PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(buf, rel, n + 1);
	if (n == 0) {
		int fd = openat(root, ".", flags, mode);
		return fd < 0 ? -errno : fd;
	}
	int dir = openat(root, ".", O_PATH | O_DIRECTORY);
	if (dir < 0)
		return -errno;
	char *comp = buf;
	for (;;) {
		char *slash = strchr(comp, '/');
		if (!component_ok((uint8_t *)comp, slash ? (size_t)(slash - comp) : strlen(comp))) {
			close(dir);
			return -EXDEV;
		}
		if (!slash)
			break;
		*slash = '\0';
		int next = openat(dir, comp, O_PATH | O_NOFOLLOW);
		struct stat st;
		int err = next < 0 ? errno : fstat(next, &st) < 0 ? errno :
			  S_ISLNK(st.st_mode) ? ELOOP : !S_ISDIR(st.st_mode) ? ENOTDIR : 0;
		close(dir);
		if (err) {
			if (next >= 0)
				close(next);
			return -err;
		}
		dir = next;
		comp = slash + 1;
	}
	int fd = openat(dir, comp, flags | O_NOFOLLOW, mode);
	int err = fd < 0 ? errno : 0;
	struct stat st;
	if (fd >= 0 && (flags & O_PATH) && fstat(fd, &st) == 0 && S_ISLNK(st.st_mode)) {
		close(fd);
		fd = -1;
		err = ELOOP;
	}
	close(dir);
	return fd < 0 ? -err : fd;
}

int
path_open(int root, const char *rel, int flags, int mode)
{
	static int no_openat2;

	if (!no_openat2 && !path_force_walk) {
		struct open_how how = {
			.flags = (uint64_t)flags,
			.mode = (flags & O_CREAT) ? (uint64_t)mode : 0,
			.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
		};
		long fd = syscall(SYS_openat2, root, rel[0] ? rel : ".", &how, sizeof how);
		if (fd >= 0)
			return (int)fd;
		if (errno != ENOSYS)
			return -errno;
		no_openat2 = 1;
	}
	return walk_open(root, rel, flags, mode);
}
