// echo: print the arguments separated by spaces and ended by a newline.
// The line is assembled first and written with one write(), so lines
// from concurrent echos never interleave.

#include "types.h"
#include "stat.h"
#include "user.h"

static char out[1024];

int
main(int argc, char *argv[])
{
  int i, n = 0, len;

  for(i = 1; i < argc; i++){
    len = strlen(argv[i]);
    if(n + len + 1 > sizeof(out)){
      // Too long for one buffer: write what we have and carry on.
      write(1, out, n);
      n = 0;
      if(len + 1 > sizeof(out)){
        write(1, argv[i], len);
        len = 0;
      }
    }
    memmove(out + n, argv[i], len);
    n += len;
    out[n++] = (i + 1 < argc) ? ' ' : '\n';
  }
  if(argc < 2)
    out[n++] = '\n';
  if(write(1, out, n) != n)
    return 1;
  return 0;
}
