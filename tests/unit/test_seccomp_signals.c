/* test_seccomp_signals.c — seccomp_signals_build(), the fallback's floor
 * without Landlock: this process builds the filter (it is the supervisor
 * the filter protects), a forked child loads it alone (no Landlock, so
 * seccomp is the only thing refusing) and names the supervisor, its process
 * group, every process (-1)... Each call is first made unfiltered by the
 * same child as its control (signal 0: a permission check, harmless even as
 * root) and must not be refused there. Calls that stay allowed are checked too: the
 * child's own pid, and a process group it made itself with setsid. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include "layers.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

#define HIGH_BIT 0x100000000L

enum { CHILD_OK = 0, CHILD_FAIL = 1 };

struct call {
	const char *what;
	long nr;
	long a0, a1, a2, a3;
};

static long do_call(const struct call *c)
{
	return syscall(c->nr, c->a0, c->a1, c->a2, c->a3);
}

static int child_main(const struct seccomp_prog *prog)
{
	pid_t sup = getppid(), self = getpid(), pg = getpgid(sup);
	struct rlimit rl;
	getrlimit(RLIMIT_CPU, &rl);
	int procfd = open("/proc/self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	const struct call refused[] = {
		{ "kill(supervisor)", SYS_kill, sup, 0, 0, 0 },
		{ "kill(supervisor | 1<<32)", SYS_kill, HIGH_BIT | sup, 0, 0, 0 },
		{ "kill(-supervisor's pgid)", SYS_kill, -(long)pg, 0, 0, 0 },
		{ "kill(-1)", SYS_kill, -1, 0, 0, 0 },
		{ "tkill(supervisor)", SYS_tkill, sup, 0, 0, 0 },
		{ "tgkill(supervisor, supervisor)", SYS_tgkill, sup, sup, 0, 0 },
		{ "pidfd_open(supervisor)", SYS_pidfd_open, sup, 0, 0, 0 },
		{ "pidfd_send_signal(/proc/self)", SYS_pidfd_send_signal, procfd, 0, 0, 0 },
		{ "prlimit64(supervisor, RLIMIT_CPU, NULL, old)", SYS_prlimit64, sup, RLIMIT_CPU, 0, (long)&rl },
		{ "fcntl(F_SETOWN, supervisor)", SYS_fcntl, procfd, F_SETOWN, sup, 0 },
		{ "fcntl(F_SETOWN, -pgid)", SYS_fcntl, procfd, F_SETOWN, -(long)pg, 0 },
	};
	int failed = 0;

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		/* ESRCH (kill(-1) with nothing else to signal) still reached the
		 * kernel's own check; EPERM would make the row vacuous. */
		if (do_call(&refused[i]) < 0 && errno == EPERM) {
			fprintf(stderr, "# control %s failed unfiltered: %s\n", refused[i].what, strerror(errno));
			failed = 1;
		}
	}
	fcntl(procfd, F_SETOWN, 0);
	/* A group of the child's own making, made before the filter. */
	pid_t own = fork();
	if (own == 0) {
		setsid();
		pause();
		_exit(0);
	}
	usleep(50000);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || seccomp_filter_load(prog) != 0) {
		fprintf(stderr, "# loading the filter: %s\n", strerror(errno));
		kill(own, SIGKILL);
		return CHILD_FAIL;
	}
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		errno = 0;
		if (do_call(&refused[i]) != -1 || errno != EPERM) {
			fprintf(stderr, "# %s was not refused with EPERM (%s)\n", refused[i].what, strerror(errno));
			failed = 1;
		}
	}
	if (kill(self, 0) != 0 || kill(-own, 0) != 0 || kill(0, 0) != 0 || setrlimit(RLIMIT_CPU, &rl) != 0) {
		fprintf(stderr, "# a call on the child's own tree was refused: %s\n", strerror(errno));
		failed = 1;
	}
	kill(-own, SIGKILL);
	waitpid(own, NULL, 0);
	return failed ? CHILD_FAIL : CHILD_OK;
}

static void test_supervisor_and_broadcast_refused(void **state)
{
	struct seccomp_prog prog;
	int status;

	(void)state;
	assert_int_equal(seccomp_signals_build(&prog), 0);
	assert_true(prog.len > 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(child_main(&prog));
	seccomp_prog_free(&prog);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), CHILD_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_supervisor_and_broadcast_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
