/* sandbox.c — runs one command under every layer of a policy. This file
 * holds the one visible list of setup steps, in DESIGN.md's order; each step
 * is one checked call into its layer's file. Three processes take part:
 *
 *   parent (caller's namespaces)   maps the user namespace, enforces the
 *     │                            timeout, forwards signals, gives the status
 *     └─ init (pid 1 of the new namespaces)   builds the mount tree, lo, uts
 *          └─ script   session, rlimits, caps, no_new_privs, Landlock,
 *                      seccomp, execve
 *
 * Children tell the parent why they failed through a CLOEXEC pipe, so a
 * setup failure (125) is never confused with the script's own exit status.
 * Where user namespaces are refused, the same script steps run without
 * namespaces (CONFINE_FALLBACK) and the parent does init's sweep itself. */
#include "sandbox.h"
#include "environ.h"
#include "layers.h"
#include "log.h"
#include "pidns_init.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

enum report_kind {
	REPORT_SETUP = 1,          /* a layer failed; message already printed */
	REPORT_EXEC,               /* execve failed with err */
	REPORT_USERNS_RESTRICTED,  /* namespace made, but without privileges in it */
};

struct report {
	int kind;
	int err;
};

struct run {
	const struct policy *p;
	const struct sandbox_cmd *cmd;
	char **env;
	enum confinement mode;
	char *fallback_tmp;    /* CONFINE_FALLBACK: private TMPDIR on the host */
	int sync[2];           /* parent -> init: the uid/gid maps are written */
	int report[2];         /* children -> parent: struct report */
	sigset_t forwarded;    /* signals the parent passes on to the sandbox */
};

static void send_report(const struct run *r, int kind, int err)
{
	struct report rep = { kind, err };
	/* Smaller than PIPE_BUF: atomic, and nobody to tell if it fails. */
	if (write(r->report[1], &rep, sizeof(rep)) < 0)
		return;
}

/* execvpe() searches the caller's PATH; the script's PATH is the one of its
 * filtered environment, so look the command up there. */
static int exec_command(char *const *argv, char **env)
{
	const char *path = "/usr/local/bin:/usr/bin:/bin";
	int err = ENOENT;

	if (strchr(argv[0], '/')) {
		execve(argv[0], argv, env);
		return errno;
	}
	for (char **e = env; *e; e++)
		if (strncmp(*e, "PATH=", 5) == 0)
			path = *e + 5;
	for (const char *s = path; ; ) {
		const char *end = strchrnul(s, ':');
		char full[4096];
		int n = snprintf(full, sizeof(full), "%.*s%s%s", (int)(end - s), s,
				 end == s ? "" : "/", argv[0]);
		if (n > 0 && (size_t)n < sizeof(full)) {
			execve(full, argv, env);
			if (errno != ENOENT && errno != ENOTDIR)
				err = errno; /* found but not runnable: remember why */
		}
		if (!*end)
			break;
		s = end + 1;
	}
	return err;
}

/* ---- script process: the last steps before execve, in this order ---- */
static void script_main(const struct run *r)
{
	const struct policy *p = r->p;
	int rc;

	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (r->mode == CONFINE_FALLBACK && chdir(r->cmd->cwd) != 0)
		rc = log_fail(errno, "session: chdir %s", r->cmd->cwd);
	else if (setsid() < 0)
		rc = log_fail(errno, "session: setsid");
	else if ((rc = rlimits_apply(&p->limits)) == 0 &&
		 (rc = caps_drop_all()) == 0 &&
		 (rc = no_new_privs_set()) == 0 &&
		 (rc = landlock_apply(p, r->mode, r->fallback_tmp)) == 0 &&
		 (rc = seccomp_filter_apply(p, r->mode)) == 0) {
		int err = exec_command(r->cmd->argv, r->env);
		send_report(r, REPORT_EXEC, err);
		_exit(err == ENOENT ? SANDBOX_EXIT_NOTFOUND : SANDBOX_EXIT_NOEXEC);
	}
	send_report(r, REPORT_SETUP, -rc);
	_exit(SANDBOX_EXIT_SETUP);
}

static pid_t fork_script(const struct run *r)
{
	pid_t pid = fork();
	if (pid == 0)
		script_main(r);
	return pid;
}

/* ---- init: pid 1 of the new namespaces ---- */
static int init_sync(const struct run *r)
{
	char c;
	/* Dies with the parent, whatever kills it. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
		return log_fail(errno, "init: prctl(PR_SET_PDEATHSIG)");
	if (read(r->sync[0], &c, 1) != 1)
		return log_fail_plain(EPIPE, "init: the parent did not map the user namespace");
	return 0;
}

static int init_setup(const struct run *r)
{
	const struct policy *p = r->p;
	int rc;

	/* Detach from the caller's terminal; the parent forwards its signals. */
	if (setsid() < 0)
		return log_fail(errno, "init: setsid");
	if ((rc = mountns_build(p)))
		return rc;
	if (p->network == NETWORK_NONE && (rc = netns_loopback_up()))
		return rc;
	if ((rc = utsns_set_hostname(p->hostname)))
		return rc;
	if (chdir(r->cmd->cwd) != 0 && (!p->pkg_dir || chdir(p->pkg_dir) != 0) && chdir("/") != 0)
		return log_fail(errno, "init: chdir");
	return 0;
}

static void init_main(struct run *r)
{
	close(r->sync[1]);
	close(r->report[0]);
	/* A namespace we hold no privilege in (AppArmor's userns restriction)
	 * fails the first mount with EPERM: tell the parent to fall back. */
	int rc = init_sync(r);
	if (rc == 0 && (rc = mountns_make_private()) == -EPERM) {
		send_report(r, REPORT_USERNS_RESTRICTED, EPERM);
		_exit(SANDBOX_EXIT_SETUP);
	}
	if (rc != 0 || init_setup(r) != 0) {
		send_report(r, REPORT_SETUP, 0);
		_exit(SANDBOX_EXIT_SETUP);
	}
	pid_t script = fork_script(r);
	if (script < 0) {
		send_report(r, REPORT_SETUP, -log_fail(errno, "init: fork"));
		_exit(SANDBOX_EXIT_SETUP);
	}
	/* init itself needs no privilege from here on: reaping and killing in
	 * its own namespace are plain operations. */
	if (caps_drop_all() != 0 || no_new_privs_set() != 0) {
		kill(script, SIGKILL);
		send_report(r, REPORT_SETUP, 0);
		_exit(SANDBOX_EXIT_SETUP);
	}
	_exit(pidns_init_run(script, &r->p->limits));
}

static pid_t clone_pidfd(unsigned long long flags, int *pidfd)
{
	struct clone_args args = {
		.flags = flags | CLONE_PIDFD,
		.pidfd = (unsigned long long)(uintptr_t)pidfd,
		.exit_signal = SIGCHLD,
	};
	return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

/* ---- parent ---- */

/* Waits for the sandbox's top process: forwards signals, enforces the
 * wall-clock limit (killing the top process ends a pid namespace whole). */
static int wait_top(const struct run *r, int pidfd, int *status)
{
	int sfd = signalfd(-1, &r->forwarded, SFD_CLOEXEC);
	unsigned timeout_s = r->p->limits.timeout_s;
	struct timespec start, now;
	int timed_out = 0;

	if (sfd < 0)
		return log_fail(errno, "parent: signalfd");
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct pollfd fds[2] = { { pidfd, POLLIN, 0 }, { sfd, POLLIN, 0 } };
		int wait_ms = -1;
		if (timeout_s && !timed_out) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			long long left = (long long)timeout_s * 1000 -
					 ((now.tv_sec - start.tv_sec) * 1000LL + (now.tv_nsec - start.tv_nsec) / 1000000);
			wait_ms = left > 0 ? (int)(left > 60000 ? 60000 : left) : 0;
		}
		int n = poll(fds, 2, wait_ms);
		if (n < 0 && errno != EINTR) {
			close(sfd);
			return log_fail(errno, "parent: poll");
		}
		if (n == 0 && timeout_s && !timed_out) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (now.tv_sec - start.tv_sec >= (time_t)timeout_s) {
				timed_out = 1;
				syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
			}
			continue;
		}
		if (n > 0 && (fds[1].revents & POLLIN)) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
				syscall(SYS_pidfd_send_signal, pidfd, (int)si.ssi_signo, NULL, 0);
		}
		if (n > 0 && (fds[0].revents & POLLIN))
			break;
	}
	close(sfd);
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	if (waitid((idtype_t)P_PIDFD, (id_t)pidfd, &si, WEXITED) != 0)
		return log_fail(errno, "parent: waitid");
	*status = si.si_code == CLD_EXITED ? W_EXITCODE(si.si_status, 0) : (si.si_status & 0x7f);
	if (timed_out) {
		log_info("timeout: the script ran longer than the profile's %u s; every process of the sandbox was killed",
			 timeout_s);
		return 1;
	}
	return 0;
}

/* Turns what the children reported and the top process's status into the
 * exit status to give. */
static int final_status(const struct run *r, int status, int timed_out)
{
	struct report rep = { 0, 0 };
	ssize_t n = read(r->report[0], &rep, sizeof(rep));

	if (timed_out)
		return SANDBOX_EXIT_TIMEOUT;
	if (n == (ssize_t)sizeof(rep)) {
		if (rep.kind == REPORT_EXEC) {
			log_info("%s: %s", r->cmd->argv[0], strerror(rep.err));
			return rep.err == ENOENT ? SANDBOX_EXIT_NOTFOUND : SANDBOX_EXIT_NOEXEC;
		}
		return SANDBOX_EXIT_SETUP;
	}
	return init_exit_code(status, &r->p->limits);
}

static int read_report_kind(const struct run *r)
{
	struct report rep;
	int fl = fcntl(r->report[0], F_GETFL);
	fcntl(r->report[0], F_SETFL, fl | O_NONBLOCK);
	ssize_t n = read(r->report[0], &rep, sizeof(rep));
	fcntl(r->report[0], F_SETFL, fl);
	return n == (ssize_t)sizeof(rep) ? rep.kind : 0;
}

/* CONFINE_FALLBACK: no pid namespace, so the parent, a child subreaper,
 * kills what the script left behind: orphans are re-parented to it. */
static void kill_descendants(void)
{
	for (int round = 0; round < 1000; round++) {
		int found = 0;
		DIR *d = opendir("/proc");
		struct dirent *de;
		pid_t self = getpid();
		while (d && (de = readdir(d))) {
			char path[64], buf[512];
			pid_t pid = (pid_t)atoi(de->d_name);
			if (pid <= 0)
				continue;
			snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
			FILE *f = fopen(path, "re");
			if (!f)
				continue;
			size_t len = fread(buf, 1, sizeof(buf) - 1, f);
			fclose(f);
			buf[len] = '\0';
			char *close_paren = strrchr(buf, ')');
			int ppid = 0;
			if (close_paren && sscanf(close_paren + 2, "%*c %d", &ppid) == 1 && ppid == self) {
				kill(pid, SIGKILL);
				found = 1;
			}
		}
		if (d)
			closedir(d);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			found = 1;
		if (!found)
			return;
	}
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static int fallback_prepare(struct run *r)
{
	char tmpl[4096], entry[4200];
	snprintf(tmpl, sizeof(tmpl), "%s/pkgguard-XXXXXX", r->p->tmpdir ? r->p->tmpdir : "/tmp");
	if (!mkdtemp(tmpl))
		return log_fail(errno, "fallback: mkdtemp %s", tmpl);
	r->fallback_tmp = strdup(tmpl);
	if (!r->fallback_tmp)
		return log_fail(ENOMEM, "fallback: private temporary directory");
	/* The ephemeral $HOME and /tmp of the namespace mode, as host dirs. */
	snprintf(entry, sizeof(entry), "%s/home", tmpl);
	if (mkdir(entry, 0700) != 0)
		return log_fail(errno, "fallback: mkdir %s", entry);
	snprintf(entry, sizeof(entry), "TMPDIR=%s", tmpl);
	if (environ_set(&r->env, entry) != 0)
		return log_fail(ENOMEM, "fallback: environment");
	snprintf(entry, sizeof(entry), "HOME=%s/home", tmpl);
	if (environ_set(&r->env, entry) != 0)
		return log_fail(ENOMEM, "fallback: environment");
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
		return log_fail(errno, "fallback: prctl(PR_SET_CHILD_SUBREAPER)");
	return 0;
}

static int run_fallback(struct run *r)
{
	int pidfd = -1, status = 0, rc;

	log_warn("user namespaces are not available here; running with Landlock + seccomp + no_new_privs only: "
		 "no pid/mount/net namespaces (network refused by seccomp, leftovers killed by scanning, "
		 "$HOME and /tmp replaced by private host directories)");
	r->mode = CONFINE_FALLBACK;
	if ((rc = fallback_prepare(r)))
		return SANDBOX_EXIT_SETUP;
	pid_t pid = clone_pidfd(0, &pidfd);
	if (pid < 0) {
		log_fail(errno, "fallback: clone3");
		return SANDBOX_EXIT_SETUP;
	}
	if (pid == 0) {
		close(r->report[0]);
		script_main(r);
	}
	int timed_out = wait_top(r, pidfd, &status);
	kill_descendants();
	close(pidfd);
	if (timed_out < 0)
		return SANDBOX_EXIT_SETUP;
	close(r->report[1]);
	r->report[1] = -1;
	return final_status(r, status, timed_out);
}

static int run_namespaces(struct run *r, int *restricted)
{
	unsigned long long flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC |
				   CLONE_NEWUTS | CLONE_NEWCGROUP;
	int pidfd = -1, status = 0;

	if (r->p->network == NETWORK_NONE)
		flags |= CLONE_NEWNET;
	r->mode = CONFINE_NAMESPACES;
	if (pipe2(r->sync, O_CLOEXEC) != 0) {
		log_fail(errno, "parent: pipe");
		return SANDBOX_EXIT_SETUP;
	}
	pid_t pid = clone_pidfd(flags, &pidfd);
	if (pid < 0) {
		int err = errno;
		close(r->sync[0]);
		close(r->sync[1]);
		/* Refused user namespaces: EPERM (policy), ENOSPC (limit 0),
		 * EINVAL/ENOSYS (kernel without them). */
		if (err == EPERM || err == ENOSPC || err == EINVAL || err == ENOSYS) {
			*restricted = err;
			return 0;
		}
		log_fail(err, "user namespace: clone3(CLONE_NEWUSER|NEWNS|NEWPID|NEWNET|NEWIPC|NEWUTS|NEWCGROUP)");
		return SANDBOX_EXIT_SETUP;
	}
	if (pid == 0)
		init_main(r);
	close(r->sync[0]);
	/* ---- parent: privileged step done from outside the namespace ---- */
	int rc = userns_write_maps_parent(pid, getuid(), getgid());
	if (rc == 0 && write(r->sync[1], "m", 1) != 1)
		rc = log_fail(errno, "parent: sync with init");
	close(r->sync[1]);
	if (rc) {
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
		waitid((idtype_t)P_PIDFD, (id_t)pidfd, NULL, WEXITED);
		close(pidfd);
		return SANDBOX_EXIT_SETUP;
	}
	int timed_out = wait_top(r, pidfd, &status);
	close(pidfd);
	if (timed_out < 0)
		return SANDBOX_EXIT_SETUP;
	close(r->report[1]);
	r->report[1] = -1;
	if (!timed_out && status == W_EXITCODE(SANDBOX_EXIT_SETUP, 0) &&
	    read_report_kind(r) == REPORT_USERNS_RESTRICTED) {
		*restricted = EPERM;
		return 0;
	}
	return final_status(r, status, timed_out);
}

int sandbox_run(const struct policy *p, const struct sandbox_cmd *cmd)
{
	struct run r = { .p = p, .cmd = cmd, .sync = { -1, -1 }, .report = { -1, -1 } };
	int restricted = 0, status;

	r.env = environ_build(p, cmd->envp);
	if (!r.env) {
		log_fail(errno, "environment: filter");
		return SANDBOX_EXIT_SETUP;
	}
	sigemptyset(&r.forwarded);
	sigaddset(&r.forwarded, SIGINT);
	sigaddset(&r.forwarded, SIGTERM);
	sigaddset(&r.forwarded, SIGHUP);
	sigaddset(&r.forwarded, SIGQUIT);
	/* Blocked before any child exists: the children inherit the mask (init
	 * waits for them with sigwaitinfo, the script unblocks them). */
	sigset_t blocked = r.forwarded;
	sigaddset(&blocked, SIGCHLD);
	sigprocmask(SIG_BLOCK, &blocked, NULL);

	if (pipe2(r.report, O_CLOEXEC) != 0) {
		log_fail(errno, "parent: pipe");
		status = SANDBOX_EXIT_SETUP;
		goto out;
	}
	status = run_namespaces(&r, &restricted);
	if (restricted) {
		if (cmd->require_namespaces) {
			log_fail(restricted, "user namespace: refused by this host and --require-namespaces was given");
			status = SANDBOX_EXIT_SETUP;
		} else {
			close(r.report[0]);
			if (r.report[1] >= 0)
				close(r.report[1]);
			if (pipe2(r.report, O_CLOEXEC) == 0) {
				status = run_fallback(&r);
			} else {
				log_fail(errno, "parent: pipe");
				status = SANDBOX_EXIT_SETUP;
			}
		}
	}
out:
	if (r.report[0] >= 0)
		close(r.report[0]);
	if (r.report[1] >= 0)
		close(r.report[1]);
	if (r.fallback_tmp) {
		nftw(r.fallback_tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
		free(r.fallback_tmp);
	}
	environ_free(r.env);
	return status;
}
