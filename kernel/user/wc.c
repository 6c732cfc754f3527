// wc: count lines, words and bytes of each named file (or standard
// input) and print "lines words bytes name", plus a total for several.

#include "types.h"
#include "stat.h"
#include "fcntl.h"
#include "user.h"

struct counts {
  uint lines, words, bytes;
};

static char buf[1024];

static int
isspace(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Add fd's counts to *c. A word is a maximal run of non-space bytes,
// so inword carries across read() boundaries.
static int
count(int fd, struct counts *c)
{
  int n, i, inword = 0;

  while((n = read(fd, buf, sizeof(buf))) > 0){
    c->bytes += n;
    for(i = 0; i < n; i++){
      if(buf[i] == '\n')
        c->lines++;
      if(isspace(buf[i]))
        inword = 0;
      else if(!inword){
        inword = 1;
        c->words++;
      }
    }
  }
  return n < 0 ? -1 : 0;
}

int
main(int argc, char *argv[])
{
  struct counts c, total;
  int i, fd, status = 0;

  memset(&total, 0, sizeof(total));
  if(argc < 2){
    memset(&c, 0, sizeof(c));
    if(count(0, &c) < 0){
      fprintf(2, "wc: read error\n");
      return 1;
    }
    printf("%u %u %u\n", c.lines, c.words, c.bytes);
    return 0;
  }
  for(i = 1; i < argc; i++){
    fd = open(argv[i], O_RDONLY);
    if(fd < 0){
      fprintf(2, "wc: cannot open %s\n", argv[i]);
      status = 1;
      continue;
    }
    memset(&c, 0, sizeof(c));
    if(count(fd, &c) < 0){
      fprintf(2, "wc: cannot read %s\n", argv[i]);
      status = 1;
    }
    close(fd);
    printf("%u %u %u %s\n", c.lines, c.words, c.bytes, argv[i]);
    total.lines += c.lines;
    total.words += c.words;
    total.bytes += c.bytes;
  }
  if(argc > 2)
    printf("%u %u %u total\n", total.lines, total.words, total.bytes);
  return status;
}
