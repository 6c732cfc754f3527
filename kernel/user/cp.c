// cp: copy a file: cp from to. Either may be a remote path
// (10.0.2.2:/notes.txt, nfs.h), so this is also how files go between the
// guest's disk and a server. `to` is created if missing and emptied if
// not; the copy moves 8 KiB per read and write.

#include "types.h"
#include "stat.h"
#include "fcntl.h"
#include "user.h"

static char buf[8192];

int
main(int argc, char *argv[])
{
  int from, to, n;

  if(argc != 3){
    fprintf(2, "usage: cp from to\n");
    return 1;
  }
  if((from = open(argv[1], O_RDONLY)) < 0){
    fprintf(2, "cp: cannot open %s\n", argv[1]);
    return 1;
  }
  if((to = open(argv[2], O_WRONLY | O_CREATE | O_TRUNC)) < 0){
    fprintf(2, "cp: cannot create %s\n", argv[2]);
    return 1;
  }
  while((n = read(from, buf, sizeof(buf))) > 0){
    if(write(to, buf, n) != n){
      fprintf(2, "cp: cannot write %s\n", argv[2]);
      return 1;
    }
  }
  if(n < 0){
    fprintf(2, "cp: cannot read %s\n", argv[1]);
    return 1;
  }
  close(from);
  if(close(to) < 0){
    fprintf(2, "cp: cannot write %s\n", argv[2]);
    return 1;
  }
  return 0;
}
