// httpd: a small web server for the file system (lab 4).
//
//   httpd [-p PORT] [ROOT]      PORT defaults to 80, ROOT to /
//
// It answers GET and HEAD over HTTP/1.0 and HTTP/1.1. A path names a
// file under ROOT; a file is sent with its Content-Length, a directory as
// a plain-text listing (one name a line, "/" after subdirectories; there
// are no index files). The answers:
//
//   200  the file or the listing
//   400  a request that is not HTTP/1.x, a header line without ':', a bad
//        %-escape, a NUL byte, a header longer than HDRMAX bytes
//   403  a path with a ".." component (which could leave ROOT; there are
//        no symbolic links, so ".." is the only way out), or a device
//   404  no such file
//   405  any method but GET and HEAD
//   503  no process free to serve the connection
//
// Connections. HTTP/1.1 keeps a connection open for the next request
// unless the client sends "Connection: close"; HTTP/1.0 closes after one
// answer. So does every 400 and 405, and a request that announces a body
// (Content-Length or Transfer-Encoding): we never read bodies, so after
// one the next request's start is unknown. Bytes after a request's header
// are kept as the start of the next request (pipelining works).
//
// Processes. The server's process only accepts. Each connection is served
// by its own process, made by a double fork: the server forks a child,
// the child forks the grandchild that serves and exits at once, and the
// server wait()s for the child. The grandchild is an orphan that init
// reaps, so the server never blocks in wait() for a connection in
// progress (the kernel's wait() cannot poll) and keeps no list of
// children. The kernel's tables bound the clients served at once: when
// no socket is free, accept() fails and the connection waits in the
// stack's queue while the server retries every 100 ms; when no process
// is free (NPROC), fork fails and the client gets a 503.
//
// Robustness. A connection's process waits at most IDLE_SECS for each
// piece of a request; a silent or vanished client is then dropped. A
// client that stops reading an answer blocks only its own process. No
// input can overflow anything: the header has its fixed buffer, paths
// are checked against MAXPATH.

#include "types.h"
#include "stat.h"
#include "fcntl.h"
#include "param.h"
#include "fs.h"
#include "user.h"
#include "inet.h"

#define HDRMAX     2048        // longest request header
#define BUFSZ      (16*1024)   // one chunk of an answer, its header included
#define IDLE_SECS  30          // longest wait for (a piece of) a request

static char root[MAXPATH];     // ROOT without a trailing '/' ("" for /)
static char req[HDRMAX];       // the request being read, and what follows it
static int reqlen;             // bytes in req
static char *buf;              // the answer being sent (BUFSZ bytes)

struct request {
  char *method;
  char *target;
  int http11;        // HTTP/1.1 (or a later 1.x) rather than 1.0
  int close;         // close the connection after answering
};

// ---------------------------------------------------------------- text

static int
lower(int c)
{
  return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
eqnocase(const char *a, const char *b)
{
  for(; *a && lower(*a) == lower(*b); a++, b++)
    ;
  return lower(*a) == lower(*b);
}

// Does the comma-separated list s contain token, ignoring case and blanks?
static int
hastoken(char *s, const char *token)
{
  char *end, save;
  int found;

  for(;;){
    while(*s == ' ' || *s == '\t' || *s == ',')
      s++;
    if(*s == 0)
      return 0;
    for(end = s; *end && *end != ',' && *end != ' ' && *end != '\t'; end++)
      ;
    save = *end;
    *end = 0;
    found = eqnocase(s, token);
    *end = save;
    if(found)
      return 1;
    s = end;
  }
}

// Append s at *p, a string being built in buf, which must keep room.
static void
addstr(char **p, const char *s)
{
  while(*s)
    *(*p)++ = *s++;
}

static void
addnum(char **p, uint n)
{
  char digits[12];
  int i = 0;

  do {
    digits[i++] = '0' + n % 10;
    n /= 10;
  } while(n > 0);
  while(i > 0)
    *(*p)++ = digits[--i];
}

// ---------------------------------------------------------------- answers

static const char*
reason(int code)
{
  switch(code){
  case 200: return "OK";
  case 400: return "Bad Request";
  case 403: return "Forbidden";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 503: return "Service Unavailable";
  }
  return "Error";
}

static const char*
mimetype(const char *path)
{
  static const char *types[][2] = {
    { ".html", "text/html" }, { ".htm", "text/html" },
    { ".txt", "text/plain" }, { ".md", "text/plain" },
    { ".c", "text/plain" }, { ".h", "text/plain" },
  };
  int i, n = strlen(path), m;

  for(i = 0; i < sizeof(types) / sizeof(types[0]); i++){
    m = strlen(types[i][0]);
    if(n >= m && strcmp(path + n - m, types[i][0]) == 0)
      return types[i][1];
  }
  return "application/octet-stream";
}

// Write an answer's header into buf; returns its length.
static int
header(int code, uint len, const char *type, int close)
{
  char *p = buf;

  addstr(&p, "HTTP/1.1 ");
  addnum(&p, code);
  addstr(&p, " ");
  addstr(&p, reason(code));
  addstr(&p, "\r\nServer: bvlab-httpd\r\nContent-Length: ");
  addnum(&p, len);
  addstr(&p, "\r\nContent-Type: ");
  addstr(&p, type);
  if(code == 405)
    addstr(&p, "\r\nAllow: GET, HEAD");
  addstr(&p, close ? "\r\nConnection: close" : "\r\nConnection: keep-alive");
  addstr(&p, "\r\n\r\n");
  return p - buf;
}

// An answer with a short text body ("404 Not Found\n"). Returns 0 if it
// could not be sent.
static int
errorpage(int sock, struct request *r, int code)
{
  char *p;
  int n, len;

  len = 3 + 1 + strlen(reason(code)) + 1;
  n = header(code, len, "text/plain", r->close);
  if(r->method == 0 || strcmp(r->method, "HEAD") != 0){
    p = buf + n;
    addnum(&p, code);
    addstr(&p, " ");
    addstr(&p, reason(code));
    addstr(&p, "\n");
    n = p - buf;
  }
  return write_all(sock, buf, n) == n;
}

// Send the open file fd of size bytes: the header and the first chunk in
// one write, then BUFSZ at a time. Returns 0 if the connection broke or
// the file ended early (then the client must not wait for the rest).
static int
sendfile(int sock, struct request *r, int fd, uint size, const char *path)
{
  int n, h, head = strcmp(r->method, "HEAD") == 0;
  uint left = size;

  h = header(200, size, mimetype(path), r->close);
  do {
    n = 0;
    if(!head && left > 0){
      n = read(fd, buf + h, left < BUFSZ - h ? left : BUFSZ - h);
      if(n <= 0)
        return 0;
      left -= n;
    }
    if(write_all(sock, buf, h + n) < 0)
      return 0;
    h = 0;
  } while(!head && left > 0);
  return 1;
}

// A directory's listing, built in buf after room for the header, then
// moved to follow the header and sent in one write. A listing that does
// not fit the buffer is cut short.
static int
sendlist(int sock, struct request *r, int fd, char *path)
{
  char name[DIRSIZ+1], *start, *p, *end;
  int n, len, plen = strlen(path), sep = plen == 0 || path[plen-1] != '/';
  struct dirent de;
  struct stat st;

  start = p = buf + 256;            // more than header() ever writes
  end = buf + BUFSZ;
  while(read(fd, &de, sizeof(de)) == sizeof(de) && end - p > DIRSIZ + 2){
    memmove(name, de.name, DIRSIZ);
    name[DIRSIZ] = 0;
    if(de.inum == 0 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
      continue;
    addstr(&p, name);
    if(plen + sep + strlen(name) < MAXPATH){
      path[plen] = '/';
      strcpy(path + plen + sep, name);
      if(stat(path, &st) == 0 && st.type == T_DIR)
        addstr(&p, "/");
      path[plen] = 0;
    }
    addstr(&p, "\n");
  }
  len = p - start;
  n = header(200, len, "text/plain", r->close);
  if(strcmp(r->method, "HEAD") != 0){
    memmove(buf + n, start, len);     // the body right after the header
    n += len;
  }
  return write_all(sock, buf, n) >= 0;
}

// ---------------------------------------------------------------- paths

static int
hexval(char c)
{
  if(c >= '0' && c <= '9')
    return c - '0';
  c = lower(c);
  if(c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

// Undo %-escapes in s, in place, stopping at '?' or '#' (a query or a
// fragment is not part of the path). Returns -1 for a bad or NUL escape.
static int
unescape(char *s)
{
  char *d = s;
  int hi, lo;

  for(; *s && *s != '?' && *s != '#'; s++){
    if(*s != '%'){
      *d++ = *s;
      continue;
    }
    if((hi = hexval(s[1])) < 0 || (lo = hexval(s[2])) < 0 || hi + lo == 0)
      return -1;
    *d++ = hi*16 + lo;
    s += 2;
  }
  *d = 0;
  return 0;
}

// The file name for target under root, in path[MAXPATH]. Empty and "."
// components are skipped. Returns the status to answer if it is not a
// name we may open: 400, 403 for "..", 404 for one too long to exist.
static int
resolve(char *target, char *path)
{
  char *c, *next;
  int n = strlen(root);

  if(unescape(target) < 0)
    return 400;
  strcpy(path, root);
  for(c = target; *c; c = next){
    while(*c == '/')
      c++;
    for(next = c; *next && *next != '/'; next++)
      ;
    if(next - c == 0 || (next - c == 1 && c[0] == '.'))
      continue;
    if(next - c == 2 && c[0] == '.' && c[1] == '.')
      return 403;
    if(n + 1 + (next - c) >= MAXPATH)
      return 404;
    path[n++] = '/';
    memmove(path + n, c, next - c);
    n += next - c;
  }
  if(n == 0)
    path[n++] = '/';            // the root directory itself
  path[n] = 0;
  return 200;
}

// Answer a GET or HEAD. Returns 0 if the connection must be closed.
static int
get(int sock, struct request *r)
{
  char path[MAXPATH];
  struct stat st;
  int fd, code, ok;

  if((code = resolve(r->target, path)) != 200){
    if(code == 400)
      r->close = 1;
    return errorpage(sock, r, code) && !r->close;
  }
  if((fd = open(path, O_RDONLY)) < 0)
    return errorpage(sock, r, 404) && !r->close;
  if(fstat(fd, &st) < 0)
    st.type = 0;
  if(st.type != T_DIR && st.type != T_FILE){
    // A device is not a file to serve: the console would wait for typing.
    close(fd);
    return errorpage(sock, r, st.type == T_DEV ? 403 : 404) && !r->close;
  }
  if(st.type == T_FILE && r->target[strlen(r->target) - 1] == '/'){
    close(fd);                  // "/README.md/" names no directory
    return errorpage(sock, r, 404) && !r->close;
  }
  if(st.type == T_DIR)
    ok = sendlist(sock, r, fd, path);
  else
    ok = sendfile(sock, r, fd, st.size, path);
  close(fd);
  return ok && !r->close;
}

// ---------------------------------------------------------------- requests

// Where the request's header ends in req (just past the blank line that
// ends it, CRLF CRLF or a bare LF LF), or -1 if it has not ended yet.
static int
headerend(void)
{
  int i;

  for(i = 0; i < reqlen; i++){
    if(req[i] != '\n')
      continue;
    if(i + 1 < reqlen && req[i+1] == '\n')
      return i + 2;
    if(i + 2 < reqlen && req[i+1] == '\r' && req[i+2] == '\n')
      return i + 3;
  }
  return -1;
}

// Drop blank lines before a request line, as clients may send a stray
// CRLF after a request.
static void
skipblank(void)
{
  int i = 0;

  while(i < reqlen && (req[i] == '\r' || req[i] == '\n'))
    i++;
  memmove(req, req + i, reqlen - i);
  reqlen -= i;
}

// Read until req holds a whole header. Returns its length; 0 if the
// client closed, vanished or was silent for IDLE_SECS; -1 if the header
// is too long.
static int
readrequest(int sock)
{
  struct timeval tv;
  fd_set rd;
  int n, end;

  for(;;){
    skipblank();
    if((end = headerend()) > 0)
      return end;
    if(reqlen == HDRMAX)
      return -1;
    FD_ZERO(&rd);
    FD_SET(sock, &rd);
    tv.tv_sec = IDLE_SECS;
    tv.tv_usec = 0;
    if(select(sock + 1, &rd, 0, 0, &tv) <= 0)
      return 0;
    if((n = recv(sock, req + reqlen, HDRMAX - reqlen, 0)) <= 0)
      return 0;
    reqlen += n;
  }
}

// Cut the line that starts at s (ending in LF, or CRLF) off the string:
// returns the next line.
static char*
cutline(char *s)
{
  char *nl = strchr(s, '\n');

  if(nl == 0)
    return s + strlen(s);
  if(nl > s && nl[-1] == '\r')
    nl[-1] = 0;
  *nl = 0;
  return nl + 1;
}

// "METHOD TARGET HTTP/1.x": fill r, or return -1.
static int
requestline(char *line, struct request *r)
{
  char *s, *version;

  for(s = line; *s >= 'A' && *s <= 'Z'; s++)
    ;
  if(s == line || *s != ' ')
    return -1;
  *s++ = 0;
  r->method = line;
  r->target = s;
  if(*s != '/' || (version = strchr(s, ' ')) == 0)
    return -1;
  *version++ = 0;
  for(; *s; s++){
    if((uchar)*s <= ' ' || *s == 0x7f)
      return -1;
  }
  if(strncmp(version, "HTTP/1.", 7) != 0 || version[7] < '0' ||
     version[7] > '9' || version[8] != 0)
    return -1;
  r->http11 = version[7] != '0';
  r->close = !r->http11;
  return 0;
}

// Parse req[0..end) into r. Returns 0, or -1 for a malformed request.
static int
parse(int end, struct request *r)
{
  char *line, *next, *colon;
  int i;

  memset(r, 0, sizeof(*r));
  for(i = 0; i < end; i++){
    if(req[i] == 0)
      return -1;
  }
  // End the string where the blank line starts ("\n" or "\r\n").
  req[end - 1] = 0;
  if(req[end - 2] == '\r')
    req[end - 2] = 0;
  next = cutline(req);
  if(requestline(req, r) < 0)
    return -1;
  for(line = next; *line; line = next){
    next = cutline(line);
    // "Name: value", the name not empty and without blanks.
    for(colon = line; *colon && *colon != ':'; colon++){
      if(*colon == ' ' || *colon == '\t')
        return -1;
    }
    if(*colon != ':' || colon == line)
      return -1;
    *colon++ = 0;
    if(eqnocase(line, "connection") && hastoken(colon, "close"))
      r->close = 1;
    if(eqnocase(line, "transfer-encoding") ||
       (eqnocase(line, "content-length") && atoi(colon) != 0))
      r->close = 1;               // a body we will not read
  }
  return 0;
}

// Answer one request of end bytes in req. Returns 0 to close.
static int
answer(int sock, int end)
{
  struct request r;

  if(parse(end, &r) < 0){
    r.method = 0;
    r.close = 1;
    errorpage(sock, &r, 400);
    return 0;
  }
  if(strcmp(r.method, "GET") != 0 && strcmp(r.method, "HEAD") != 0){
    r.close = 1;
    errorpage(sock, &r, 405);
    return 0;
  }
  return get(sock, &r);
}

// Serve one connection until it closes or a request asks to close.
static void
serve(int sock)
{
  struct request r;
  int end;

  if((buf = malloc(BUFSZ)) == 0)
    exit(1);
  reqlen = 0;
  for(;;){
    if((end = readrequest(sock)) <= 0){
      if(end < 0){
        memset(&r, 0, sizeof(r));
        r.close = 1;
        errorpage(sock, &r, 400);
      }
      break;
    }
    if(!answer(sock, end))
      break;
    memmove(req, req + end, reqlen - end);
    reqlen -= end;
  }
  close(sock);
}

// ---------------------------------------------------------------- server

// No process to serve sock: say so, briefly.
static void
busy(int sock)
{
  static char msg[] = "HTTP/1.1 503 Service Unavailable\r\n"
                      "Content-Length: 0\r\nConnection: close\r\n\r\n";

  write_all(sock, msg, sizeof(msg) - 1);
}

// Hand sock to a grandchild process (see the comment at the top).
static void
dispatch(int lsock, int sock)
{
  int pid;

  pid = fork();
  if(pid == 0){
    close(lsock);
    pid = fork();
    if(pid < 0)
      busy(sock);
    if(pid == 0)
      serve(sock);
    exit(0);
  }
  if(pid < 0){
    fprintf(2, "httpd: fork failed, connection refused\n");
    busy(sock);
  }
  close(sock);
  if(pid > 0)
    wait(0);
}

// init starts httpd without descriptors 0-2, so that it stays quiet. Fill
// any that are closed with "/" opened read-only, where a write fails
// harmlessly: otherwise sockets would take those numbers, and a message
// meant for descriptor 2 would go to a client.
static void
fillstdfds(void)
{
  struct stat st;
  int fd;

  for(fd = 0; fd < 3; fd++){
    if(fstat(fd, &st) < 0 && open("/", O_RDONLY) != fd)
      exit(1);
  }
}

static void
usage(void)
{
  fprintf(2, "usage: httpd [-p PORT] [ROOT]\n");
  exit(1);
}

// ROOT without its trailing slashes, checked to be a directory.
static void
setroot(const char *dir)
{
  struct stat st;
  int n = strlen(dir);

  if(n >= MAXPATH || stat(dir, &st) < 0 || st.type != T_DIR){
    fprintf(2, "httpd: %s: not a directory\n", dir);
    exit(1);
  }
  while(n > 0 && dir[n-1] == '/')
    n--;
  memmove(root, dir, n);
  root[n] = 0;
}

int
main(int argc, char *argv[])
{
  struct sockaddr_in sin;
  char *port = "80", *dir = "/";
  int i, lsock, sock, failing;

  fillstdfds();
  for(i = 1; i < argc; i++){
    if(strcmp(argv[i], "-p") == 0 && i + 1 < argc)
      port = argv[++i];
    else if(argv[i][0] != '-' && i == argc - 1)
      dir = argv[i];
    else
      usage();
  }
  if(inet_parse_sockaddr("httpd", 0, port, &sin) < 0)
    exit(1);
  setroot(dir);
  if((lsock = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
     bsd_bind(lsock, (struct sockaddr*)&sin, sizeof(sin)) < 0 ||
     bsd_listen(lsock, 8) < 0){
    fprintf(2, "httpd: cannot listen on port %s (in use?)\n", port);
    exit(1);
  }
  fprintf(2, "httpd: serving %s on port %s\n", dir, port);
  for(failing = 0;; failing = sock < 0){
    if((sock = bsd_accept(lsock, 0, 0)) < 0){
      // Out of sockets or descriptors, most likely: say so once, and
      // retry now and then (the connection waits in the stack's queue).
      if(!failing)
        fprintf(2, "httpd: accept failed (out of sockets?), retrying\n");
      sleep(100);
      continue;
    }
    dispatch(lsock, sock);
  }
}
