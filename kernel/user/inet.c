// inet.c: the BSD socket layer of the user library (lab 4); inet.h says
// what each function promises.
//
// The wrappers are deliberately thin: each checks what BSD's kernel
// would check (the address's length and family), converts the port from
// network to host order or back, and makes one system call. Nothing is
// kept between calls, so a program may mix bsd_* calls and the plain
// system calls on the same descriptor.

#include "types.h"
#include "stat.h"
#include "user.h"
#include "inet.h"

// ---------------------------------------------------------------- byte order

ushort
htons(ushort x)
{
  return (ushort)((x << 8) | (x >> 8));
}

ushort
ntohs(ushort x)
{
  return htons(x);
}

uint
htonl(uint x)
{
  return (x << 24) | ((x << 8) & 0x00ff0000) | ((x >> 8) & 0x0000ff00) |
         (x >> 24);
}

uint
ntohl(uint x)
{
  return htonl(x);
}

// ---------------------------------------------------------------- text

// Read a decimal number of at most max at *sp, advancing *sp past it.
// Returns it, or -1 if there are no digits or it is larger than max.
static int
decimal(const char **sp, int max)
{
  const char *s = *sp;
  int n = 0;

  if(*s < '0' || *s > '9')
    return -1;
  for(; *s >= '0' && *s <= '9'; s++){
    n = n*10 + (*s - '0');
    if(n > max)
      return -1;
  }
  *sp = s;
  return n;
}

int
inet_aton(const char *s, struct in_addr *a)
{
  uchar b[INADDR_LEN];
  int i, n;

  for(i = 0; i < INADDR_LEN; i++){
    if(i > 0 && *s++ != '.')
      return 0;
    if(s[0] == '0' && s[1] >= '0' && s[1] <= '9')
      return 0;         // BSD would read "010" as octal 8: refuse it
    if((n = decimal(&s, 255)) < 0)
      return 0;
    b[i] = n;
  }
  if(*s != 0)
    return 0;
  memmove(&a->s_addr, b, INADDR_LEN);
  return 1;
}

uint
inet_addr(const char *s)
{
  struct in_addr a;

  if(!inet_aton(s, &a))
    return INADDR_NONE;
  return a.s_addr;
}

char*
inet_ntoa(struct in_addr a)
{
  static char buf[16];      // "255.255.255.255" and its NUL
  uchar *b = (uchar*)&a.s_addr;
  char *p = buf;
  int i, n;

  for(i = 0; i < INADDR_LEN; i++){
    if(i > 0)
      *p++ = '.';
    n = b[i];
    if(n >= 100)
      *p++ = '0' + n / 100;
    if(n >= 10)
      *p++ = '0' + n / 10 % 10;
    *p++ = '0' + n % 10;
  }
  *p = 0;
  return buf;
}

// ---------------------------------------------------------------- calls

// The struct sockaddr_in inside sa, or 0 if salen or the family is wrong.
static const struct sockaddr_in*
inaddr(const struct sockaddr *sa, int salen)
{
  if(sa == 0 || salen < (int)sizeof(struct sockaddr_in))
    return 0;
  if(sa->sa_family != AF_INET)
    return 0;
  return (const struct sockaddr_in*)sa;
}

// Fill the caller's sa from what accept or recvfrom stored.
static void
fillin(struct sockaddr *sa, int *salen, uchar *addr, ushort port)
{
  struct sockaddr_in *sin = (struct sockaddr_in*)sa;

  memset(sin, 0, sizeof(*sin));
  sin->sin_family = AF_INET;
  sin->sin_port = htons(port);
  memmove(&sin->sin_addr.s_addr, addr, INADDR_LEN);
  *salen = sizeof(*sin);
}

// Is the result space (sa, salen) of accept or recvfrom usable?
static int
outok(struct sockaddr *sa, int *salen)
{
  if(sa == 0)
    return 1;
  return salen != 0 && *salen >= (int)sizeof(struct sockaddr_in);
}

int
bsd_bind(int fd, const struct sockaddr *sa, int salen)
{
  const struct sockaddr_in *sin = inaddr(sa, salen);

  if(sin == 0)
    return -1;
  return bind(fd, (uchar*)&sin->sin_addr.s_addr, ntohs(sin->sin_port),
              INADDR_LEN);
}

int
bsd_listen(int fd, int backlog)
{
  return listen(fd);
}

int
bsd_connect(int fd, const struct sockaddr *sa, int salen)
{
  const struct sockaddr_in *sin = inaddr(sa, salen);

  if(sin == 0)
    return -1;
  return connect(fd, (uchar*)&sin->sin_addr.s_addr, ntohs(sin->sin_port),
                 INADDR_LEN);
}

int
bsd_accept(int fd, struct sockaddr *sa, int *salen)
{
  uchar addr[INADDR_LEN];
  ushort port;
  int nfd;

  if(!outok(sa, salen))
    return -1;
  nfd = accept(fd, addr, &port, INADDR_LEN);
  if(nfd >= 0 && sa != 0)
    fillin(sa, salen, addr, port);
  return nfd;
}

int
bsd_sendto(int fd, const void *buf, uint len, int flags,
           const struct sockaddr *sa, int salen)
{
  const struct sockaddr_in *sin = inaddr(sa, salen);

  if(sin == 0)
    return -1;
  return sendto(fd, buf, len, flags, (uchar*)&sin->sin_addr.s_addr,
                ntohs(sin->sin_port), INADDR_LEN);
}

int
bsd_recvfrom(int fd, void *buf, uint len, int flags,
             struct sockaddr *sa, int *salen)
{
  uchar addr[INADDR_LEN];
  ushort port;
  int n;

  if(!outok(sa, salen))
    return -1;
  n = recvfrom(fd, buf, len, flags, addr, &port, INADDR_LEN);
  if(n >= 0 && sa != 0)
    fillin(sa, salen, addr, port);
  return n;
}

// ---------------------------------------------------------------- helpers

int
inet_parse_port(const char *prog, const char *s, ushort *port)
{
  const char *p = s;
  int n;

  n = decimal(&p, 65535);
  if(n <= 0 || *p != 0){
    fprintf(2, "%s: bad port '%s' (want a number 1..65535)\n", prog, s);
    return -1;
  }
  *port = n;
  return 0;
}

int
inet_parse_sockaddr(const char *prog, const char *host, const char *port,
                    struct sockaddr_in *sin)
{
  ushort p;

  memset(sin, 0, sizeof(*sin));
  sin->sin_family = AF_INET;
  if(host == 0)
    sin->sin_addr.s_addr = INADDR_ANY;
  else if(!inet_aton(host, &sin->sin_addr)){
    fprintf(2, "%s: bad address '%s' (want A.B.C.D; there is no DNS)\n",
            prog, host);
    return -1;
  }
  if(inet_parse_port(prog, port, &p) < 0)
    return -1;
  sin->sin_port = htons(p);
  return 0;
}

// write() may take fewer bytes than asked (a stream socket whose send
// buffer is nearly full, say): keep going until all n are written or a
// write fails.
int
write_all(int fd, const void *buf, int n)
{
  const char *p = buf;
  int done, w;

  for(done = 0; done < n; done += w){
    w = write(fd, p + done, n - done);
    if(w <= 0)
      return -1;
  }
  return n;
}
