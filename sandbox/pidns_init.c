/* pidns_init.c — the sandbox's init: it owns reaping, signal forwarding and
 * the final sweep. Being pid 1 of the namespace, kill(-1, SIGKILL) reaches
 * every process the script started, whatever it did to detach. */
#include "pidns_init.h"
#include "log.h"
#include "report.h"
#include "tripwire.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>
#include <sys/wait.h>

/* The kernel's floor for a namespace's pid_max. */
#define PID_MAX_FLOOR 301

int pidns_limit_pids(uint64_t nproc)
{
	char buf[32];

	if (nproc == 0)
		return 0;
	/* RLIMIT_NPROC does not hold for a real uid 0 (root maps to root).
	 * Since Linux 6.14 pid_max belongs to the pid namespace: pids here are
	 * numbered below it, so no more than it can exist, whoever the caller. */
	int len = snprintf(buf, sizeof(buf), "%llu",
			   (unsigned long long)(nproc + 1 < PID_MAX_FLOOR ? PID_MAX_FLOOR : nproc + 1));
	int fd = open("/proc/sys/kernel/pid_max", O_WRONLY | O_CLOEXEC);
	int ok = fd >= 0 && write(fd, buf, (size_t)len) == len;
	int err = errno;
	if (fd >= 0)
		close(fd);
	if (!ok && getuid() == 0)
		log_warn("pid namespace: cannot set pid_max (%s; Linux 6.14+ has it per namespace): "
			 "as root, only the timeout bounds a fork bomb", strerror(err));
	return 0;
}

int init_exit_code(int status, const struct limits *limits)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (!WIFSIGNALED(status))
		return 128;
	int sig = WTERMSIG(status);
	if (sig == SIGXFSZ)
		log_info("script killed by SIGXFSZ: it wrote a file larger than the profile's limit (fsize_mb = %llu)",
			 (unsigned long long)limits->fsize_mb);
	else if (sig == SIGXCPU)
		log_info("script killed by SIGXCPU: CPU time limit reached (cpu_s = %llu)",
			 (unsigned long long)limits->cpu_s);
	else if (sig == SIGKILL)
		log_info("script killed by SIGKILL (out of memory, or killed from outside)");
	return 128 + sig;
}

int pidns_init_run(pid_t script, const struct limits *limits, int report_fd)
{
	sigset_t set;
	int status = 0, failed = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);

	for (;;) {
		siginfo_t si;
		if (sigwaitinfo(&set, &si) < 0) {
			if (errno == EINTR)
				continue;
			log_fail(errno, "init: sigwaitinfo");
			failed = 1;
			break;
		}
		if (si.si_signo != SIGCHLD) {
			kill(script, si.si_signo);
			continue;
		}
		pid_t pid;
		int st;
		int done = 0;
		while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
			if (pid == script) {
				status = st;
				done = 1;
			}
		}
		if (done)
			break;
	}
	/* The script is over: nothing it started may outlive it. Once kill()
	 * returns, every process here has SIGKILL pending and runs no more
	 * user code, so the parent may be told the status now. The tripwire
	 * lists what is left first. */
	tripwire_init_sweep();
	kill(-1, SIGKILL);
	int code = failed ? 125 : init_exit_code(status, limits);
	report_send(report_fd, REPORT_EXIT, code);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	tripwire_init_linger();
	return code;
}
