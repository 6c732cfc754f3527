// ethersend [-n size] [-s src-mac] dst-mac ethertype hex-payload [count]:
// send one Ethernet frame (or count identical ones) from this machine's
// MAC address (or from src-mac: a forged one, for lab 6's policy), e.g.
//
//   ethersend ff:ff:ff:ff:ff:ff 88b5 48656c6c6f
//   ethersend -n 1500 ff:ff:ff:ff:ff:ff 88b5 00 10000    (a benchmark)
//
// The frame is exactly 14 bytes plus the payload: nothing pads it to the
// 60-byte Ethernet minimum, so what the peer sees is what was given.
// -n repeats the payload until it is size bytes long.

#include "types.h"
#include "stat.h"
#include "fcntl.h"
#include "user.h"

static uchar frame[1514];

static int
hexval(char c)
{
  if(c >= '0' && c <= '9')
    return c - '0';
  if(c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if(c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

// Parse pairs of hex digits from s into out, skipping ':' between pairs.
// Returns the number of bytes, or -1 on a malformed string or overflow.
static int
parsehex(char *s, uchar *out, int max)
{
  int n = 0, hi, lo;

  while(*s){
    if(*s == ':'){
      s++;
      continue;
    }
    if((hi = hexval(s[0])) < 0 || (lo = hexval(s[1])) < 0 || n >= max)
      return -1;
    out[n++] = hi << 4 | lo;
    s += 2;
  }
  return n;
}

// Our MAC address, from the line "mac xx:xx:xx:xx:xx:xx ..." the kernel
// gives in /dev/ether0info.
static int
mymac(uchar *mac)
{
  char line[160];
  int fd, n;

  if((fd = open("/dev/ether0info", O_RDONLY)) < 0)
    return -1;
  n = read(fd, line, sizeof(line) - 1);
  close(fd);
  if(n < 21 || strncmp(line, "mac ", 4) != 0)
    return -1;
  line[21] = 0;
  return parsehex(line + 4, mac, 6) == 6 ? 0 : -1;
}

int
main(int argc, char *argv[])
{
  uchar type[2];
  int fd, n, i, count, size;
  char *src;

  size = 0;
  src = 0;
  while(argc > 2 && (strcmp(argv[1], "-n") == 0 || strcmp(argv[1], "-s") == 0)){
    if(argv[1][1] == 'n')
      size = atoi(argv[2]);
    else
      src = argv[2];
    argc -= 2;
    argv += 2;
  }
  if(argc < 4 || size < 0 || size > sizeof(frame) - 14){
    fprintf(2, "usage: ethersend [-n size] [-s src-mac] dst-mac ethertype "
               "hex-payload [count]\n");
    exit(1);
  }
  if(parsehex(argv[1], frame, 6) != 6 || parsehex(argv[2], type, 2) != 2 ||
     (src && parsehex(src, frame + 6, 6) != 6)){
    fprintf(2, "ethersend: bad MAC address or ethertype\n");
    exit(1);
  }
  if(!src && mymac(frame + 6) < 0){
    fprintf(2, "ethersend: no network interface\n");
    exit(1);
  }
  frame[12] = type[0];
  frame[13] = type[1];
  if((n = parsehex(argv[3], frame + 14, sizeof(frame) - 14)) < 0){
    fprintf(2, "ethersend: bad hex payload\n");
    exit(1);
  }
  for(i = n; n > 0 && i < size; i++)
    frame[14 + i] = frame[14 + i % n];
  if(size > 0 && n > 0)
    n = size;
  count = argc > 4 ? atoi(argv[4]) : 1;
  if((fd = open("/dev/ether0", O_WRONLY)) < 0){
    fprintf(2, "ethersend: cannot open /dev/ether0\n");
    exit(1);
  }
  for(i = 0; i < count; i++){
    if(write(fd, frame, 14 + n) != 14 + n){
      fprintf(2, "ethersend: write failed\n");
      exit(1);
    }
  }
  printf("ethersend: sent %d frame(s) of %d bytes\n", count, 14 + n);
  exit(0);
}
