/* test_pending_exec.c — the pending exec read for a deny's log line
 * (pending_exec.c): /proc/PID/syscall lines, the lifecycle event among
 * envp strings, and over a real exec held by a fanotify permission event of
 * the test's own (an inode mark on a copy of /bin/true: nothing else on the
 * machine waits): the argv and npm_lifecycle_event it was about to run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pending_exec.h"

static void test_parse_syscall(void **state)
{
	char line[256];
	uint64_t argv = 0, envp = 0;

	(void)state;
	snprintf(line, sizeof(line), "%d 0x55d0 0x7ffe10 0x7ffe20 0x0 0x0 0x0 0x7ffe00 0x7f12\n", SYS_execve);
	assert_int_equal(pending_exec_parse_syscall(line, &argv, &envp), 0);
	assert_int_equal(argv, 0x7ffe10);
	assert_int_equal(envp, 0x7ffe20);
	snprintf(line, sizeof(line), "%d 0xffffff9c 0x55d0 0x7ffe30 0x7ffe40 0x1000 0x0 0x7ffe00 0x7f12\n",
		 SYS_execveat);
	assert_int_equal(pending_exec_parse_syscall(line, &argv, &envp), 0);
	assert_int_equal(argv, 0x7ffe30);
	assert_int_equal(envp, 0x7ffe40);
	assert_int_equal(pending_exec_parse_syscall("0 0x3 0x7ffe 0x2000 0x0 0x0 0x0 0x1 0x2\n", &argv, &envp),
			 -ENOEXEC); /* read(2) */
	assert_int_equal(pending_exec_parse_syscall("running\n", &argv, &envp), -ENOEXEC);
	assert_int_equal(pending_exec_parse_syscall("-1 0x7ffe00 0x7f12\n", &argv, &envp), -ENOEXEC);
	assert_int_equal(pending_exec_parse_syscall("", &argv, &envp), -ENOEXEC);
}

static void test_event_of(void **state)
{
	char *env[] = { "PATH=/usr/bin", "npm_lifecycle_eventx=no", "npm_lifecycle_event=postinstall", NULL };
	char *none[] = { "PATH=/usr/bin", "npm_lifecycle_script=node x.js" };
	char buf[64];

	(void)state;
	assert_int_equal(pending_exec_event_of(env, 3, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "postinstall");
	assert_int_equal(pending_exec_event_of(none, 2, buf, sizeof(buf)), -ENOENT);
	assert_int_equal(pending_exec_event_of(env, 0, buf, sizeof(buf)), -ENOENT);
}

/* A copy of /bin/true in a fresh directory; 0 or -1. */
static int copy_true(char *dir, char *path, size_t len)
{
	char buf[65536];
	ssize_t n;
	int in, out;

	if (!mkdtemp(dir))
		return -1;
	snprintf(path, len, "%s/held-true", dir);
	in = open("/bin/true", O_RDONLY | O_CLOEXEC);
	out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	if (in < 0 || out < 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			return -1;
	close(in);
	return close(out);
}

static void test_read_held_exec(void **state)
{
	char dir[] = "/tmp/pg-pending-XXXXXX", path[256];
	char buf[4096] __attribute__((aligned(__alignof__(struct fanotify_event_metadata))));
	const struct fanotify_event_metadata *m = (const void *)buf;
	struct pending_exec pe;
	struct pollfd p;
	ssize_t len;
	int fan, status;
	pid_t kid;

	(void)state;
	if (geteuid() != 0)
		skip(); /* fanotify permission events need CAP_SYS_ADMIN */
	fan = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC, O_RDONLY | O_CLOEXEC);
	if (fan < 0)
		skip(); /* no fanotify permission events in this kernel */
	assert_int_equal(copy_true(dir, path, sizeof(path)), 0);
	assert_int_equal(fanotify_mark(fan, FAN_MARK_ADD, FAN_OPEN_EXEC_PERM, AT_FDCWD, path), 0);
	kid = fork();
	assert_true(kid >= 0);
	if (kid == 0) {
		char *argv[] = { "held-true", "--flag", "two words", NULL };
		char *envp[] = { "PATH=/usr/bin", "npm_lifecycle_event=postinstall", NULL };

		execve(path, argv, envp);
		_exit(errno == EPERM ? 0 : 1);
	}
	p = (struct pollfd){ .fd = fan, .events = POLLIN };
	assert_int_equal(poll(&p, 1, 5000), 1);
	len = read(fan, buf, sizeof(buf));
	assert_true(len > 0 && FAN_EVENT_OK(m, len));
	assert_int_equal(m->pid, kid);
	assert_int_equal(pending_exec_read(kid, &pe), 0);
	assert_string_equal(pe.command, "held-true --flag two words");
	assert_string_equal(pe.event, "postinstall");
	{
		struct fanotify_response r = { .fd = m->fd, .response = FAN_DENY };

		assert_int_equal(write(fan, &r, sizeof(r)), (ssize_t)sizeof(r));
	}
	close(m->fd);
	assert_int_equal(waitpid(kid, &status, 0), kid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0); /* the exec failed with EPERM */
	/* a process in another syscall: nothing pending */
	assert_int_equal(pending_exec_read(getpid(), &pe), -ENOEXEC);
	close(fan);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_syscall),
		cmocka_unit_test(test_event_of),
		cmocka_unit_test(test_read_held_exec),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
