// connect: make an outbound TCP connection from the shell (lab 3).
//
//   connect ADDR PORT
//
// The kernel connects to ADDR:PORT and sends back everything the peer
// sends, until the peer closes (kernel/net/netfile.c, /dev/netdial); then
// this prints how many bytes went round. Under QEMU's user-mode network
// 10.0.2.2 is the host, so with `nc -l 127.0.0.1 5555` on the host,
// `connect 10.0.2.2 5555` in the guest echoes what you type into nc.

#include "types.h"
#include "stat.h"
#include "fcntl.h"
#include "user.h"

int
main(int argc, char *argv[])
{
  char req[48];
  int fd, n, len;

  if(argc != 3){
    fprintf(2, "usage: connect ADDR PORT\n");
    exit(1);
  }
  len = strlen(argv[1]) + 1 + strlen(argv[2]);
  if(len >= sizeof(req)){
    fprintf(2, "connect: address too long\n");
    exit(1);
  }
  strcpy(req, argv[1]);
  strcpy(req + strlen(req), " ");
  strcpy(req + strlen(req), argv[2]);
  if((fd = open("/dev/netdial", O_WRONLY)) < 0){
    fprintf(2, "connect: cannot open /dev/netdial\n");
    exit(1);
  }
  n = write(fd, req, len);
  close(fd);
  if(n < 0){
    fprintf(2, "connect: %s port %s: failed (bad address, refused, "
            "or the connection broke)\n", argv[1], argv[2]);
    exit(1);
  }
  printf("connect: %d bytes echoed, then the peer closed\n", n);
  exit(0);
}
