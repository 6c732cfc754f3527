// nfs.h: remote files as user programs see them (lab 5). The kernel's
// client (nfs/) and user programs share this file.
//
// A path of the form
//
//   A.B.C.D:/path            e.g. 10.0.2.2:/notes.txt
//   A.B.C.D:PORT:/path       e.g. 10.0.2.2:5641:/notes.txt
//
// names a file or directory that the nfsd at address A.B.C.D, TCP port
// PORT (NFS_PORT when left out), exports; /path is taken from the root of
// that export. open (O_RDONLY, O_WRONLY, O_RDWR, O_CREATE, O_TRUNC), read,
// write, close, seek, fstat, mkdir and unlink work on such paths through
// the ordinary system calls; exec, chdir, link and mknod do not (link and
// mknod fail on any name nfsremote() would call remote, so no file on disk
// ever has a name that unlink would send to a server).
//
// Differences from a file on disk, all documented here once:
//  * A remote path is at most MAXPATH bytes like any other; `.` and `..`
//    are not resolved by the client, and the server refuses them.
//  * seek may move past the end of a remote file; a write there extends
//    the file and the gap reads as zeros.
//  * unlink removes a file, or an empty directory.
//  * fstat reports type T_FILE or T_DIR (T_DEV for anything else), the
//    size, nlink 1, dev NFS_DEV and the file's handle as ino.
//  * Reading a remote directory (opened O_RDONLY) gives whole struct
//    rdirent records, one per entry, never `.` or `..`: as many as fit
//    in the buffer (at least one must), but at most 16 per call; 0 at
//    the end.
//  * O_TRUNC empties a remote file only when it is opened for writing.
//  * Offsets are 32-bit, as for files on disk; fstat reports at most
//    4 GiB - 1 as the size.
//  * The kernel talks to at most 4 servers (address and port) per boot,
//    and to each over one connection, which holds at most 31 open files.
//  * A server that does not answer for NFS_TIMEOUT_MS makes the call fail
//    with -1; an address where nobody answers at all takes up to
//    CONNECT_TIMEOUT_MS (socket.h) to fail. After such a failure, files
//    opened before it fail too (-1) until they are opened again; new
//    opens connect again, so a restarted server is used at once.

#define NFS_PORT        5640    // the server's TCP port when a path names none
#define NFS_TIMEOUT_MS  5000    // longest wait for one reply
#define NFS_DEV         0x4e46  // st.dev of every remote file
#define NFS_NAMEMAX     255     // longest name in a remote directory

// One entry of a remote directory, as read() returns it.
struct rdirent {
  uchar type;                   // T_FILE, T_DIR, or T_DEV for anything else
  uchar namelen;                // bytes in name, without the NUL
  char name[NFS_NAMEMAX + 1];   // NUL-terminated
};
