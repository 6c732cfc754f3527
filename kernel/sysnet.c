// Socket system calls (lab 4): socket, bind, listen, connect, accept,
// send, recv, sendto, recvfrom. kernel/socket.h is their contract.
//
// As in sysfile.c, each handler fetches and checks its arguments, then
// lets the socket layer (net/socket.c) do the work. Nothing a user passes
// may reach the socket layer unchecked: a descriptor must name a socket
// of the caller's, an address argument must be INADDR_LEN bytes of the
// caller's memory (copied in before use), a buffer must lie wholly in
// the caller's memory, and a place for a result (accept's and recvfrom's
// address and port) must too, before anything is stored there.

#include "types.h"
#include "defs.h"
#include "param.h"
#include "mmu.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "fs.h"
#include "file.h"
#include "proc.h"
#include "net.h"
#include "socket.h"

// LAB 4: BEGIN SOLUTION
// Argument n as a descriptor of one of the caller's sockets.
static struct sock*
argsock(int n)
{
  struct file *f;

  if((f = argfile(n, 0)) == 0 || f->type != FD_SOCK)
    return 0;
  return f->sock;
}

// Argument n as an IPv4 address whose length is argument lenarg:
// copied to a. Returns 0, or -1 for a bad pointer or length.
static int
argip(int n, int lenarg, uchar *a)
{
  char *p;
  int len;

  if(argint(lenarg, &len) < 0 || len != INADDR_LEN)
    return -1;
  if(argptr(n, &p, INADDR_LEN) < 0)
    return -1;
  memmove(a, p, INADDR_LEN);
  return 0;
}

// Argument n as a port number (a ushort, passed as an int).
static int
argport(int n, ushort *port)
{
  int v;

  if(argint(n, &v) < 0)
    return -1;
  *port = v;                    // the caller's ushort: the low 16 bits
  return 0;
}

// Arguments n (a buffer) and n+1 (its length): the buffer, all of it in
// the caller's memory.
static int
argbuf(int n, uint *addr, int *len)
{
  char *p;

  if(argint(n + 1, len) < 0 || *len < 0 || argptr(n, &p, *len) < 0)
    return -1;
  *addr = (uint)p;
  return 0;
}

// Argument n as a place for a result of size bytes, or 0 if the caller
// passed 0 (does not want it).
static int
argout(int n, int size, char **pp)
{
  uint a;

  if(argaddr(n, &a) < 0)
    return -1;
  if(a == 0){
    *pp = 0;
    return 0;
  }
  return argptr(n, pp, size);
}

// flags of send and recv: 0 or MSG_DONTWAIT.
static int
argflags(int n, int *flags)
{
  if(argint(n, flags) < 0 || (*flags & ~MSG_DONTWAIT) != 0)
    return -1;
  return 0;
}

// Give the caller a descriptor for f, or close f if it has none free.
static int
install(struct file *f)
{
  int fd;

  if(f == 0)
    return -1;
  if((fd = fdinstall(f)) < 0)
    fileclose(f);
  return fd;
}

int
sys_socket(void)
{
  int family, type, protocol;

  if(argint(0, &family) < 0 || argint(1, &type) < 0 || argint(2, &protocol) < 0)
    return -1;
  if(family != AF_INET)
    return -1;
  if(type == SOCK_STREAM && protocol != 0 && protocol != IPPROTO_TCP)
    return -1;
  if(type == SOCK_DGRAM && protocol != 0 && protocol != IPPROTO_UDP)
    return -1;
  if(type != SOCK_STREAM && type != SOCK_DGRAM)
    return -1;
  return install(sockalloc(type));
}

int
sys_bind(void)
{
  struct sock *s;
  uchar ip[INADDR_LEN];
  ushort port;

  if((s = argsock(0)) == 0 || argip(1, 3, ip) < 0 || argport(2, &port) < 0)
    return -1;
  return sockbind(s, ip, port);
}

int
sys_listen(void)
{
  struct sock *s;

  if((s = argsock(0)) == 0)
    return -1;
  return socklisten(s);
}

int
sys_connect(void)
{
  struct sock *s;
  uchar ip[INADDR_LEN];
  ushort port;

  if((s = argsock(0)) == 0 || argip(1, 3, ip) < 0 || argport(2, &port) < 0)
    return -1;
  return sockconnect(s, ip, port);
}

// accept(fd, addr, port, addrlen): addr and port may each be 0.
int
sys_accept(void)
{
  struct sock *s;
  struct file *f;
  uchar ip[INADDR_LEN];
  ushort port;
  char *addr, *portp;
  int len, fd;

  if((s = argsock(0)) == 0 || argout(1, INADDR_LEN, &addr) < 0
     || argout(2, sizeof(ushort), &portp) < 0 || argint(3, &len) < 0)
    return -1;
  if(addr && len != INADDR_LEN)
    return -1;
  f = sockaccept(s, 0, ip, &port);
  if((fd = install(f)) < 0)
    return -1;
  if(addr)
    memmove(addr, ip, INADDR_LEN);
  if(portp)
    memmove(portp, &port, sizeof(port));
  return fd;
}

int
sys_send(void)
{
  struct sock *s;
  uint buf;
  int n, flags;

  if((s = argsock(0)) == 0 || argbuf(1, &buf, &n) < 0 || argflags(3, &flags) < 0)
    return -1;
  return socksend(s, buf, n, flags, 0, 0);
}

int
sys_recv(void)
{
  struct sock *s;
  uint buf;
  int n, flags;

  if((s = argsock(0)) == 0 || argbuf(1, &buf, &n) < 0 || argflags(3, &flags) < 0)
    return -1;
  return sockrecv(s, buf, n, flags, 0, 0);
}

// sendto(fd, buf, len, flags, addr, port, addrlen)
int
sys_sendto(void)
{
  struct sock *s;
  uchar ip[INADDR_LEN];
  ushort port;
  uint buf;
  int n, flags;

  if((s = argsock(0)) == 0 || argbuf(1, &buf, &n) < 0 || argflags(3, &flags) < 0
     || argip(4, 6, ip) < 0 || argport(5, &port) < 0)
    return -1;
  return socksend(s, buf, n, flags, ip, port);
}

// recvfrom(fd, buf, len, flags, addr, port, addrlen): addr and port may
// each be 0.
int
sys_recvfrom(void)
{
  struct sock *s;
  uchar ip[INADDR_LEN];
  ushort port;
  char *addr, *portp;
  uint buf;
  int n, flags, len, got;

  if((s = argsock(0)) == 0 || argbuf(1, &buf, &n) < 0 || argflags(3, &flags) < 0
     || argout(4, INADDR_LEN, &addr) < 0 || argout(5, sizeof(ushort), &portp) < 0
     || argint(6, &len) < 0)
    return -1;
  if(addr && len != INADDR_LEN)
    return -1;
  if((got = sockrecv(s, buf, n, flags, ip, &port)) < 0)
    return -1;
  if(addr)
    memmove(addr, ip, INADDR_LEN);
  if(portp)
    memmove(portp, &port, sizeof(port));
  return got;
}
// LAB 4: STUB
// // Lab 4: each handler fetches and checks its arguments (the comment at
// // the top of this file says what "checked" means), then calls the
// // socket layer (net.h), and returns -1 for anything bad. Traps: every
// // pointer argument, including the ones the kernel writes results to,
// // is the user's, and so is every length; a descriptor may name a file
// // that is not a socket.
//
// int
// sys_socket(void)
// {
//   // Lab 4: socket(family, type, protocol): a new socket descriptor.
//   return -1;
// }
//
// int
// sys_bind(void)
// {
//   // Lab 4: bind(fd, addr, port, addrlen).
//   return -1;
// }
//
// int
// sys_listen(void)
// {
//   // Lab 4: listen(fd).
//   return -1;
// }
//
// int
// sys_connect(void)
// {
//   // Lab 4: connect(fd, addr, port, addrlen).
//   return -1;
// }
//
// int
// sys_accept(void)
// {
//   // Lab 4: accept(fd, addr, port, addrlen): a descriptor for the next
//   // connection; addr and port, unless 0, receive the peer's.
//   return -1;
// }
//
// int
// sys_send(void)
// {
//   // Lab 4: send(fd, buf, len, flags).
//   return -1;
// }
//
// int
// sys_recv(void)
// {
//   // Lab 4: recv(fd, buf, len, flags).
//   return -1;
// }
//
// int
// sys_sendto(void)
// {
//   // Lab 4: sendto(fd, buf, len, flags, addr, port, addrlen).
//   return -1;
// }
//
// int
// sys_recvfrom(void)
// {
//   // Lab 4: recvfrom(fd, buf, len, flags, addr, port, addrlen).
//   return -1;
// }
// LAB 4: END
