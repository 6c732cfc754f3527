// grep: print the lines of each file (or standard input) that match a
// pattern.
//
// The pattern language is a small regular expression subset:
//   c     a literal character      .    any character
//   x*    zero or more of atom x   \c   c taken literally (\. \* \^ \$)
//   ^     at the start: anchor to the beginning of the line
//   $     at the end: anchor to the end of the line
//
// Matching works on "atoms" (a literal, '.', or an escaped character).
// A starred atom first swallows as many characters as it can and then
// gives them back one at a time until the rest of the pattern matches
// (greedy with backtracking); without alternation or groups that search
// stays small. Exit status 0 when some line matched, 1 otherwise.

#include "types.h"
#include "stat.h"
#include "fcntl.h"
#include "user.h"

static int matchhere(const char *re, const char *s);

// Length of the atom that starts re: 2 for an escape, else 1.
static int
atomlen(const char *re)
{
  return (re[0] == '\\' && re[1] != 0) ? 2 : 1;
}

static int
atommatch(const char *re, char c)
{
  if(c == 0)
    return 0;
  if(re[0] == '\\' && re[1] != 0)
    return re[1] == c;
  return re[0] == '.' || re[0] == c;
}

// The atom at re is starred and rest follows it: match as many as
// possible, then back off until rest matches what remains.
static int
matchstar(const char *re, const char *rest, const char *s)
{
  int n = 0;

  while(atommatch(re, s[n]))
    n++;
  for(; n >= 0; n--){
    if(matchhere(rest, s + n))
      return 1;
  }
  return 0;
}

// Does re match a prefix of s?
static int
matchhere(const char *re, const char *s)
{
  int len;

  for(;;){
    if(re[0] == 0)
      return 1;
    len = atomlen(re);
    if(re[len] == '*')
      return matchstar(re, re + len + 1, s);
    if(re[0] == '$' && re[1] == 0)
      return s[0] == 0;
    if(!atommatch(re, s[0]))
      return 0;
    re += len;
    s++;
  }
}

// Does re match anywhere in s?
static int
match(const char *re, const char *s)
{
  if(re[0] == '^')
    return matchhere(re + 1, s);
  for(;; s++){
    if(matchhere(re, s))
      return 1;
    if(*s == 0)
      return 0;
  }
}

static char buf[2048];

// Print the lines of fd that match re. A line longer than the buffer is
// judged in buffer-sized pieces. Returns the number of matching lines.
static int
grep(const char *re, int fd)
{
  int n, have = 0, found = 0;
  char *p, *nl;

  while((n = read(fd, buf + have, sizeof(buf) - 1 - have)) > 0){
    have += n;
    buf[have] = 0;
    p = buf;
    while((nl = strchr(p, '\n')) != 0){
      *nl = 0;
      if(match(re, p)){
        *nl = '\n';
        write(1, p, nl + 1 - p);
        found++;
      }
      p = nl + 1;
    }
    have -= p - buf;
    memmove(buf, p, have);
    if(have == sizeof(buf) - 1){
      // A full buffer with no newline: treat it as one line.
      buf[have] = 0;
      if(match(re, buf)){
        printf("%s\n", buf);
        found++;
      }
      have = 0;
    }
  }
  // A last line without a newline.
  if(have > 0){
    buf[have] = 0;
    if(match(re, buf)){
      printf("%s\n", buf);
      found++;
    }
  }
  return found;
}

int
main(int argc, char *argv[])
{
  int i, fd, found = 0, err = 0;

  if(argc < 2){
    fprintf(2, "usage: grep pattern [file...]\n");
    return 1;
  }
  if(argc == 2)
    return grep(argv[1], 0) > 0 ? 0 : 1;
  for(i = 2; i < argc; i++){
    fd = open(argv[i], O_RDONLY);
    if(fd < 0){
      fprintf(2, "grep: cannot open %s\n", argv[i]);
      err = 1;
      continue;
    }
    found += grep(argv[1], fd);
    close(fd);
  }
  return (found > 0 && !err) ? 0 : 1;
}
