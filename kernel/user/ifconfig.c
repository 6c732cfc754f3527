// ifconfig: show the NIC's MAC address, link state, interrupt line and
// counters, as the kernel reports them in /dev/ether0info (lab 2).
// LAB 3: BEGIN
// Then the TCP/IP stack's address, netmask, gateway, link and counters,
// from /dev/netinfo (lab 3 on).
// LAB 3: END

#include "types.h"
#include "stat.h"
#include "fcntl.h"
#include "user.h"

// LAB 3: BEGIN
// Copy /dev/netinfo to the output.
static void
shownetinfo(void)
{
  char buf[256];
  int fd, n;

  if((fd = open("/dev/netinfo", O_RDONLY)) < 0)
    return;
  while((n = read(fd, buf, sizeof(buf))) > 0)
    write(1, buf, n);
  close(fd);
}
// LAB 3: END

int
main(int argc, char *argv[])
{
  char line[160];
  int fd, n;

  if((fd = open("/dev/ether0info", O_RDONLY)) < 0){
    fprintf(2, "ifconfig: cannot open /dev/ether0info\n");
    exit(1);
  }
  // One read returns the whole line (there is no end of file).
  n = read(fd, line, sizeof(line) - 1);
  if(n < 0)
    n = 0;
  close(fd);
  line[n] = 0;
  if(n == 0 || strncmp(line, "no nic", 6) == 0){
    fprintf(2, "ifconfig: no network interface\n");
    exit(1);
  }
  printf("ether0: %s", line);
  // LAB 3: BEGIN
  shownetinfo();
  // LAB 3: END
  exit(0);
}
