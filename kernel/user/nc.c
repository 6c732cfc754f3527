// nc: netcat, standard input to a socket and the socket to standard
// output (lab 4).
//
//   nc HOST PORT          TCP: connect to HOST (A.B.C.D) port PORT
//   nc -l PORT            TCP: accept one connection on PORT, serve it
//   nc -u HOST PORT       UDP: each read of standard input is sent as one
//                         datagram to HOST:PORT (a connect()ed socket);
//                         datagrams that come back are printed
//   nc -u -l PORT         UDP: print every datagram that arrives on PORT;
//                         standard input goes to the last sender
//
// One select() waits on descriptor 0 and the socket, so neither side
// waits on the other. Standard input may be the console (a read returns
// one line), a pipe (whatever is in it, at most the pipe's 512 bytes) or
// a file (as much as was asked for), so the loop never assumes a read's
// size.
//
// How it ends. At end of file on standard input nc closes the socket and
// exits: there is no shutdown() call, so closing is the only way to tell
// the peer that we are done, and once the socket is closed nothing more
// can be received. (So `nc HOST PORT < request` sees no reply that comes
// after the request is sent; httpget is the tool for a request and its
// answer.) At end of file on a TCP socket nc exits. UDP has no end of
// file: a UDP nc ends only at the end of its standard input. Status 0 for
// either end, 1 for a failure.
//
// Speed: data moves through one 32 KiB buffer from malloc (the user stack
// is one page). A datagram from standard input is cut at DGRAM_MAX bytes,
// what one Ethernet frame carries without IP fragmentation.
//
// Sends block: while nc waits for the peer to take bytes it reads
// nothing. Against a peer that also stops reading until it can send
// (an echo server fed a large file), both can wait for ever; the usual
// uses, one direction at a time as in `nc -l 9000 > file` or
// `nc -l 9000 | nc 10.0.2.2 5000`, never do.

#include "types.h"
#include "stat.h"
#include "user.h"
#include "inet.h"

#define BUFSZ      (32*1024)
#define DGRAM_MAX  1472      // 1500-byte Ethernet payload less IP and UDP headers

static char *buf;

static void
usage(void)
{
  fprintf(2, "usage: nc [-u] HOST PORT\n"
             "       nc [-u] -l PORT\n");
  exit(1);
}

static void
fail(const char *what)
{
  fprintf(2, "nc: %s\n", what);
  exit(1);
}

// Wait until standard input or sock has something to read (or an end of
// file to report); sets *in and *net to say which.
static void
waitboth(int sock, int *in, int *net)
{
  fd_set rd;

  FD_ZERO(&rd);
  FD_SET(0, &rd);
  FD_SET(sock, &rd);
  if(select(sock + 1, &rd, 0, 0, 0) < 0)
    fail("select failed");
  *in = FD_ISSET(0, &rd);
  *net = FD_ISSET(sock, &rd);
}

// Read standard input: up to max bytes. At end of file, close sock and
// exit, which is how the peer learns that we are done.
static int
readstdin(int sock, int max)
{
  int n;

  n = read(0, buf, max);
  if(n < 0)
    fail("cannot read standard input");
  if(n == 0){
    close(sock);
    exit(0);
  }
  return n;
}

static void
writestdout(int n)
{
  if(write_all(1, buf, n) < 0)
    fail("cannot write standard output");
}

// Move bytes both ways over a TCP connection or a connect()ed UDP
// socket until one side ends.
static void
relay(int sock, int udp)
{
  int in, net, n;

  for(;;){
    waitboth(sock, &in, &net);
    if(net){
      n = recv(sock, buf, BUFSZ, 0);
      if(n < 0)
        fail(udp ? "receive failed (is anyone at that port?)"
                 : "connection broke");
      if(n == 0 && !udp)
        exit(0);
      writestdout(n);
    }
    if(in){
      n = readstdin(sock, udp ? DGRAM_MAX : BUFSZ);
      if(udp ? send(sock, buf, n, 0) != n : write_all(sock, buf, n) < 0)
        fail(udp ? "send failed" : "connection broke");
    }
  }
}

static int
newsocket(int type)
{
  int sock;

  if((sock = socket(AF_INET, type, 0)) < 0)
    fail("cannot create a socket");
  return sock;
}

static void
bindport(int sock, struct sockaddr_in *sin)
{
  if(bsd_bind(sock, (struct sockaddr*)sin, sizeof(*sin)) < 0){
    fprintf(2, "nc: cannot bind port %d (in use?)\n", ntohs(sin->sin_port));
    exit(1);
  }
}

static void
client(struct sockaddr_in *sin, int udp)
{
  int sock = newsocket(udp ? SOCK_DGRAM : SOCK_STREAM);

  if(bsd_connect(sock, (struct sockaddr*)sin, sizeof(*sin)) < 0){
    fprintf(2, "nc: cannot connect to %s port %d\n",
            inet_ntoa(sin->sin_addr), ntohs(sin->sin_port));
    exit(1);
  }
  relay(sock, udp);
}

static void
tcpserver(struct sockaddr_in *sin)
{
  int lsock, sock;

  lsock = newsocket(SOCK_STREAM);
  bindport(lsock, sin);
  if(bsd_listen(lsock, 1) < 0)
    fail("listen failed");
  if((sock = bsd_accept(lsock, 0, 0)) < 0)
    fail("accept failed");
  close(lsock);           // one connection only: refuse any others
  relay(sock, 0);
}

// Datagrams from anyone to standard output; standard input, one read per
// datagram, to whoever sent the last one.
static void
udpserver(struct sockaddr_in *sin)
{
  struct sockaddr_in peer;
  int sock, in, net, n, salen, havepeer = 0;

  sock = newsocket(SOCK_DGRAM);
  bindport(sock, sin);
  for(;;){
    waitboth(sock, &in, &net);
    if(net){
      salen = sizeof(peer);
      n = bsd_recvfrom(sock, buf, BUFSZ, 0, (struct sockaddr*)&peer, &salen);
      if(n < 0)
        fail("receive failed");
      havepeer = 1;
      writestdout(n);
    }
    if(in){
      n = readstdin(sock, DGRAM_MAX);
      if(!havepeer)
        fprintf(2, "nc: no datagram yet, so no one to send to: "
                   "%d bytes dropped\n", n);
      else if(bsd_sendto(sock, buf, n, 0, (struct sockaddr*)&peer,
                         sizeof(peer)) != n)
        fail("send failed");
    }
  }
}

int
main(int argc, char *argv[])
{
  struct sockaddr_in sin;
  int i, udp = 0, listening = 0;
  char *c;

  for(i = 1; i < argc && argv[i][0] == '-'; i++){
    if(argv[i][1] == 0)
      usage();
    for(c = argv[i] + 1; *c; c++){
      if(*c == 'u')
        udp = 1;
      else if(*c == 'l')
        listening = 1;
      else
        usage();
    }
  }
  if(argc - i != (listening ? 1 : 2))
    usage();
  if(inet_parse_sockaddr("nc", listening ? 0 : argv[i], argv[argc - 1],
                         &sin) < 0)
    exit(1);
  if((buf = malloc(BUFSZ)) == 0)
    fail("out of memory");
  if(!listening)
    client(&sin, udp);
  else if(udp)
    udpserver(&sin);
  else
    tcpserver(&sin);
  return 0;
}
