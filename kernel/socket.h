// socket.h: the ABI of the socket system calls and of select() (lab 4),
// shared by the kernel and user programs, as fcntl.h is for open().
//
// Addresses are IPv4 only: four bytes in network order (10.0.2.2 is
// {10, 0, 2, 2}), passed as a pointer with its length, which must be
// INADDR_LEN. Ports are numbers in host order. The course's table writes
// the types as u8, u16 and size_t; here they are uchar, ushort and uint.
//
//   socket(family, type, protocol)   AF_INET; SOCK_STREAM (TCP) or
//                                    SOCK_DGRAM (UDP); protocol 0 or the
//                                    type's own IPPROTO_*. A descriptor.
//   bind(fd, addr, port, addrlen)    local address (0.0.0.0: any) and port
//                                    (0: let the stack choose).
//   listen(fd)                       a bound TCP socket accepts from now on.
//   connect(fd, addr, port, addrlen) TCP: connect, waiting at most
//                                    CONNECT_TIMEOUT_MS; a refused port
//                                    fails at once. UDP: fix the peer that
//                                    send/write/recv/read then use.
//   accept(fd, addr, port, addrlen)  the next connection, as a new
//                                    descriptor; the peer's address and
//                                    port are stored at addr and port
//                                    unless they are 0. Deviation from the
//                                    course's table: port is a pointer
//                                    (by value it could not be returned).
//   send(fd, buf, len, flags)        as write(); recv as read().
//   recv(fd, buf, len, flags)        flags: 0 or MSG_DONTWAIT (fail with
//                                    -1 instead of waiting).
//   sendto(fd, buf, len, flags, addr, port, addrlen)     UDP: one datagram
//   recvfrom(fd, buf, len, flags, addr, port, addrlen)   to or from anyone;
//                                    a datagram longer than len is cut
//                                    short and the rest of it dropped.
//   select(max, rd, wr, ex, timeout) wait until one of the descriptors
//                                    below max in the sets (each may be 0)
//                                    is ready: rd readable (a read would
//                                    not wait: data, end of file, a
//                                    connection to accept), wr writable,
//                                    ex with an error; or until timeout
//                                    passes (a null timeout: no limit;
//                                    {0, 0}: just look). Returns how many
//                                    bits are set, with the sets reduced
//                                    to them; 0 on timeout.
//   seek(fd, offset)                 the next read or write of an open
//                                    file starts offset bytes from its
//                                    start (SEEK_SET is the only whence);
//                                    offset may not pass the end of file.
//                                    Returns the new offset.
//
// Every call returns -1 on any error: a bad descriptor, pointer, length,
// family or type, a connection that failed or broke, or a kill while it
// waited. TCP recv() returns 0 only at the end of the stream.

#define AF_INET       2
#define SOCK_STREAM   1
#define SOCK_DGRAM    2
#define IPPROTO_TCP   6
#define IPPROTO_UDP   17
#define INADDR_LEN    4         // addrlen of an IPv4 address
#define MSG_DONTWAIT  0x1

#define CONNECT_TIMEOUT_MS 10000  // connect() to a silent address gives up

// select()'s descriptor sets: one bit per descriptor.
#define FD_SETSIZE    32
typedef struct {
  uint bits[FD_SETSIZE / 32];
} fd_set;

#define FD_ZERO(s)      ((s)->bits[0] = 0)
#define FD_SET(fd, s)   ((s)->bits[(fd) / 32] |= 1u << ((fd) % 32))
#define FD_CLR(fd, s)   ((s)->bits[(fd) / 32] &= ~(1u << ((fd) % 32)))
#define FD_ISSET(fd, s) (((s)->bits[(fd) / 32] >> ((fd) % 32)) & 1)

struct timeval {
  int tv_sec;
  int tv_usec;
};
