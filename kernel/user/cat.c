// cat: copy each named file, or standard input when none is named, to
// standard output.

#include "types.h"
#include "stat.h"
#include "fcntl.h"
#include "user.h"

static char buf[1024];

// Copy fd to stdout; returns 0, or -1 on a read or write error.
static int
copy(int fd)
{
  int n;

  while((n = read(fd, buf, sizeof(buf))) > 0){
    if(write(1, buf, n) != n){
      fprintf(2, "cat: write error\n");
      return -1;
    }
  }
  return n < 0 ? -1 : 0;
}

int
main(int argc, char *argv[])
{
  int i, fd, status = 0;

  if(argc < 2)
    return copy(0) < 0 ? 1 : 0;
  for(i = 1; i < argc; i++){
    fd = open(argv[i], O_RDONLY);
    if(fd < 0){
      fprintf(2, "cat: cannot open %s\n", argv[i]);
      status = 1;
      continue;
    }
    if(copy(fd) < 0){
      fprintf(2, "cat: cannot read %s\n", argv[i]);
      status = 1;
    }
    close(fd);
  }
  return status;
}
