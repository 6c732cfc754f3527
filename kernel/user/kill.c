// kill: kill each process named by its pid.

#include "types.h"
#include "stat.h"
#include "user.h"

int
main(int argc, char *argv[])
{
  int i, status = 0;

  if(argc < 2){
    fprintf(2, "usage: kill pid...\n");
    return 1;
  }
  for(i = 1; i < argc; i++){
    if(argv[i][0] < '0' || argv[i][0] > '9' || kill(atoi(argv[i])) < 0){
      fprintf(2, "kill: cannot kill %s\n", argv[i]);
      status = 1;
    }
  }
  return status;
}
