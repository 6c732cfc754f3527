// nfsd: serves one directory over the protocol of handouts/nfs-protocol.md.
//
//   nfsd -r EXPORT_DIR -p PORT [-b ADDR]
//
// One thread, one poll() loop over the listening socket and at most
// MAXCONN connections, every socket non-blocking. Each connection owns
// two fixed buffers of NFS_MSIZE_MAX bytes: the request being received
// and the reply being sent. A request is carried out only when all of it
// has arrived and the previous reply has gone, so a client that stalls
// mid-message or stops reading its replies holds up only itself; its
// socket simply stops being polled for input, and after stall_seconds
// it is closed, so that stuck clients cannot keep every slot. The size field is checked
// (wire_frame_size) as soon as its 4 bytes are in, before the rest is
// read: out of bounds closes the connection (protocol section 4). File
// operations are synchronous and bounded (at most IOUNIT bytes), so one
// request delays the others by one local file system call at most.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ops.h"

#define MAXCONN         64
// A message left incomplete, or a reply not taken, this long: close.
// The environment's NFSD_STALL_SECONDS overrides it (for the tests).
static long stall_seconds = 30;

struct conn {
	int fd;                 // -1: free slot
	struct session s;
	uint8_t in[NFS_MSIZE_MAX];
	size_t inlen;
	uint8_t out[NFS_MSIZE_MAX];
	size_t outlen, outoff;
	time_t since;           // when the incomplete message began
	time_t out_since;       // when the pending reply was made
};

static struct conn *conns;      // MAXCONN of them, about 8 MiB

static void
usage(void)
{
	fprintf(stderr,
		"usage: nfsd -r EXPORT_DIR -p PORT [-b ADDR]\n"
		"  -r EXPORT_DIR  the directory to serve; clients see nothing outside it\n"
		"  -p PORT        TCP port to listen on (1-65535)\n"
		"  -b ADDR        IPv4 address to bind (default 127.0.0.1: only the local\n"
		"                 QEMU, whose user-mode network reaches the host's loopback\n"
		"                 as 10.0.2.2, needs it; there is no authentication)\n");
	exit(2);
}

static time_t
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void
conn_close(struct conn *c)
{
	close(c->fd);
	session_reset(&c->s);
	c->fd = -1;
}

static void
conn_accept(int lfd, int root)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	for (int i = 0; i < MAXCONN; i++) {
		struct conn *c = &conns[i];
		if (c->fd < 0) {
			c->fd = fd;
			c->inlen = c->outlen = c->outoff = 0;
			session_init(&c->s, root);
			return;
		}
	}
	close(fd);              // over the limit: accepted and closed at once
}

// Sends what it can of the pending reply. Returns -1 if the peer is gone.
static int
conn_flush(struct conn *c)
{
	while (c->outoff < c->outlen) {
		ssize_t k = send(c->fd, c->out + c->outoff, c->outlen - c->outoff, MSG_NOSIGNAL);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
		c->outoff += (size_t)k;
	}
	c->outlen = c->outoff = 0;
	return 0;
}

// Carries out the complete request at the head of the input, if there
// is one and no reply is pending. Returns -1 to close the connection.
static int
conn_process(struct conn *c)
{
	while (c->outlen == 0 && c->inlen >= 4) {
		uint32_t size = wire_frame_size(c->in, session_limit(&c->s));
		if (size == 0)
			return -1;
		if (c->inlen < size)
			return 0;
		c->outlen = session_request(&c->s, c->in, size, c->out);
		c->out_since = now();
		memmove(c->in, c->in + size, c->inlen - size);
		c->inlen -= size;
		if (conn_flush(c) < 0)
			return -1;
	}
	return 0;
}

// Reads no further than the end of the current message (or its size
// field), so the buffer never holds more than one message.
static int
conn_read(struct conn *c)
{
	size_t want = 4;

	if (c->inlen >= 4) {
		uint32_t size = wire_frame_size(c->in, session_limit(&c->s));
		if (size == 0)
			return -1;
		want = size;
	}
	if (c->inlen >= want)
		return 0;
	ssize_t k = recv(c->fd, c->in + c->inlen, want - c->inlen, 0);
	if (k == 0)
		return -1;
	if (k < 0)
		return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
	if (c->inlen == 0)
		c->since = now();
	c->inlen += (size_t)k;
	return conn_process(c);
}

static int
listen_on(const char *addr, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int one = 1;

	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "nfsd: -b %s: not an IPv4 address\n", addr);
		exit(2);
	}
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 64) < 0) {
		fprintf(stderr, "nfsd: %s:%d: %s\n", addr, port, strerror(errno));
		exit(1);
	}
	return fd;
}

static void
serve(int lfd, int root)
{
	struct pollfd pfd[MAXCONN + 1];
	int idx[MAXCONN + 1];

	for (;;) {
		int n = 0;
		pfd[n++] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (int i = 0; i < MAXCONN; i++) {
			struct conn *c = &conns[i];
			if (c->fd < 0)
				continue;
			idx[n] = i;
			pfd[n++] = (struct pollfd){ .fd = c->fd,
				.events = c->outlen ? POLLOUT : POLLIN };
		}
		if (poll(pfd, (nfds_t)n, 1000) < 0 && errno != EINTR) {
			perror("nfsd: poll");
			exit(1);
		}
		time_t t = now();
		for (int j = 1; j < n; j++) {
			struct conn *c = &conns[idx[j]];
			int rc = 0;
			if (pfd[j].revents & (POLLERR | POLLNVAL))
				rc = -1;
			else if (c->outlen && (pfd[j].revents & (POLLOUT | POLLHUP)))
				rc = conn_flush(c) < 0 ? -1 : conn_process(c);
			else if (!c->outlen && (pfd[j].revents & (POLLIN | POLLHUP)))
				rc = conn_read(c);
			if (rc == 0 && c->inlen > 0 && c->outlen == 0 && t - c->since > stall_seconds)
				rc = -1;
			if (rc == 0 && c->outlen > 0 && t - c->out_since > stall_seconds)
				rc = -1;
			if (rc < 0)
				conn_close(c);
		}
		if (pfd[0].revents & POLLIN)
			conn_accept(lfd, root);
	}
}

int
main(int argc, char **argv)
{
	const char *dir = NULL, *addr = "127.0.0.1";
	long port = -1;
	char *end;
	int opt;

	while ((opt = getopt(argc, argv, "r:p:b:h")) != -1) {
		switch (opt) {
		case 'r': dir = optarg; break;
		case 'b': addr = optarg; break;
		case 'p':
			errno = 0;
			port = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || port < 1 || port > 65535)
				usage();
			break;
		default: usage();
		}
	}
	if (!dir || port < 0 || optind != argc)
		usage();
	int root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0) {
		fprintf(stderr, "nfsd: -r %s: %s\n", dir, strerror(errno));
		exit(2);
	}
	// Every handle may hold a descriptor: make room for all of them.
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	conns = calloc(MAXCONN, sizeof *conns);
	if (!conns) {
		perror("nfsd");
		exit(1);
	}
	for (int i = 0; i < MAXCONN; i++)
		conns[i].fd = -1;
	const char *stall = getenv("NFSD_STALL_SECONDS");
	if (stall && atol(stall) > 0)
		stall_seconds = atol(stall);
	signal(SIGPIPE, SIG_IGN);
	/* Past a file-size limit (ulimit -f) a write fails with EFBIG, which
	   the client gets as ERR_NOSPACE, instead of the signal ending us. */
	signal(SIGXFSZ, SIG_IGN);
	umask(022);             // perm & NFS_PERM_MASK is exactly what is made
	int lfd = listen_on(addr, (int)port);
	fprintf(stderr, "nfsd: serving %s on %s:%ld\n", dir, addr, port);
	serve(lfd, root);
	return 0;
}
