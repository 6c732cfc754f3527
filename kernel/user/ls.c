// ls: list files. For each argument (default "."): a directory lists
// one line per entry, anything else lists itself. Each line is
//
//     name type inode size
//
// with type 1 = directory, 2 = file, 3 = device (stat.h's T_* values).
// A directory is read as a file of struct dirent records; slots with
// inode number 0 are free and skipped.

#include "types.h"
#include "stat.h"
#include "fcntl.h"
#include "fs.h"
#include "user.h"

static void
show(const char *name, struct stat *st)
{
  printf("%-14s %d %4u %u\n", name, st->type, st->ino, st->size);
}

// List the entries of the directory open as fd, named path.
static int
lsdir(int fd, const char *path)
{
  char buf[512], name[DIRSIZ+1];
  struct dirent de;
  struct stat st;
  int n, status = 0;

  n = strlen(path);
  if(n + 1 + DIRSIZ + 1 > sizeof(buf)){
    fprintf(2, "ls: path too long: %s\n", path);
    return 1;
  }
  strcpy(buf, path);
  buf[n++] = '/';
  while(read(fd, &de, sizeof(de)) == sizeof(de)){
    if(de.inum == 0)
      continue;
    // Names that fill all DIRSIZ bytes have no terminating NUL.
    memmove(name, de.name, DIRSIZ);
    name[DIRSIZ] = 0;
    strcpy(buf + n, name);
    if(stat(buf, &st) < 0){
      fprintf(2, "ls: cannot stat %s\n", buf);
      status = 1;
      continue;
    }
    show(name, &st);
  }
  return status;
}

static int
ls(const char *path)
{
  struct stat st;
  int fd, status;

  fd = open(path, O_RDONLY);
  if(fd < 0){
    fprintf(2, "ls: cannot open %s\n", path);
    return 1;
  }
  if(fstat(fd, &st) < 0){
    fprintf(2, "ls: cannot stat %s\n", path);
    close(fd);
    return 1;
  }
  if(st.type == T_DIR)
    status = lsdir(fd, path);
  else {
    show(path, &st);
    status = 0;
  }
  close(fd);
  return status;
}

int
main(int argc, char *argv[])
{
  int i, status = 0;

  if(argc < 2)
    return ls(".");
  for(i = 1; i < argc; i++){
    if(ls(argv[i]) != 0)
      status = 1;
  }
  return status;
}
