/* fanotify_floor.c — the floor under pkgguardd's exec overhead, for
 * tests/bench/exec.sh: a fanotify listener that marks the same
 * FAN_OPEN_EXEC_PERM events (FAN_MARK_FILESYSTEM on each path given, the
 * dynamic loaders ignored as pkgguardd ignores them) and allows every one
 * without reading anything. What it costs is the permission round trip
 * itself; what pkgguardd costs beyond it is its decisions.
 *   fanotify_floor PATH...   (root; stops on SIGTERM) */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/fanotify.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	static const char *const loaders[] = { "/lib64/ld-linux-x86-64.so.2",
					       "/lib/ld-linux-aarch64.so.1" };
	char buf[8192] __attribute__((aligned(__alignof__(struct fanotify_event_metadata))));
	struct sigaction sa = { .sa_handler = on_term };
	int fd = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC | FAN_NONBLOCK, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "fanotify_floor: fanotify_init: %s\n", strerror(errno));
		return 1;
	}
	for (int i = 1; i < argc; i++)
		if (fanotify_mark(fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, FAN_OPEN_EXEC_PERM, AT_FDCWD, argv[i]) != 0)
			fprintf(stderr, "fanotify_floor: mark %s: %s\n", argv[i], strerror(errno));
	for (size_t i = 0; i < sizeof(loaders) / sizeof(loaders[0]); i++)
		(void)fanotify_mark(fd, FAN_MARK_ADD | FAN_MARK_IGNORED_MASK | FAN_MARK_IGNORED_SURV_MODIFY,
				    FAN_OPEN_EXEC_PERM, AT_FDCWD, loaders[i]);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	fprintf(stderr, "fanotify_floor: ready, pid %d\n", (int)getpid());
	while (!stop) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		const struct fanotify_event_metadata *m = (const void *)buf;
		ssize_t len;

		if (poll(&p, 1, 1000) <= 0)
			continue;
		len = read(fd, buf, sizeof(buf));
		for (; len > 0 && FAN_EVENT_OK(m, len); m = FAN_EVENT_NEXT(m, len)) {
			struct fanotify_response r = { .fd = m->fd, .response = FAN_ALLOW };

			if (m->fd < 0)
				continue;
			if (write(fd, &r, sizeof(r)) != (ssize_t)sizeof(r))
				fprintf(stderr, "fanotify_floor: response: %s\n", strerror(errno));
			close(m->fd);
		}
	}
	close(fd); /* the kernel allows whatever was pending */
	return 0;
}
