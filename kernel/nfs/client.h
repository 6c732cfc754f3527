// client.h: how the pieces of the kernel's NFS client fit together.
//
//   remote.c   the hooks: what open, read, write, ... do with a remote
//              path or an FD_REMOTE file (called from sysfile.c, file.c)
//   ops.c      one function per protocol operation: build the request,
//              make the exchange, take the reply apart
//   conn.c     the servers: one TCP connection each, its handshake, and
//              rpc(), the exchange of one request for its reply
//   msg.c      putting integers and strings into a message, and getting
//              them out again with every length checked

#define NSERVER     4           // servers in use at once
#define NFS_BUFSIZE 65536       // one message; the msize the client offers
#define NFS_DIRBATCH 16         // directory entries one read() returns

// A server the kernel talks to, and its connection. Processes take turns
// on it (busy): one exchange at a time, so replies need no sorting.
struct server {
  struct spinlock lock;         // guards used, busy
  int used;
  uchar ip[4];
  ushort port;
  int busy;                     // a process owns the fields below

  struct file *conn;            // the TCP connection (a socket), or 0
  uint gen;                     // counts connections: handles of an
                                // older one mean nothing any more
  uint msize;                   // the handshake's; NFS_MSIZE_MIN before
  ushort tag;                   // the last request's
  int unread;                   // replies to forget() calls not yet taken
  uchar buf[NFS_BUFSIZE];       // the request, then its reply
  struct rdirent dirents[NFS_DIRBATCH];  // a directory read's, in transit
};

// A message being built (put*) or taken apart (get*) in a buffer. A put
// past cap or a get past len sets bad instead of touching memory, so a
// caller may do all its gets and check bad once.
struct msg {
  uchar *buf;
  uint cap;                     // bytes buf can hold
  uint len;                     // bytes in the message (get*) / so far (put*)
  uint pos;                     // where the next get reads
  int bad;
};

// What STAT and LOOKUP tell of a file.
struct nstat {
  int kind;                     // NFS_KFILE, NFS_KDIR, NFS_KOTHER
  uint perm;
  uint64 size;
  uint64 mtime;
};

// msg.c
void    msgstart(struct msg*, struct server*, int type);
void    put8(struct msg*, uint);
void    put16(struct msg*, uint);
void    put32(struct msg*, uint);
void    put64(struct msg*, uint64);
void    putstr(struct msg*, const char *s);
int     putdata(struct msg*, int user_src, uint src, uint n);
uint    get8(struct msg*);
uint    get16(struct msg*);
uint    get32(struct msg*);
uint64  get64(struct msg*);
int     getstat(struct msg*, struct nstat*);
int     getdata(struct msg*, int user_dst, uint dst, uint n);
uint    rd16(const uchar*);
uint    rd32(const uchar*);
void    wr16(uchar*, uint);
void    wr32(uchar*, uint);

// conn.c
struct server* srvget(uchar *ip, ushort port);
int     srvlock(struct server*, int killable);
void    srvunlock(struct server*);
int     srvconnect(struct server*);
void    srvdrop(struct server*);
int     srvcurrent(struct server*, uint gen);
void    forget(struct server*, uint handle);
int     rpc(struct server*, struct msg *req, struct msg *rep);
uint    iounit(struct server*);

// ops.c: each returns 0 (NFS_OK), an NFS_ERR_ status, or -1 when the
// connection failed (it is then dropped).
int     nfs_lookup(struct server*, const char *path, uint *h, struct nstat*);
int     nfs_open(struct server*, uint h, int mode);
int     nfs_create(struct server*, uint dir, int mode, const char *name,
                   uint *h);
int     nfs_read(struct server*, uint h, uint64 off, int user_dst, uint dst,
                 uint n, uint *got);
int     nfs_write(struct server*, uint h, uint64 off, int user_src, uint src,
                  uint n);
int     nfs_stat(struct server*, uint h, struct nstat*);
int     nfs_readdir(struct server*, uint dir, uint64 *cookie,
                    struct rdirent *out, int max, int *n);
int     nfs_name(struct server*, int type, uint dir, const char *name);
int     nfs_clunk(struct server*, uint h);
