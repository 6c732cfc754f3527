// The user-space C library's interface: system calls (usys.S) and the
// small library built on them (ulib.c, printf.c, umalloc.c).
//
// Every user program includes "types.h", "stat.h" (for struct stat) and
// then this file. System calls return -1 on error; there is no errno.

struct stat;
// LAB 4: BEGIN
#include "socket.h"
// LAB 4: END

// system calls
int fork(void);
void exit(int status) __attribute__((noreturn));
int wait(int *status);
int pipe(int fd[2]);
int write(int fd, const void *buf, int n);
int read(int fd, void *buf, int n);
int close(int fd);
int kill(int pid);
int exec(const char *path, char **argv);
int open(const char *path, int flags);
int mknod(const char *path, short major, short minor);
int unlink(const char *path);
int fstat(int fd, struct stat *st);
int link(const char *oldpath, const char *newpath);
int mkdir(const char *path);
int chdir(const char *path);
int dup(int fd);
int getpid(void);
char *sbrk(int n);
int sleep(int ms);
int uptime(void);
// LAB 4: BEGIN
// Files and sockets (socket.h says what each does)
int seek(int fd, int offset);
int select(int max, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *timeout);
int socket(int family, int type, int protocol);
int bind(int fd, uchar *addr, ushort port, uint addrlen);
int listen(int fd);
int connect(int fd, uchar *addr, ushort port, uint addrlen);
int accept(int fd, uchar *addr, ushort *port, uint addrlen);
int send(int fd, const void *buf, uint len, int flags);
int recv(int fd, void *buf, uint len, int flags);
int sendto(int fd, const void *buf, uint len, int flags,
           uchar *addr, ushort port, uint addrlen);
int recvfrom(int fd, void *buf, uint len, int flags,
             uchar *addr, ushort *port, uint addrlen);
// LAB 4: END

// ulib.c
int stat(const char *path, struct stat *st);
char *strcpy(char *dst, const char *src);
int strcmp(const char *p, const char *q);
int strncmp(const char *p, const char *q, uint n);
uint strlen(const char *s);
char *strchr(const char *s, char c);
void *memset(void *dst, int c, uint n);
void *memmove(void *dst, const void *src, uint n);
void *memcpy(void *dst, const void *src, uint n);
int memcmp(const void *a, const void *b, uint n);
int atoi(const char *s);
char *gets(char *buf, int max);

// printf.c
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

// umalloc.c
void *malloc(uint n);
void free(void *p);

#define NULL ((void*)0)
