// ls: list files. For each argument (default "."): a directory lists
// one line per entry, anything else lists itself. Each line is
//
//     name type inode size
//
// with type 1 = directory, 2 = file, 3 = device (stat.h's T_* values).
// A directory is read as a file of struct dirent records; slots with
// inode number 0 are free and skipped.
// LAB 5: BEGIN
// A remote directory (nfs.h: st.dev is NFS_DEV) is read as struct
// rdirent records instead; its entries' inode column is their handle of
// the moment, which means nothing.
// LAB 5: END

#include "types.h"
#include "stat.h"
#include "fcntl.h"
#include "fs.h"
#include "user.h"
// LAB 5: BEGIN
#include "nfs.h"
// LAB 5: END

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

// LAB 5: BEGIN
// List the entries of the remote directory open as fd, named path.
static int
lsremote(int fd, const char *path)
{
  static struct rdirent ents[8];
  static char buf[512];
  struct stat st;
  int i, n, len, status = 0;

  len = strlen(path);
  strcpy(buf, path);
  if(len == 0 || buf[len-1] != '/')
    buf[len++] = '/';
  while((n = read(fd, ents, sizeof(ents))) > 0){
    for(i = 0; i < n / sizeof(ents[0]); i++){
      if(len + ents[i].namelen + 1 > sizeof(buf)){
        fprintf(2, "ls: path too long: %s%s\n", path, ents[i].name);
        status = 1;
        continue;
      }
      strcpy(buf + len, ents[i].name);
      if(stat(buf, &st) < 0){
        // Not readable here (a socket, a file without read permission):
        // its type is still known.
        st.type = ents[i].type;
        st.ino = 0;
        st.size = 0;
      }
      show(ents[i].name, &st);
    }
  }
  if(n < 0){
    fprintf(2, "ls: cannot read %s\n", path);
    status = 1;
  }
  return status;
}
// LAB 5: END

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
  if(st.type != T_DIR){
    show(path, &st);
    status = 0;
  }
  // LAB 5: BEGIN
  else if(st.dev == NFS_DEV)
    status = lsremote(fd, path);
  // LAB 5: END
  else
    status = lsdir(fd, path);
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
