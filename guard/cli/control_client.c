/* control_client.c — one request to pkgguardd's control socket, every step
 * bounded by one deadline; errors as -errno plus one line for the caller to
 * print (status) or report (doctor). */
#include "control_client.h"
#include "control_proto.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* The answer is small (a dozen counters); this bounds a runaway peer. */
#define CONTROL_MAX_ANSWER (64 * 1024)

struct request {
	const char *path;
	long long deadline;
	char *why;
	size_t whylen;
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Fills the caller's one line; returns -err. */
__attribute__((format(printf, 3, 4))) static int say(const struct request *q, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(q->why, q->whylen, fmt, ap);
	va_end(ap);
	return -err;
}

/* Waits until fd is ready for EVENTS or the deadline passes: 0, or -errno
 * (-ETIMEDOUT at the deadline). */
static int wait_fd(int fd, short events, long long deadline)
{
	for (;;) {
		long long left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		struct pollfd p = { .fd = fd, .events = events };
		int n = poll(&p, 1, (int)left);
		if (n > 0)
			return 0;
		if (n == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

/* One line for the reasons a connect fails. */
static int connect_error(const struct request *q, int err)
{
	switch (err) {
	case ENOENT:
	case ECONNREFUSED:
		return say(q, err, "pkgguardd is not running (nothing listens on %s)", q->path);
	case EACCES:
	case EPERM:
		return say(q, err, "permission denied on %s (the control socket is root-only)", q->path);
	case EAGAIN:
	case ETIMEDOUT:
		return say(q, err, "pkgguardd did not accept the connection on %s within %d ms", q->path,
			   PKGGUARD_CONTROL_TIMEOUT_MS);
	default:
		return say(q, err, "connect to %s: %s", q->path, strerror(err));
	}
}

/* A non-blocking connection, or -errno. A unix stream connect never returns
 * EINPROGRESS: it succeeds, or fails with EAGAIN while the daemon's backlog
 * is full, which is retried until the deadline. */
static int control_connect(const struct request *q, int *out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(q->path);
	if (len >= sizeof(sa.sun_path))
		return say(q, ENAMETOOLONG, "socket path too long (%zu bytes, at most %zu): %s", len,
			   sizeof(sa.sun_path) - 1, q->path);
	memcpy(sa.sun_path, q->path, len + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return say(q, errno, "socket(AF_UNIX): %s", strerror(errno));
	while (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int err = errno;
		if (err == EINTR)
			continue;
		if (err == EAGAIN && now_ms() < q->deadline) {
			struct timespec pause = { 0, 10 * 1000000 };
			nanosleep(&pause, NULL);
			continue;
		}
		close(fd);
		return connect_error(q, err);
	}
	*out = fd;
	return 0;
}

static int send_request(const struct request *q, int fd, const char *req)
{
	size_t len = strlen(req), off = 0;
	while (off < len) {
		ssize_t n = send(fd, req + off, len - off, MSG_NOSIGNAL);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		int err = n < 0 ? errno : EIO;
		if (err == EINTR)
			continue;
		if (err == EAGAIN && (err = -wait_fd(fd, POLLOUT, q->deadline)) == 0)
			continue;
		if (err == ETIMEDOUT)
			return say(q, err, "pkgguardd did not take the request within %d ms",
				   PKGGUARD_CONTROL_TIMEOUT_MS);
		return say(q, err, "send to %s: %s", q->path, strerror(err));
	}
	return 0;
}

/* Reads until the daemon closes; *out is malloc'd and NUL-terminated. */
static int read_answer(const struct request *q, int fd, char **out)
{
	size_t len = 0, cap = 1024;
	char *buf = malloc(cap);
	if (!buf)
		return say(q, ENOMEM, "answer buffer: %s", strerror(ENOMEM));
	for (;;) {
		if (len + 1 >= cap) {
			if (cap >= CONTROL_MAX_ANSWER) {
				free(buf);
				return say(q, EMSGSIZE, "answer from %s longer than %d bytes", q->path,
					   CONTROL_MAX_ANSWER);
			}
			char *bigger = realloc(buf, cap * 2);
			if (!bigger) {
				free(buf);
				return say(q, ENOMEM, "answer buffer: %s", strerror(ENOMEM));
			}
			buf = bigger;
			cap *= 2;
		}
		ssize_t n = recv(fd, buf + len, cap - 1 - len, 0);
		if (n > 0) {
			len += (size_t)n;
			continue;
		}
		if (n == 0)
			break;
		int err = errno;
		if (err == EINTR)
			continue;
		if (err == EAGAIN && (err = -wait_fd(fd, POLLIN, q->deadline)) == 0)
			continue;
		free(buf);
		if (err == ETIMEDOUT)
			return say(q, err, "no complete answer from pkgguardd within %d ms",
				   PKGGUARD_CONTROL_TIMEOUT_MS);
		return say(q, err, "read from %s: %s", q->path, strerror(err));
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

int control_request(const char *path, const char *req, char **answer, char *why, size_t whylen)
{
	const struct request q = { path, now_ms() + PKGGUARD_CONTROL_TIMEOUT_MS, why, whylen };
	int fd = -1;
	int r = control_connect(&q, &fd);
	if (r)
		return r;
	r = send_request(&q, fd, req);
	if (!r)
		r = read_answer(&q, fd, answer);
	close(fd);
	return r;
}

int control_cli_options(int argc, char **argv, void (*usage)(FILE *), bool *json, const char **socket)
{
	enum { O_JSON = 256, O_SOCKET };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, O_JSON },
		{ "socket", required_argument, NULL, O_SOCKET },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case O_JSON: *json = true; break;
		case O_SOCKET: *socket = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || !**socket) {
		usage(stderr);
		return 2;
	}
	return -1;
}
