// httpget: fetch one URL over HTTP/1.0 and write its body to standard
// output (lab 4).
//
//   httpget http://A.B.C.D[:PORT][/PATH]     PORT defaults to 80, PATH to /
//
// There is no DNS, so the host is a dotted-quad address. The request is
// an HTTP/1.0 GET with "Connection: close"; the response is read in two
// phases:
//
//   1. The header, up to the blank line that ends it, collected in one
//      buffer of at most HDRMAX bytes (a longer header is refused). The
//      status line must be "HTTP/x.y NNN reason"; of the fields only
//      Content-Length matters, matched without regard to case.
//   2. The body, exactly as it comes (binary-safe: no byte is looked at),
//      to standard output: Content-Length bytes if the server gave the
//      length, else everything until the server closes.
//
// A status outside 200..299 is reported on standard error and nothing is
// written to standard output. Exit status 0 when the whole body arrived,
// 1 for any failure: a bad URL, no connection, a malformed header, a
// non-2xx status, a body cut short.

#include "types.h"
#include "stat.h"
#include "user.h"
#include "inet.h"

#define BUFSZ    (16*1024)  // body chunks; the header's buffer too
#define HDRMAX   8192       // longest response header accepted
#define PATHMAX  1024       // longest path in a URL
#define REQMAX   (PATHMAX + 128)

static char *buf;

static void
fail(const char *what)
{
  fprintf(2, "httpget: %s\n", what);
  exit(1);
}

static int
lower(int c)
{
  return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

// Does s begin with prefix, ignoring case?
static int
startsnocase(const char *s, const char *prefix)
{
  for(; *prefix; s++, prefix++){
    if(lower(*s) != lower(*prefix))
      return 0;
  }
  return 1;
}

// ---------------------------------------------------------------- the URL

// Split "http://A.B.C.D[:PORT][/PATH]" into an address and a path.
// Returns 0, or -1 after saying what is wrong.
static int
parseurl(char *url, struct sockaddr_in *sin, char *path)
{
  char host[32], *h, *p, *port;
  int n;

  if(!startsnocase(url, "http://")){
    fprintf(2, "httpget: URL must start with http://\n");
    return -1;
  }
  h = url + 7;
  p = strchr(h, '/');
  n = p ? p - h : strlen(h);
  if(n >= sizeof(host)){
    fprintf(2, "httpget: bad host in URL (want A.B.C.D[:PORT])\n");
    return -1;
  }
  memmove(host, h, n);
  host[n] = 0;
  port = "80";
  if((h = strchr(host, ':')) != 0){
    *h = 0;
    port = h + 1;
  }
  if(inet_parse_sockaddr("httpget", host, port, sin) < 0)
    return -1;
  if(p == 0)
    p = "/";
  if(strlen(p) >= PATHMAX){
    fprintf(2, "httpget: path too long\n");
    return -1;
  }
  // Anything at or below a space would end or break the request line.
  for(n = 0; p[n]; n++){
    if((uchar)p[n] <= ' ' || p[n] == 0x7f){
      fprintf(2, "httpget: path contains a space or control character\n");
      return -1;
    }
  }
  strcpy(path, p);
  return 0;
}

// ---------------------------------------------------------------- request

// Append s to the request being built in req, of at most REQMAX bytes.
static void
add(char *req, const char *s)
{
  int n = strlen(req);

  if(n + strlen(s) >= REQMAX)
    fail("request too long");
  strcpy(req + n, s);
}

static void
sendrequest(int sock, char *host, const char *path)
{
  static char req[REQMAX];

  req[0] = 0;
  add(req, "GET ");
  add(req, path);
  add(req, " HTTP/1.0\r\nHost: ");
  add(req, host);
  add(req, "\r\nUser-Agent: bvlab-httpget\r\nConnection: close\r\n\r\n");
  if(write_all(sock, req, strlen(req)) < 0)
    fail("connection broke while sending the request");
}

// ---------------------------------------------------------------- response

// Where the body starts in the n bytes of buf: just after the blank line
// that ends the header (CRLF CRLF, or a bare LF LF from a sloppy
// server). -1 if the header has not ended yet.
static int
headerend(int n)
{
  int i;

  for(i = 0; i < n; i++){
    if(buf[i] != '\n')
      continue;
    if(i + 1 < n && buf[i+1] == '\n')
      return i + 2;
    if(i + 2 < n && buf[i+1] == '\r' && buf[i+2] == '\n')
      return i + 3;
  }
  return -1;
}

// Read until the header is complete. Returns the body's offset in buf;
// *n is set to the bytes read so far (header and a first piece of body).
static int
readheader(int sock, int *n)
{
  int got, end;

  *n = 0;
  while((end = headerend(*n)) < 0){
    if(*n == HDRMAX)
      fail("response header too long");
    got = recv(sock, buf + *n, HDRMAX - *n, 0);
    if(got < 0)
      fail("connection broke while reading the header");
    if(got == 0)
      fail("server closed the connection before the header ended");
    *n += got;
  }
  return end;
}

// Read a decimal number at s, skipping blanks around it; *v gets it.
// Returns 0, or -1 if the text is not just a number that fits a uint.
static int
number(const char *s, uint *v)
{
  uint x = 0;
  int digits = 0;

  while(*s == ' ' || *s == '\t')
    s++;
  for(; *s >= '0' && *s <= '9'; s++, digits++){
    if(x > (0xffffffffu - (*s - '0')) / 10)
      return -1;
    x = x*10 + (*s - '0');
  }
  while(*s == ' ' || *s == '\t' || *s == '\r')
    s++;
  if(digits == 0 || *s != 0)
    return -1;
  *v = x;
  return 0;
}

// Check the status line "HTTP/x.y NNN reason": report it and exit
// unless NNN is 2xx.
static void
checkstatus(char *line)
{
  char *code;

  if(strchr(line, '\r'))
    *strchr(line, '\r') = 0;
  if(strncmp(line, "HTTP/", 5) != 0 || (code = strchr(line, ' ')) == 0)
    fail("not an HTTP response");
  code++;
  if(code[0] < '1' || code[0] > '5' || code[1] < '0' || code[1] > '9' ||
     code[2] < '0' || code[2] > '9' || (code[3] != ' ' && code[3] != 0))
    fail("malformed status line");
  if(code[0] != '2'){
    fprintf(2, "httpget: server answered %s\n", code);
    exit(1);
  }
}

// Parse the header in buf[0..end): check the status and find the body's
// length. Returns 1 and sets *len if there is a Content-Length, else 0.
static int
parseheader(int end, uint *len)
{
  char *line, *next;
  int i, known = 0;
  uint v;

  for(i = 0; i < end; i++){
    if(buf[i] == 0)
      fail("NUL byte in the response header");
  }
  // End the string where the blank line starts ("\n" or "\r\n").
  buf[end - 1] = 0;
  if(buf[end - 2] == '\r')
    buf[end - 2] = 0;
  for(line = buf; *line; line = next){
    if((next = strchr(line, '\n')) != 0)
      *next++ = 0;
    else
      next = line + strlen(line);
    if(line == buf)
      checkstatus(line);
    else if(startsnocase(line, "content-length:")){
      if(number(line + 15, &v) < 0 || (known && v != *len))
        fail("bad Content-Length");
      *len = v;
      known = 1;
    }
  }
  return known;
}

// Copy the body to standard output: first the part already in buf
// (from start, have bytes in all), then the rest from the socket.
static void
copybody(int sock, int start, int have, int known, uint len)
{
  uint done = 0;
  int n = have - start;

  for(;;){
    if(known && (uint)n > len - done)
      n = len - done;             // a server that sends more than it said
    if(n > 0 && write_all(1, buf + start, n) < 0)
      fail("cannot write standard output");
    done += n;
    if(known && done == len)
      return;
    start = 0;
    n = recv(sock, buf, BUFSZ, 0);
    if(n < 0)
      fail("connection broke while reading the body");
    if(n == 0)
      break;
  }
  if(known){
    fprintf(2, "httpget: connection closed after %u of %u body bytes\n",
            done, len);
    exit(1);
  }
}

int
main(int argc, char *argv[])
{
  static char path[PATHMAX];
  struct sockaddr_in sin;
  int sock, start, have, known;
  uint len = 0;
  char *host;

  if(argc != 2){
    fprintf(2, "usage: httpget http://A.B.C.D[:PORT][/PATH]\n");
    exit(1);
  }
  if(parseurl(argv[1], &sin, path) < 0)
    exit(1);
  if((buf = malloc(BUFSZ)) == 0)
    fail("out of memory");
  if((sock = socket(AF_INET, SOCK_STREAM, 0)) < 0)
    fail("cannot create a socket");
  if(bsd_connect(sock, (struct sockaddr*)&sin, sizeof(sin)) < 0){
    fprintf(2, "httpget: cannot connect to %s port %d\n",
            inet_ntoa(sin.sin_addr), ntohs(sin.sin_port));
    exit(1);
  }
  // The Host field is the URL's host[:port] as written.
  host = argv[1] + 7;
  if(strchr(host, '/'))
    *strchr(host, '/') = 0;
  sendrequest(sock, host, path);
  start = readheader(sock, &have);
  known = parseheader(start, &len);
  copybody(sock, start, have, known, len);
  close(sock);
  exit(0);
}
