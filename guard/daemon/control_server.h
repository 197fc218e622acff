/* control_server.h — the server side of control_proto.h: a non-blocking
 * unix socket served from pkgguardd's poll loop. A client gets its answer
 * or is dropped within PKGGUARD_CONTROL_TIMEOUT_MS; nothing here blocks. */
#ifndef PKGGUARD_CONTROL_SERVER_H
#define PKGGUARD_CONTROL_SERVER_H

#include <poll.h>
#include <stdint.h>
#include <sys/types.h>

#include "control_proto.h"
#include "daemon_stats.h"
#include "policy.h"

#define CONTROL_MAX_CONNS 8

struct control_conn {
	int fd;                 /* -1: free */
	uint64_t deadline_ms;
	size_t n;
	char buf[PKGGUARD_CONTROL_MAX_REQUEST];
};

struct control_server {
	int fd;                 /* listening socket, -1 when none */
	char *path;
	struct control_conn conns[CONTROL_MAX_CONNS];
};

/* What a status answer shows. */
struct control_view {
	const char *mode;
	uint64_t uptime_s;
	const struct daemon_stats *stats;
	const struct reparse_stats *reparse;
	const struct strlist *profile_dirs; /* the search path in force */
};

/* Binds path (root-only, 0600, parent made 0700 when missing). 0 or -errno. */
int control_open(struct control_server *s, const char *path);
void control_close(struct control_server *s);
/* Fills up to 1 + CONTROL_MAX_CONNS pollfds; returns how many. */
size_t control_pollfds(const struct control_server *s, struct pollfd *fds);
/* Handles what poll reported on the fds control_pollfds gave. */
void control_handle(struct control_server *s, const struct pollfd *fds, size_t n,
		    const struct control_view *v);
/* Drops clients past their deadline. */
void control_expire(struct control_server *s);

#endif
