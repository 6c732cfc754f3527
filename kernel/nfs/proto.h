// proto.h: the wire protocol's numbers, as handouts/nfs-protocol.md
// defines them (version 1). Every integer on the wire is little-endian.

#define NFS_VERSION     1
#define NFS_MSIZE_MIN   2048    // also the limit before HELLO succeeds
#define NFS_MSIZE_MAX   65536
#define NFS_IOHDR       32      // IOUNIT = msize - NFS_IOHDR
#define NFS_PATHMAX     1024
#define NFS_HANDLEMAX   32      // per connection, the root's included
#define NFS_ROOT        0       // the export's root handle
#define NFS_HDRSIZE     8       // size u32, type u8, reserved u8, tag u16
#define NFS_ERRSIZE     12      // an error reply: header and status
#define NFS_STATSIZE    20      // kind u8, u8, perm u16, size u64, mtime u64

// Request types; a reply's type is the request's + NFS_REPLY.
#define NFS_HELLO       0x01
#define NFS_LOOKUP      0x02
#define NFS_OPEN        0x03
#define NFS_CREATE      0x04
#define NFS_READ        0x05
#define NFS_WRITE       0x06
#define NFS_STAT        0x07
#define NFS_READDIR     0x08
#define NFS_MKDIR       0x09
#define NFS_UNLINK      0x0A
#define NFS_RMDIR       0x0B
#define NFS_CLUNK       0x0C
#define NFS_REPLY       0x80
#define NFS_UNKNOWN     0xFF    // the reply to a request of unknown type

// OPEN and CREATE modes.
#define NFS_OREAD       0
#define NFS_OWRITE      1
#define NFS_ORDWR       2
#define NFS_OTRUNC      0x10

// stat and READDIR kinds.
#define NFS_KFILE       1
#define NFS_KDIR        2
#define NFS_KOTHER      3

// Reply statuses.
#define NFS_OK            0
#define NFS_ERR_BADMSG    1
#define NFS_ERR_PROTO     2
#define NFS_ERR_VERSION   3
#define NFS_ERR_NOENT     4
#define NFS_ERR_EXIST     5
#define NFS_ERR_NOTDIR    6
#define NFS_ERR_ISDIR     7
#define NFS_ERR_NOTEMPTY  8
#define NFS_ERR_BADHANDLE 9
#define NFS_ERR_TOOMANY   10
#define NFS_ERR_BADPATH   11
#define NFS_ERR_NAMELEN   12
#define NFS_ERR_ACCESS    13
#define NFS_ERR_NOSPACE   14
#define NFS_ERR_INVAL     15
#define NFS_ERR_NOTOPEN   16
#define NFS_ERR_IO        17
