// socktest: the lab-4 tests' guest helper for the socket calls' edges.
//
//   socktest bad HOST PORT NONCE LPORT    bad descriptors, pointers, lengths
//   socktest refused HOST PORT CPORT N    connect to a closed port, N times
//   socktest block WHAT HOST PORT NONCE LPORT   block in accept (on LPORT),
//                                         recv or connect until killed
//   socktest serve HOST PORT NONCE LPORT  bind LPORT again, accept one
//   socktest cycles N HOST PORT NONCE CPORT LPORT   N socket/close cycles
//   socktest fork HOST PORT NONCE         a child keeps a socket its
//                                         parent closed
//
// Every subcommand first connects to HOST:PORT, the test's server on the
// host (10.0.2.2 under slirp), and reports there, one line per fact,
// starting with the host's NONCE. The host knows what each call must
// return and judges; this program only says what it saw, so a kernel that
// panics, hangs or answers wrongly shows on the host's side of a socket.

#include "types.h"
#include "stat.h"
#include "fcntl.h"
#include "user.h"

#define KERNPTR   ((void*)0x80100000)   // kernel memory: never the user's
#define PAGE0PTR  ((void*)0x10)         // page 0: mapped, not user-accessible

static int ctl;                 // the connection to the host's server
static uchar host[INADDR_LEN];
static uchar any[INADDR_LEN];   // 0.0.0.0

static void
die(const char *what)
{
  fprintf(2, "socktest: %s\n", what);
  if(ctl > 0)
    fprintf(ctl, "error %s\n", what);
  exit(1);
}

// "A.B.C.D" into a[4]; 0 on success.
static int
parseaddr(const char *s, uchar *a)
{
  int i, n;

  for(i = 0; i < 4; i++){
    if(*s < '0' || *s > '9')
      return -1;
    for(n = 0; *s >= '0' && *s <= '9'; s++)
      n = n * 10 + *s - '0';
    if(n > 255 || *s != (i < 3 ? '.' : 0))
      return -1;
    a[i] = n;
    s++;
  }
  return 0;
}

static int
tcpconnect(uchar *addr, int port)
{
  int fd;

  if((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
    return -1;
  if(connect(fd, addr, port, INADDR_LEN) < 0){
    close(fd);
    return -1;
  }
  return fd;
}

static int
tcplisten(int port)
{
  int fd;

  if((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
    return -1;
  if(bind(fd, any, port, INADDR_LEN) < 0 || listen(fd) < 0){
    close(fd);
    return -1;
  }
  return fd;
}

static void
report(const char *what, int rc)
{
  fprintf(ctl, "%s %d\n", what, rc);
}

// Wait up to ms for fd to be readable; 1 if it is.
static int
readable(int fd, int ms)
{
  fd_set rd;
  struct timeval tv;

  FD_ZERO(&rd);
  FD_SET(fd, &rd);
  tv.tv_sec = ms / 1000;
  tv.tv_usec = (ms % 1000) * 1000;
  return select(fd + 1, &rd, 0, 0, &tv) == 1 && FD_ISSET(fd, &rd);
}

// One line from the host on ctl (at most n-1 bytes), NUL-terminated,
// without its newline. -1 on EOF.
static int
ctlline(char *buf, int n)
{
  int i = 0;
  char c;

  while(i < n - 1){
    if(recv(ctl, &c, 1, 0) != 1)
      return -1;
    if(c == '\n')
      break;
    buf[i++] = c;
  }
  buf[i] = 0;
  return i;
}

// ---------------------------------------------------------------- bad

// Bad descriptors: closed, out of range, negative, and descriptors that
// are not sockets (a pipe, a file).
static void
badfds(int pipefd, int filefd)
{
  int fds[5] = { -1, 15, 16, 1000, 0 };
  char name[32], buf[8];
  ushort port;
  int i, fd;
  const char *kind[5] = { "neg", "closed", "range", "huge", "pipe" };

  fds[4] = pipefd;
  for(i = 0; i < 5; i++){
    fd = fds[i];
    strcpy(name, "bind-fd-"); strcpy(name + 8, kind[i]);
    report(name, bind(fd, any, 0, INADDR_LEN));
    strcpy(name, "listen-fd-"); strcpy(name + 10, kind[i]);
    report(name, listen(fd));
    strcpy(name, "connect-fd-"); strcpy(name + 11, kind[i]);
    report(name, connect(fd, host, 9, INADDR_LEN));
    strcpy(name, "accept-fd-"); strcpy(name + 10, kind[i]);
    report(name, accept(fd, host, &port, INADDR_LEN));
    strcpy(name, "sendto-fd-"); strcpy(name + 10, kind[i]);
    report(name, sendto(fd, "x", 1, 0, host, 9, INADDR_LEN));
    strcpy(name, "recvfrom-fd-"); strcpy(name + 12, kind[i]);
    report(name, recvfrom(fd, buf, 1, MSG_DONTWAIT, host, &port, INADDR_LEN));
    if(i < 4){        // a pipe may well be sent to and received from
      strcpy(name, "send-fd-"); strcpy(name + 8, kind[i]);
      report(name, send(fd, "x", 1, 0));
      strcpy(name, "recv-fd-"); strcpy(name + 8, kind[i]);
      report(name, recv(fd, buf, 1, 0));
    }
  }
  report("bind-fd-file", bind(filefd, any, 0, INADDR_LEN));
  report("listen-fd-file", listen(filefd));
  report("accept-fd-file", accept(filefd, 0, 0, INADDR_LEN));
}

static void
badselect(void)
{
  fd_set rd;
  struct timeval tv = { 0, 1000 };

  FD_ZERO(&rd);
  FD_SET(ctl, &rd);
  report("select-rd-kernel", select(ctl + 1, KERNPTR, 0, 0, &tv));
  report("select-wr-page0", select(ctl + 1, 0, PAGE0PTR, 0, &tv));
  report("select-timeout-kernel", select(ctl + 1, &rd, 0, 0, KERNPTR));
  FD_ZERO(&rd);
  FD_SET(15, &rd);                      // closed
  report("select-fd-closed", select(16, &rd, 0, 0, &tv));
  FD_ZERO(&rd);
  report("select-max-neg", select(-1, &rd, 0, 0, &tv));
  report("select-max-big", select(FD_SETSIZE + 1, &rd, 0, 0, &tv));
}

static void
badcalls(int pport, int lport)
{
  char buf[64];
  uchar *top;
  int t, u, l, a, i, fds[2];
  ushort port;
  uchar addr[INADDR_LEN];

  top = (uchar*)sbrk(0);                // the end of this process's memory
  if(pipe(fds) < 0)
    die("pipe");
  if((i = open("/README.md", O_RDONLY)) < 0)
    die("open /README.md");
  badfds(fds[0], i);
  close(i);

  report("socket-family", socket(10, SOCK_STREAM, 0));
  report("socket-type", socket(AF_INET, 3, 0));
  report("socket-proto", socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));

  if((t = socket(AF_INET, SOCK_STREAM, 0)) < 0)
    die("socket");
  report("bind-addr-kernel", bind(t, KERNPTR, 0, INADDR_LEN));
  report("bind-addr-page0", bind(t, PAGE0PTR, 0, INADDR_LEN));
  report("bind-addr-top", bind(t, top + 4096, 0, INADDR_LEN));
  report("bind-addr-straddle", bind(t, top - 2, 0, INADDR_LEN));
  report("bind-addrlen", bind(t, any, 0, 16));
  report("connect-addr-kernel", connect(t, KERNPTR, pport, INADDR_LEN));
  report("connect-addr-top", connect(t, top + 8192, pport, INADDR_LEN));
  report("connect-addrlen", connect(t, host, pport, 0));
  close(t);

  report("send-buf-kernel", send(ctl, KERNPTR, 64, 0));
  report("send-buf-straddle", send(ctl, top - 8, 64, 0));
  report("send-len-neg", send(ctl, buf, (uint)-1, 0));
  report("write-buf-kernel", write(ctl, KERNPTR, 64));
  // The host has sent data: a recv has something to copy to the pointer.
  report("recv-ready", readable(ctl, 10000));
  report("recv-buf-kernel", recv(ctl, KERNPTR, 64, 0));
  report("recv-buf-page0", recv(ctl, PAGE0PTR, 64, 0));
  report("recv-buf-straddle", recv(ctl, top - 8, 64, 0));
  report("read-buf-kernel", read(ctl, KERNPTR, 64));
  report("recv-good", recv(ctl, buf, 1, 0));

  // UDP: the host echoes each datagram, so one is waiting each time.
  if((u = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
    die("socket udp");
  report("sendto-addr-kernel", sendto(u, "x", 1, 0, KERNPTR, pport, INADDR_LEN));
  report("sendto-buf-kernel", sendto(u, KERNPTR, 16, 0, host, pport, INADDR_LEN));
  report("sendto-addrlen", sendto(u, "x", 1, 0, host, pport, 2));
  for(i = 0; i < 3; i++){
    sendto(u, "echo", 4, 0, host, pport, INADDR_LEN);
    if(!readable(u, 10000))
      report("recvfrom-nothing-came", i);
    if(i == 0)
      report("recvfrom-buf-kernel", recvfrom(u, KERNPTR, 16, 0, addr, &port, INADDR_LEN));
    if(i == 1)
      report("recvfrom-addr-kernel", recvfrom(u, buf, 16, 0, KERNPTR, &port, INADDR_LEN));
    if(i == 2)
      report("recvfrom-port-kernel", recvfrom(u, buf, 16, 0, addr, KERNPTR, INADDR_LEN));
  }
  report("recvfrom-good", recvfrom(u, buf, 16, 0, addr, &port, INADDR_LEN) == 4 &&
         memcmp(buf, "echo", 4) == 0 ? 0 : -1);
  close(u);

  // accept: the host keeps four connections waiting.
  if((l = tcplisten(lport)) < 0)
    die("listen");
  report("listening", 0);
  report("accept-ready", readable(l, 20000));
  report("accept-addr-kernel", accept(l, KERNPTR, &port, INADDR_LEN));
  report("accept-port-kernel", accept(l, addr, KERNPTR, INADDR_LEN));
  report("accept-port-page0", accept(l, addr, PAGE0PTR, INADDR_LEN));
  a = accept(l, addr, &port, INADDR_LEN);
  report("accept-good", a < 0 ? -1 : 0);
  close(a);
  close(l);
  badselect();
  report("seek-socket", seek(ctl, 0));
  report("seek-fd-closed", seek(15, 0));
}

static void
bad(char *nonce, int pport, int lport)
{
  char buf[512];

  fprintf(ctl, "%s\n", nonce);
  badcalls(pport, lport);
  // Read what the host sent and the calls above refused to take: a close
  // with unread data resets the connection, and the host would lose the
  // end of this report.
  while(recv(ctl, buf, sizeof(buf), MSG_DONTWAIT) > 0)
    ;
  fprintf(ctl, "end %s\n", nonce);
}

// ---------------------------------------------------------------- refused

static void
refused(int cport, int n)
{
  int i, t, rc, t0;

  for(i = 0; i < n; i++){
    if((t = socket(AF_INET, SOCK_STREAM, 0)) < 0)
      die("socket");
    t0 = uptime();
    rc = connect(t, host, cport, INADDR_LEN);
    fprintf(ctl, "connect %d %d\n", rc, uptime() - t0);
    close(t);
  }
}

// ---------------------------------------------------------------- block

static void
block(const char *what, int lport)
{
  static uchar silent[INADDR_LEN] = { 10, 0, 2, 77 };   // nobody answers ARP
  char c;
  int s, rc = -2;

  fprintf(ctl, "pid %d\n", getpid());
  if(strcmp(what, "accept") == 0){
    if((s = tcplisten(lport)) < 0)
      die("listen");
    fprintf(ctl, "blocking\n");
    rc = accept(s, 0, 0, INADDR_LEN);
  } else if(strcmp(what, "recv") == 0){
    fprintf(ctl, "blocking\n");
    rc = recv(ctl, &c, 1, 0);
  } else if(strcmp(what, "connect") == 0){
    if((s = socket(AF_INET, SOCK_STREAM, 0)) < 0)
      die("socket");
    fprintf(ctl, "blocking\n");
    rc = connect(s, silent, 80, INADDR_LEN);
  }
  fprintf(ctl, "returned %d\n", rc);
}

// ---------------------------------------------------------------- serve

static void
serve(char *nonce, int lport)
{
  uchar a[INADDR_LEN];
  ushort port = 0;
  int l, c;

  l = socket(AF_INET, SOCK_STREAM, 0);
  report("bind", bind(l, any, lport, INADDR_LEN));
  report("listen", listen(l));
  if((c = accept(l, a, &port, INADDR_LEN)) < 0)
    die("accept");
  fprintf(c, "%s peer %d.%d.%d.%d %d\n", nonce, a[0], a[1], a[2], a[3], port);
  close(c);
  close(l);
  fprintf(ctl, "served\n");
}

// ---------------------------------------------------------------- cycles

// What the host compares before and after: /dev/netinfo, and the pages a
// new process can get, counted as fuzz.h's fuzz_freepages does: a child
// grows its heap until sbrk fails and exits with the number of pages.
static char info[4096];

static int
freepages(void)
{
  int pid, n, st;

  if((pid = fork()) < 0)
    die("fork");
  if(pid == 0){
    n = 0;
    while(sbrk(64 * 4096) != (char*)-1)
      n += 64;
    while(sbrk(4096) != (char*)-1)
      n++;
    exit(n);
  }
  if(wait(&st) != pid)
    die("wait");
  return st;
}

static void
snapshot(void)
{
  int fd, n, m = 0;

  if((fd = open("/dev/netinfo", O_RDONLY)) < 0)
    die("open /dev/netinfo");
  while(m < sizeof(info) - 1 && (n = read(fd, info + m, sizeof(info) - 1 - m)) > 0)
    m += n;
  close(fd);
  info[m] = 0;
  fprintf(ctl, "free %d\n", freepages());
  write(ctl, "netinfo\n", 8);
  write(ctl, info, m);
  write(ctl, "end\n", 4);
}

static int bindfails;    // binds of LPORT refused: the last close kept it

static void
cycle(int i, int cport, int lport)
{
  int s;

  switch(i % 6){
  case 0:
    s = socket(AF_INET, SOCK_STREAM, 0);
    break;
  case 1:
    s = socket(AF_INET, SOCK_DGRAM, 0);
    break;
  case 2:
    s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    bind(s, any, 0, INADDR_LEN);
    break;
  case 3:
    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if(bind(s, any, lport, INADDR_LEN) < 0 || listen(s) < 0)
      bindfails++;
    break;
  case 4:
    s = socket(AF_INET, SOCK_STREAM, 0);
    bind(s, any, 0, INADDR_LEN);
    break;
  default:
    s = socket(AF_INET, SOCK_STREAM, 0);
    connect(s, host, cport, INADDR_LEN);     // refused
    break;
  }
  if(s < 0){
    fprintf(ctl, "cycle %d socket failed\n", i);
    die("socket failed");
  }
  if(close(s) < 0){
    fprintf(ctl, "cycle %d close failed\n", i);
    die("close failed");
  }
}

// The host's connections to LPORT, accepted, answered with "k" after
// the host's FIN (or, every other one, after one byte of the host's
// data, so that the close leaves received data unread) and closed; and
// connections to the host's server, which the host closes.
static void
conns(int n, int pport, int lport)
{
  int l, i, c;
  char buf[16];

  if((l = tcplisten(lport)) < 0)
    die("listen");
  fprintf(ctl, "listening\n");
  for(i = 0; i < n; i++){
    if((c = accept(l, 0, 0, INADDR_LEN)) < 0)
      die("accept");
    if(i % 2)                           // close with data left unread
      recv(c, buf, 1, 0);
    else
      while(recv(c, buf, sizeof(buf), 0) > 0)
        ;
    send(c, "k", 1, 0);                 // tells the host this one is done
    close(c);
  }
  close(l);
  for(i = 0; i < n; i++){
    if((c = tcpconnect(host, pport)) < 0)
      die("connect");
    while(recv(c, buf, sizeof(buf), 0) > 0)
      ;
    close(c);
  }
}

static void
cycles(char *nonce, int n, int pport, int cport, int lport)
{
  char cmd[32];
  int i;

  fprintf(ctl, "%s\n", nonce);
  while(ctlline(cmd, sizeof(cmd)) >= 0){
    if(strcmp(cmd, "snap") == 0)
      snapshot();
    else if(strcmp(cmd, "cycles") == 0){
      for(i = 0; i < n; i++)
        cycle(i, cport, lport);
      fprintf(ctl, "cycled %d bindfails %d\n", n, bindfails);
    } else if(strncmp(cmd, "conns ", 6) == 0){
      conns(atoi(cmd + 6), pport, lport);
      fprintf(ctl, "connected\n");
    } else
      break;
  }
}

// ---------------------------------------------------------------- fork

// The parent closes its copy of a connected socket and exits; the child,
// which still holds it, then talks on it.
static void
forked(char *nonce)
{
  char buf[64];
  int pid, n;

  fprintf(ctl, "%s parent\n", nonce);
  if((pid = fork()) < 0)
    die("fork");
  if(pid > 0){
    close(ctl);
    exit(0);
  }
  sleep(300);                           // the parent has closed and gone
  fprintf(ctl, "%s child\n", nonce);
  n = recv(ctl, buf, sizeof(buf), 0);
  if(n > 0)
    send(ctl, buf, n, 0);
  close(ctl);
  exit(0);
}

// ---------------------------------------------------------------- main

int
main(int argc, char *argv[])
{
  char *cmd = argc > 1 ? argv[1] : "";
  int a;                                // index of HOST

  a = strcmp(cmd, "block") == 0 || strcmp(cmd, "cycles") == 0 ? 3 : 2;
  if(argc < a + 3 || parseaddr(argv[a], host) < 0){
    fprintf(2, "usage: socktest bad|refused|block|serve|cycles|fork ...\n");
    exit(1);
  }
  if((ctl = tcpconnect(host, atoi(argv[a + 1]))) < 0)
    die("cannot connect to the host");
  if(strcmp(cmd, "bad") == 0 && argc >= 6)
    bad(argv[4], atoi(argv[3]), atoi(argv[5]));
  else if(strcmp(cmd, "refused") == 0 && argc >= 6)
    refused(atoi(argv[4]), atoi(argv[5]));
  else if(strcmp(cmd, "block") == 0 && argc >= 7){
    fprintf(ctl, "%s\n", argv[5]);
    block(argv[2], atoi(argv[6]));
  } else if(strcmp(cmd, "serve") == 0 && argc >= 6){
    fprintf(ctl, "%s\n", argv[4]);
    serve(argv[4], atoi(argv[5]));
  } else if(strcmp(cmd, "cycles") == 0 && argc >= 8)
    cycles(argv[5], atoi(argv[2]), atoi(argv[4]), atoi(argv[6]), atoi(argv[7]));
  else if(strcmp(cmd, "fork") == 0 && argc >= 5)
    forked(argv[4]);
  else
    die("bad arguments");
  close(ctl);
  exit(0);
}
