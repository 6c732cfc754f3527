// rm: remove each named file (or empty directory: the kernel's unlink
// refuses a directory that still has entries, and "." and "..").

#include "types.h"
#include "stat.h"
#include "user.h"

int
main(int argc, char *argv[])
{
  int i, status = 0;

  if(argc < 2){
    fprintf(2, "usage: rm file...\n");
    return 1;
  }
  for(i = 1; i < argc; i++){
    if(unlink(argv[i]) < 0){
      fprintf(2, "rm: cannot remove %s\n", argv[i]);
      status = 1;
    }
  }
  return status;
}
