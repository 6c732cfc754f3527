// echosrv: a TCP echo server in one process (lab 4).
//
//   echosrv [PORT]       PORT defaults to 7007
//
// Every byte a client sends goes back to that client. One select() waits
// on the listening socket and on every client at once, so a client that
// sends nothing holds up no one: this is the single-process alternative
// to httpd's process per connection.
//
// The clients live in a fixed table of MAXCLIENTS descriptors (-1: a
// free slot). A process has NOFILE = 16 descriptors. echosrv never reads
// its standard input, so it closes descriptor 0; that leaves 1 and 2, the
// listening socket, 12 clients and one spare. A connection that arrives
// when the table is full is accepted into the spare and closed at once:
// refused, rather than left waiting (and leaving the listening socket
// ready, so that select() would return at once, for ever).
//
// Each client's bytes are sent back as soon as they are read, with a
// blocking send of that one chunk. The send waits only if the client is
// not reading what it gets back while its receive window is full; then
// the whole server waits with it. Queueing the bytes per client until
// select() said the socket was writable would avoid that, at the cost of
// a buffer per client; an echo client reads its echo, so we keep it
// simple.

#include "types.h"
#include "stat.h"
#include "user.h"
#include "inet.h"

#define MAXCLIENTS 12
#define BUFSZ      (16*1024)

static int clients[MAXCLIENTS];
static char *buf;

// Accept the waiting connection into a free slot, or refuse it.
static void
admit(int lsock)
{
  struct sockaddr_in peer;
  int i, sock, salen = sizeof(peer);

  if((sock = bsd_accept(lsock, (struct sockaddr*)&peer, &salen)) < 0){
    fprintf(2, "echosrv: accept failed\n");
    sleep(100);         // do not spin if accept keeps failing
    return;
  }
  for(i = 0; i < MAXCLIENTS; i++){
    if(clients[i] < 0){
      clients[i] = sock;
      fprintf(2, "echosrv: %s port %d connected\n",
              inet_ntoa(peer.sin_addr), ntohs(peer.sin_port));
      return;
    }
  }
  fprintf(2, "echosrv: %s port %d refused: %d clients already\n",
          inet_ntoa(peer.sin_addr), ntohs(peer.sin_port), MAXCLIENTS);
  close(sock);
}

// Echo what client i has sent; drop the client at its end or on error.
static void
echo(int i)
{
  int n;

  n = recv(clients[i], buf, BUFSZ, 0);
  if(n > 0 && write_all(clients[i], buf, n) == n)
    return;
  close(clients[i]);
  clients[i] = -1;
  fprintf(2, "echosrv: a client %s\n", n == 0 ? "closed" : "broke off");
}

// The set of descriptors to wait on; *max is one above the highest.
static void
fillset(int lsock, fd_set *rd, int *max)
{
  int i;

  FD_ZERO(rd);
  FD_SET(lsock, rd);
  *max = lsock + 1;
  for(i = 0; i < MAXCLIENTS; i++){
    if(clients[i] >= 0){
      FD_SET(clients[i], rd);
      if(clients[i] + 1 > *max)
        *max = clients[i] + 1;
    }
  }
}

int
main(int argc, char *argv[])
{
  struct sockaddr_in sin;
  fd_set rd;
  int i, lsock, max;

  if(argc > 2){
    fprintf(2, "usage: echosrv [PORT]\n");
    exit(1);
  }
  if(inet_parse_sockaddr("echosrv", 0, argc == 2 ? argv[1] : "7007",
                         &sin) < 0)
    exit(1);
  close(0);
  if((buf = malloc(BUFSZ)) == 0){
    fprintf(2, "echosrv: out of memory\n");
    exit(1);
  }
  if((lsock = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
     bsd_bind(lsock, (struct sockaddr*)&sin, sizeof(sin)) < 0 ||
     bsd_listen(lsock, MAXCLIENTS) < 0){
    fprintf(2, "echosrv: cannot listen on port %d (in use?)\n",
            ntohs(sin.sin_port));
    exit(1);
  }
  for(i = 0; i < MAXCLIENTS; i++)
    clients[i] = -1;
  fprintf(2, "echosrv: listening on port %d\n", ntohs(sin.sin_port));
  for(;;){
    fillset(lsock, &rd, &max);
    if(select(max, &rd, 0, 0, 0) < 0){
      fprintf(2, "echosrv: select failed\n");
      exit(1);
    }
    for(i = 0; i < MAXCLIENTS; i++){
      if(clients[i] >= 0 && FD_ISSET(clients[i], &rd))
        echo(i);
    }
    if(FD_ISSET(lsock, &rd))
      admit(lsock);
  }
}
