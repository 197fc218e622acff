/* pm_query.h — one line of a package manager's answer. */
#ifndef PKGGUARD_PM_QUERY_H
#define PKGGUARD_PM_QUERY_H

#include <stddef.h>

/* Runs argv (PATH lookup, stdin /dev/null) in CWD — "/" so that no
 * project's .npmrc or workspace is read, a project directory to see what
 * applies there — and returns the first line of its output, malloc'd; NULL
 * after a message on stderr (a command that is not installed: "cannot run"
 * from the child, exit 127). */
char *pm_query_line(const char *const *argv, const char *cwd);

/* Runs argv the same way and keeps the first line it writes to FD (1:
 * stdout, 2: stderr; stdout is then discarded) in LINE. Returns its exit
 * status (128+N for signal N), or -errno when it could not be started. */
int command_first_line(const char *const *argv, const char *cwd, int fd, char *line, size_t len);

#endif
