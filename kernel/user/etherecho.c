// etherecho [count]: send every Ethernet frame received on /dev/ether0
// straight back, with the source and destination MAC addresses swapped.
// Stops after count frames (runs forever without one). The lab-2 tests
// use it to check that frames cross the driver intact, in both directions.

#include "types.h"
#include "stat.h"
#include "fcntl.h"
#include "user.h"

static uchar frame[2048];

int
main(int argc, char *argv[])
{
  uchar mac[6];
  int fd, count, n, len;

  count = argc > 1 ? atoi(argv[1]) : 0;
  if((fd = open("/dev/ether0", O_RDWR)) < 0){
    fprintf(2, "etherecho: cannot open /dev/ether0\n");
    exit(1);
  }
  printf("etherecho: ready\n");
  for(n = 0; count == 0 || n < count; n++){
    if((len = read(fd, frame, sizeof(frame))) < 0){
      fprintf(2, "etherecho: read failed\n");
      exit(1);
    }
    memmove(mac, frame, 6);
    memmove(frame, frame + 6, 6);
    memmove(frame + 6, mac, 6);
    if(write(fd, frame, len) != len){
      fprintf(2, "etherecho: write of %d bytes failed\n", len);
      exit(1);
    }
  }
  printf("etherecho: %d frames\n", n);
  exit(0);
}
