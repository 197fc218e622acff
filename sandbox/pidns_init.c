/* pidns_init.c — the sandbox's init: it owns reaping, signal forwarding and
 * the final sweep. Being pid 1 of the namespace, kill(-1, SIGKILL) reaches
 * every process the script started, whatever it did to detach. */
#include "pidns_init.h"
#include "log.h"
#include "report.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

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
	 * user code, so the parent may be told the status now. */
	kill(-1, SIGKILL);
	int code = failed ? 125 : init_exit_code(status, limits);
	report_send(report_fd, REPORT_EXIT, code);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	return code;
}
