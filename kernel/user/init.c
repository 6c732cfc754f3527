// init: the first user program, process 1.
//
// It gives every later program a console: it makes /dev and the console
// device node if the file system lacks them, opens the console as fd 0
// and duplicates it to fds 1 and 2, which every child inherits. Then it
// keeps a shell running forever, restarting it whenever it exits.
//
// init is also the parent of every orphan (the kernel re-parents children
// of an exiting process to it), so its wait() loop reaps those too; it
// only starts a new shell when the shell itself is the one that exited.

#include "types.h"
#include "stat.h"
#include "fcntl.h"
#include "user.h"

// Major number of the console device; the kernel's file.h has the same.
#define CONSOLE 1

static char *shargv[] = { "sh", 0 };

// Open the console read/write, creating its device node on first boot.
static int
openconsole(void)
{
  int fd;

  mkdir("/dev");   // fails harmlessly when it already exists
  fd = open("/dev/console", O_RDWR);
  if(fd >= 0)
    return fd;
  if(mknod("/dev/console", CONSOLE, 0) < 0)
    return -1;
  return open("/dev/console", O_RDWR);
}

// LAB 4: BEGIN
#define HTTPD_WAIT_MS 60000     // how long to wait for the stack to come up
static char *httpdargv[] = { "httpd", 0 };

// Start the web server (httpd on port 80, which `make qemu` forwards to
// the host), in a process of its own, once the stack takes sockets:
// socket() fails until the kernel's bring-up has started lwIP, and for
// good with net=off or without a NIC, when the process just gives up.
// The server runs without descriptors 0-2, so its messages do not land
// in the middle of the shell's.
static void
starthttpd(void)
{
  int fd, waited;

  if(fork() != 0)
    return;
  for(waited = 0; waited < HTTPD_WAIT_MS; waited += 200){
    if((fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0){
      close(fd);
      close(0);
      close(1);
      close(2);
      exec("/httpd", httpdargv);
      exit(1);
    }
    sleep(200);
  }
  exit(0);
}
// LAB 4: END

// Start a shell; returns its pid, or -1 if fork failed.
static int
startsh(void)
{
  int pid;

  printf("init: starting sh\n");
  pid = fork();
  if(pid == 0){
    exec("/sh", shargv);
    exec("sh", shargv);
    printf("init: exec sh failed\n");
    exit(1);
  }
  return pid;
}

int
main(void)
{
  int pid, wpid, status;

  if(openconsole() != 0){
    // Without fd 0 there is nowhere to report the problem; try anyway
    // in case a console was inherited.
    exit(1);
  }
  dup(0);   // stdout
  dup(0);   // stderr
  // LAB 2: BEGIN
  // The NIC's device files (major 2 is ETHER in kernel/file.h): raw frames
  // and the info line ifconfig reads. mknod fails harmlessly if they exist.
  mknod("/dev/ether0", 2, 0);
  mknod("/dev/ether0info", 2, 1);
  // LAB 2: END
  // LAB 3: BEGIN
  // The TCP/IP stack's files (major 3 is NET): the address and counters
  // ifconfig prints, the outbound connection `connect` makes, and a test
  // hook (kernel/net/netfile.c).
  mknod("/dev/netinfo", 3, 0);
  mknod("/dev/netdial", 3, 1);
  mknod("/dev/netctl", 3, 2);
  // LAB 3: END
  // LAB 4: BEGIN
  // /dev/null and /dev/zero (major 4 is MEM: kernel/memdev.c).
  mknod("/dev/null", 4, 0);
  mknod("/dev/zero", 4, 1);
  starthttpd();
  // LAB 4: END

  for(;;){
    pid = startsh();
    if(pid < 0){
      printf("init: fork failed\n");
      sleep(1000);
      continue;
    }
    // Reap orphans until the shell itself exits.
    for(;;){
      wpid = wait(&status);
      if(wpid == pid)
        break;
      if(wpid < 0){
        // No children at all: the shell is gone without a trace.
        printf("init: wait returned an error\n");
        break;
      }
    }
  }
}
