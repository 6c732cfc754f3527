// mkdir: create each named directory.

#include "types.h"
#include "stat.h"
#include "user.h"

int
main(int argc, char *argv[])
{
  int i, status = 0;

  if(argc < 2){
    fprintf(2, "usage: mkdir dir...\n");
    return 1;
  }
  for(i = 1; i < argc; i++){
    if(mkdir(argv[i]) < 0){
      fprintf(2, "mkdir: cannot create %s\n", argv[i]);
      status = 1;
    }
  }
  return status;
}
