/* pm_query.c — asks a program for one line (`npm config get …`, `pnpm
 * --version`, pkgguard-sandbox's first complaint), run with fork/exec, never
 * through a shell. */
#include "pm_query.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int command_first_line(const char *const *argv, const char *cwd, int fd, char *line, size_t len)
{
	size_t got = 0;
	int fds[2], status;
	pid_t pid;

	line[0] = '\0';
	if (pipe2(fds, O_CLOEXEC) != 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int err = errno;
		close(fds[0]);
		close(fds[1]);
		return -err;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		/* The other stream: stderr stays the caller's, stdout (when
		 * stderr is read) goes nowhere. */
		if (null < 0 || dup2(null, 0) < 0 || (fd == 2 && dup2(null, 1) < 0) || dup2(fds[1], fd) < 0 ||
		    chdir(cwd) != 0)
			_exit(126);
		execvp(argv[0], (char *const *)argv);
		/* One line, in the child: the parent only sees an exit status. */
		dprintf(fd == 2 ? fds[1] : 2, "pkgguard: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(fds[1]);
	for (;;) {
		char sink[512];
		bool full = got + 1 >= len;
		ssize_t n = full ? read(fds[0], sink, sizeof(sink)) : read(fds[0], line + got, len - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (!full)
			got += (size_t)n; /* past the buffer: drained so the child never blocks */
	}
	close(fds[0]);
	line[got] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

char *pm_query_line(const char *const *argv, const char *cwd)
{
	char buf[PATH_MAX + 64];
	int status = command_first_line(argv, cwd, 1, buf, sizeof(buf));

	if (status < 0) {
		log_fail(-status, "running `%s %s`", argv[0], argv[1]);
		return NULL;
	}
	if (status != 0) {
		if (status < 126 || status > 127)
			log_fail_plain(EIO, "`%s %s%s%s` failed (status %d)", argv[0], argv[1],
				       argv[2] ? " " : "", argv[2] ? argv[2] : "", status);
		return NULL;
	}
	return strdup(buf);
}
