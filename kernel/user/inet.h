// inet.h: BSD socket names over bvlab's socket calls (lab 4), for
// programs written by someone who knows the BSD interface, and a few
// helpers that the lab's network programs (nc, httpget, httpd, echosrv)
// share. Include it after "user.h".
//
// bvlab's calls (socket.h) pass an address as four bytes and a port as a
// number in host order. BSD passes one struct sockaddr, really a struct
// sockaddr_in, whose port and address are both in network order. The
// bsd_* wrappers below take the BSD arguments, check the length and the
// family, turn the port round, and call the system call. They carry a
// prefix because the system calls already own the plain names; socket(),
// send(), recv() and select() need no wrapper, their arguments already
// match BSD's.
//
// Byte order: "network order" is big-endian, the x86 is little-endian, so
// htons() and htonl() swap bytes here. An address in a struct in_addr is
// kept as its four bytes in network order, exactly what the system calls
// want, so only ports are ever converted on the way in and out.

#define INADDR_ANY   0x00000000u  // bind: every local address
#define INADDR_NONE  0xffffffffu  // inet_addr: not an address

struct in_addr {
  uint s_addr;            // network order: 10.0.2.2 is bytes {10, 0, 2, 2}
};

struct sockaddr_in {
  ushort sin_family;      // AF_INET
  ushort sin_port;        // network order
  struct in_addr sin_addr;
  char sin_zero[8];       // pads to sizeof(struct sockaddr)
};

// What the calls take: any family's address, cast to this.
struct sockaddr {
  ushort sa_family;
  char sa_data[14];
};

// inet.c: byte order
ushort htons(ushort x);
ushort ntohs(ushort x);
uint htonl(uint x);
uint ntohl(uint x);

// inet.c: addresses as text. Only the dotted quad "A.B.C.D" of four
// decimal numbers 0..255 is accepted (BSD also takes "10.2" and octal
// "010"; we refuse both rather than guess).
int inet_aton(const char *s, struct in_addr *a);   // 1 if s is an address, else 0
uint inet_addr(const char *s);                      // s_addr, or INADDR_NONE
char *inet_ntoa(struct in_addr a);                  // a static buffer, reused

// inet.c: BSD-shaped calls. salen must be at least sizeof(struct
// sockaddr_in) and the family AF_INET, else -1. bsd_accept and
// bsd_recvfrom store the peer at sa unless sa is 0 (then salen may be 0
// too) and set *salen to the size stored; they fail with -1, before
// waiting, if *salen is too small, where BSD would cut the address short.
int bsd_bind(int fd, const struct sockaddr *sa, int salen);
int bsd_listen(int fd, int backlog);   // backlog is ignored: the stack's own
int bsd_connect(int fd, const struct sockaddr *sa, int salen);
int bsd_accept(int fd, struct sockaddr *sa, int *salen);
int bsd_sendto(int fd, const void *buf, uint len, int flags,
               const struct sockaddr *sa, int salen);
int bsd_recvfrom(int fd, void *buf, uint len, int flags,
                 struct sockaddr *sa, int *salen);

// inet.c: helpers for the lab's programs. Each parse function prints
// "prog: what is wrong" on fd 2 and returns -1 when the text is bad.
int inet_parse_port(const char *prog, const char *s, ushort *port);
int inet_parse_sockaddr(const char *prog, const char *host, const char *port,
                        struct sockaddr_in *sin);   // host 0: INADDR_ANY
int write_all(int fd, const void *buf, int n);      // n, or -1
