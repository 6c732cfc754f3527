// Confinement to the export directory (path.c).
#ifndef NFSD_PATH_H
#define NFSD_PATH_H

#include <stddef.h>
#include <stdint.h>

// NFS_OK if the n bytes are a well-formed relative path (protocol
// section 3: names joined by single '/', no '.', '..', NUL; "" is the
// root), else ERR_BADPATH.
int path_check(const uint8_t *s, size_t n);
// The same for one name: not empty, '.', '..', no '/' or NUL.
int name_check(const uint8_t *s, size_t n);

// open(2) of the checked relative path rel (a C string, "" for the root)
// beneath the directory root, never leaving it: openat2 with
// RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS, or where the kernel lacks it a
// walk that opens one component at a time with O_NOFOLLOW (and so
// refuses every symbolic link). Returns a descriptor or -errno; an
// escape is -EXDEV or -ELOOP.
int path_open(int root, const char *rel, int flags, int mode);
// For tests: 1 forces the component walk.
extern int path_force_walk;

#endif
