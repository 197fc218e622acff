/* unit_helpers.h — what the cmocka unit tests share: scratch files and
 * directories, and running a check in a forked child. Included after
 * <cmocka.h>; everything is static (each test is one program).
 *
 * A child gets the default action for the signals cmocka catches: cmocka's
 * handler, inherited over fork(), would otherwise turn a child's SIGSEGV
 * (int 0x80 on a kernel without 32-bit emulation) into a second cmocka
 * runner inside the child, which goes on running the remaining tests. */
#ifndef PKGGUARD_UNIT_HELPERS_H
#define PKGGUARD_UNIT_HELPERS_H

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "array_size.h"

/* ---- files -------------------------------------------------------------- */

/* mkdir -p of root/rel. */
static inline void ut_mkdirs(const char *root, const char *rel)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", root, rel) >= (int)sizeof(path))
		fail_msg("path too long: %s/%s", root, rel);
	for (char *s = path + strlen(root) + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
		*s = '/';
	}
	assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
}

/* Writes text into root/rel, making its directories. */
static inline void ut_put(const char *root, const char *rel, const char *text)
{
	char path[PATH_MAX], dir[PATH_MAX];
	char *slash;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s", rel);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		ut_mkdirs(root, dir);
	}
	if (snprintf(path, sizeof(path), "%s/%s", root, rel) >= (int)sizeof(path))
		fail_msg("path too long: %s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static inline int ut_rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* rm -rf of dir (never follows a link out of it). */
static inline void ut_rm_tree(const char *dir)
{
	nftw(dir, ut_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- a check in a child --------------------------------------------------- */

/* Child exit statuses. */
enum { CHILD_OK = 0, CHILD_FAIL = 1, CHILD_SKIP = 77 };

typedef int (*child_fn)(const void *arg);

/* A line of the child's on stderr, "# child: …" (TAP comment). */
static void ut_note(const char *fmt, ...) __attribute__((format(printf, 1, 2), unused));
static void ut_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("# child: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* In a forked child: back to the default action for the signals cmocka
 * handles, so that a fault kills the child (seen by its parent). */
static inline void ut_child_default_signals(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGSYS };

	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		signal(sigs[i], SIG_DFL);
}

/* fork() for a child that must die of its own faults. */
static inline pid_t ut_fork(void)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0)
		ut_child_default_signals();
	return pid;
}

/* Runs fn(arg) in a child: CHILD_OK passes, CHILD_SKIP skips, anything else
 * (or a signal) fails the test. */
static inline void ut_run_in_child(child_fn fn, const void *arg)
{
	int status;
	pid_t pid = ut_fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(fn(arg));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		fail_msg("child killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
	if (WEXITSTATUS(status) == CHILD_SKIP)
		skip();
	if (WEXITSTATUS(status) != CHILD_OK)
		fail_msg("child failed (status %d), see its message above", WEXITSTATUS(status));
}

#endif
