/* status.c — `pkgguard status [--json] [--socket PATH]`: asks pkgguardd over
 * its control socket (control_proto.h) for its mode, uptime, counters and
 * decision latency, and prints the answer as it comes. One request line,
 * one answer read until the daemon closes; every step is bounded by
 * PKGGUARD_CONTROL_TIMEOUT_MS in all, so a stalled daemon cannot hang the
 * command. A daemon that is not running is one line and exit 1. */
#include "commands.h"
#include "control_proto.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* The answer is small (a dozen counters); this bounds a runaway peer. */
#define STATUS_MAX_ANSWER (64 * 1024)

static void status_usage(FILE *out)
{
	fputs("usage: pkgguard status [--json] [--socket PATH]\n"
	      "  --json         one JSON object instead of text\n"
	      "  --socket PATH  the daemon's control socket (default " PKGGUARD_CONTROL_SOCKET ")\n",
	      out);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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

/* One line for the reasons a connect fails; returns CMD_FAIL. */
static int connect_error(int err, const char *path)
{
	switch (err) {
	case ENOENT:
	case ECONNREFUSED:
		log_fail_plain(err, "status: pkgguardd is not running (nothing listens on %s)", path);
		break;
	case EACCES:
	case EPERM:
		log_fail_plain(err, "status: permission denied on %s (the control socket is root-only)", path);
		break;
	case EAGAIN:
	case ETIMEDOUT:
		log_fail_plain(err, "status: pkgguardd did not accept the connection on %s within %d ms",
			       path, PKGGUARD_CONTROL_TIMEOUT_MS);
		break;
	default:
		log_fail(err, "status: connect to %s", path);
	}
	return CMD_FAIL;
}

/* A non-blocking connection to PATH, or -1 after saying why. A unix stream
 * connect never returns EINPROGRESS: it succeeds, or fails with EAGAIN while
 * the daemon's backlog is full, which is retried until the deadline. */
static int control_connect(const char *path, long long deadline)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path)) {
		log_fail_plain(ENAMETOOLONG, "status: socket path too long (%zu bytes, at most %zu): %s",
			       strlen(path), sizeof(sa.sun_path) - 1, path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		log_fail(errno, "status: socket(AF_UNIX)");
		return -1;
	}
	while (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int err = errno;
		if (err == EINTR)
			continue;
		if (err == EAGAIN && now_ms() < deadline) {
			struct timespec pause = { 0, 10 * 1000000 };
			nanosleep(&pause, NULL);
			continue;
		}
		close(fd);
		connect_error(err, path);
		return -1;
	}
	return fd;
}

static int send_request(int fd, const char *req, const char *path, long long deadline)
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
		if (err == EAGAIN && (err = -wait_fd(fd, POLLOUT, deadline)) == 0)
			continue;
		if (err == ETIMEDOUT)
			return log_fail_plain(err, "status: pkgguardd did not take the request within %d ms",
					      PKGGUARD_CONTROL_TIMEOUT_MS);
		return log_fail(err, "status: send to %s", path);
	}
	return 0;
}

/* Reads until the daemon closes; *out is malloc'd and NUL-terminated. */
static int read_answer(int fd, char **out, const char *path, long long deadline)
{
	size_t len = 0, cap = 1024;
	char *buf = malloc(cap);
	if (!buf)
		return log_fail(ENOMEM, "status: answer buffer");
	for (;;) {
		if (len + 1 >= cap) {
			if (cap >= STATUS_MAX_ANSWER) {
				free(buf);
				return log_fail_plain(EMSGSIZE, "status: answer from %s longer than %d bytes",
						      path, STATUS_MAX_ANSWER);
			}
			char *bigger = realloc(buf, cap * 2);
			if (!bigger) {
				free(buf);
				return log_fail(ENOMEM, "status: answer buffer");
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
		if (err == EAGAIN && (err = -wait_fd(fd, POLLIN, deadline)) == 0)
			continue;
		free(buf);
		if (err == ETIMEDOUT)
			return log_fail_plain(err, "status: no complete answer from pkgguardd within %d ms",
					      PKGGUARD_CONTROL_TIMEOUT_MS);
		return log_fail(err, "status: read from %s", path);
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

int cmd_status(int argc, char **argv)
{
	enum { O_JSON = 256, O_SOCKET };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, O_JSON },
		{ "socket", required_argument, NULL, O_SOCKET },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = PKGGUARD_CONTROL_SOCKET;
	bool json = false;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case O_JSON: json = true; break;
		case O_SOCKET: path = optarg; break;
		case 'h': status_usage(stdout); return CMD_OK;
		default: status_usage(stderr); return CMD_USAGE;
		}
	}
	if (optind != argc || !*path) {
		status_usage(stderr);
		return CMD_USAGE;
	}

	long long deadline = now_ms() + PKGGUARD_CONTROL_TIMEOUT_MS;
	int fd = control_connect(path, deadline);
	if (fd < 0)
		return CMD_FAIL;
	char *answer = NULL;
	int r = send_request(fd, json ? "status json\n" : "status\n", path, deadline);
	if (r == 0)
		r = read_answer(fd, &answer, path, deadline);
	close(fd);
	if (r != 0)
		return CMD_FAIL;

	size_t len = strlen(answer);
	if (len == 0) {
		free(answer);
		log_fail_plain(EPROTO, "status: pkgguardd closed %s without an answer", path);
		return CMD_FAIL;
	}
	/* The daemon's own refusal ("error: ...") is an error here too. */
	if (strncmp(answer, "error:", 6) == 0) {
		log_fail_plain(EPROTO, "status: pkgguardd answered: %.*s", (int)strcspn(answer + 6, "\n") + 6,
			       answer);
		free(answer);
		return CMD_FAIL;
	}
	fputs(answer, stdout);
	if (answer[len - 1] != '\n')
		putchar('\n');
	free(answer);
	if (fflush(stdout) != 0) {
		log_fail(errno, "status: write to stdout");
		return CMD_FAIL;
	}
	return CMD_OK;
}
