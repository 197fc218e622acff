/* sandbox.c — runs one command under every layer of a policy. This file
 * holds the one visible list of setup steps (docs/ARCHITECTURE.md); each step
 * is one checked call into its layer's file. Three processes take part:
 *
 *   parent (caller's namespaces)  maps the user namespace, compiles the
 *     │                           seccomp filter meanwhile, enforces the
 *     │                           timeout, forwards signals, gives the status
 *     └─ init (pid 1: user, mount, pid, ipc, uts, cgroup namespaces)
 *          │   pid_max, mount tree and pivot_root, hostname; then reaps
 *          └─ script  session, net namespace with lo, rlimits, caps,
 *                     no_new_privs | enters the mount tree | Landlock,
 *                     seccomp, execve
 *
 * init forks the script before it mounts anything, so everything the
 * script does before "|" runs on the other core meanwhile; the script
 * waits for init's word that the tree is ready before Landlock.
 *
 * Children report to the parent on a CLOEXEC pipe (report.h). Where user
 * namespaces are refused, the script steps run without namespaces
 * (CONFINE_FALLBACK) and the parent does init's final sweep itself. */
#include "sandbox.h"
#include "clock.h"
#include "env_vec.h"
#include "environ.h"
#include "layers.h"
#include "protect.h"
#include "log.h"
#include "pidns_init.h"
#include "report.h"
#include "root_drop.h"
#include "self_scrub.h"
#include "tripwire.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

struct run {
	const struct policy *p;
	const struct sandbox_cmd *cmd;
	char **env;
	enum confinement mode;
	struct seccomp_prog filter;  /* compiled by the parent, loaded by the script */
	struct seccomp_prog signals; /* CONFINE_FALLBACK: who the script may not signal */
	bool drop_root;              /* root caller: the script runs unprivileged (root_drop.c) */
	struct premade_trees pre;    /* drop_root: the writable trees, idmapped by the parent */
	int clone_err;               /* -errno: they could not be cloned */
	char *fallback_tmp;          /* CONFINE_FALLBACK: private TMPDIR on the host */
	struct protect_set protect;  /* persistence points held read-only (protect.h) */
	int mapped;                  /* eventfd, parent -> init: the maps are written */
	int sync[2];                 /* parent -> script: the seccomp filter */
	int go[2];                   /* init -> script: the mount tree is ready */
	bool timed_out, setup_failed; /* for the caller's record */
	bool reached_end;             /* final_status() ran */
	int report[2];               /* children -> parent: struct report */
	struct tripwire *tw;         /* NULL: no record asked for */
	sigset_t forwarded;          /* signals the parent passes on to the sandbox */
};

/* What the parent learnt by the time the sandbox ended. */
struct outcome {
	int status;        /* exit code from REPORT_EXIT or the top process */
	int have_exit;     /* REPORT_EXIT arrived */
	int first_kind;    /* first REPORT_SETUP/EXEC/USERNS_RESTRICTED, or 0 */
	int first_value;
	int timed_out;
};

/* execvpe() searches the caller's PATH; the script's PATH is the one of its
 * filtered environment, so look the command up there. file: what to run,
 * argv[0] unless the caller gave another name to show (--argv0). */
static int exec_command(const char *file, char *const *argv, char **env)
{
	const char *path = "/usr/local/bin:/usr/bin:/bin";
	int err = ENOENT;

	if (!file)
		file = argv[0];
	if (strchr(file, '/')) {
		execve(file, argv, env);
		return errno;
	}
	for (char **e = env; *e; e++)
		if (strncmp(*e, "PATH=", 5) == 0)
			path = *e + 5;
	for (const char *s = path;; s++) {
		const char *end = strchrnul(s, ':');
		char full[4096];
		int n = snprintf(full, sizeof(full), "%.*s%s%s", (int)(end - s), s,
				 end == s ? "" : "/", file);
		if (n > 0 && (size_t)n < sizeof(full)) {
			execve(full, argv, env);
			if (errno != ENOENT && errno != ENOTDIR)
				err = errno; /* found but not runnable: remember why */
		}
		if (!*end)
			break;
		s = end;
	}
	return err;
}

/* The command as one line, for the tripwire's package snapshot (which
 * files of the package it names). */
static const char *cmd_text(const struct sandbox_cmd *cmd)
{
	static char text[1024];
	size_t at = 0;

	text[0] = '\0';
	for (char *const *a = cmd->argv; a && *a && at + 2 < sizeof(text); a++) {
		int n = snprintf(text + at, sizeof(text) - at, "%s%s", at ? " " : "", *a);
		if (n < 0)
			break;
		at += (size_t)n;
	}
	return text;
}

/* ---- script process ---- */

static void script_fail(const struct run *r, int rc)
{
	report_send(r->report[1], REPORT_SETUP, -rc);
	_exit(SANDBOX_EXIT_SETUP);
}

static int read_full(int fd, void *buf, size_t len)
{
	for (size_t got = 0; got < len;) {
		ssize_t n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EPIPE;
		got += (size_t)n;
	}
	return 0;
}

/* The parent compiled the filter while the namespaces were being set up. */
static int script_receive_filter(struct run *r)
{
	uint32_t len;
	int rc = read_full(r->sync[0], &len, sizeof(len));
	if (rc == 0 && (len == 0 || len > BPF_MAXINSNS))
		rc = -EPIPE;
	if (rc == 0 && !(r->filter.insns = malloc(len * sizeof(struct sock_filter))))
		rc = -ENOMEM;
	if (rc == 0 && (rc = read_full(r->sync[0], r->filter.insns, len * sizeof(struct sock_filter))) == 0)
		r->filter.len = len;
	return rc ? log_fail(-rc, "seccomp: receive the filter from the parent") : 0;
}

/* What init says once the mount tree is in place: the identity of the new
 * root, so the script can check that pivot_root moved its root there. */
struct view_ready {
	dev_t dev;
	ino_t ino;
};

/* Namespace mode: waits for init's mount tree, then enters it. */
static int script_enter_view(struct run *r)
{
	struct view_ready ready;
	struct stat st;
	int rc;

	if ((rc = script_receive_filter(r)))
		return rc;
	if (read_full(r->go[0], &ready, sizeof(ready)) != 0)
		_exit(SANDBOX_EXIT_SETUP); /* init failed and says why */
	if (stat("/", &st) != 0 || st.st_dev != ready.dev || st.st_ino != ready.ino)
		return log_fail_plain(EPERM, "mount: the script's root is not the sandbox's new root");
	if (chdir(r->cmd->cwd) != 0 && (!r->p->pkg_dir || chdir(r->p->pkg_dir) != 0) && chdir("/") != 0)
		return log_fail(errno, "mount: chdir inside the sandbox");
	return 0;
}

static int script_enter_dir(const struct run *r)
{
	if (chdir(r->cmd->cwd) != 0)
		return log_fail(errno, "session: chdir %s", r->cmd->cwd);
	return 0;
}

static int session_new(void)
{
	if (setsid() < 0)
		return log_fail(errno, "session: setsid");
	return 0;
}

/* The script's own steps. In namespace mode it is forked by init before
 * the mount tree exists, so that its network namespace, limits and
 * capability drop overlap with init's mounting on the other core; it
 * enters the finished tree before Landlock, which names its paths. */
static void script_main(struct run *r)
{
	const struct policy *p = r->p;
	int ns = r->mode == CONFINE_NAMESPACES;
	sigset_t none;
	int rc;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* Without a pid namespace, nothing else ends the script if the
	 * supervisor is killed from outside. */
	if (!ns && prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
		script_fail(r, log_fail(errno, "fallback: prctl(PR_SET_PDEATHSIG)"));
	if ((rc = session_new()) ||
	    (ns && p->network == NETWORK_NONE && (rc = netns_enter_empty())) ||
	    (ns && p->network == NETWORK_NONE && (rc = tripwire_script_netns(r->tw))) ||
	    (rc = rlimits_apply(&p->limits)) ||
	    /* Inside 0 is the unprivileged id in namespace mode (root_drop.c). */
	    (r->drop_root && (rc = root_drop_switch(ns ? 0 : SCRIPT_UID, ns ? 0 : SCRIPT_GID, !ns))) ||
	    (rc = caps_drop_all()) ||
	    (rc = no_new_privs_set()) ||
	    (rc = ns ? script_enter_view(r) : script_enter_dir(r)) ||
	    (rc = landlock_apply(p, r->mode, r->fallback_tmp)) ||
	    (!ns && (rc = seccomp_filter_load(&r->signals))) ||
	    (rc = tripwire_script_notify(r->tw)) ||
	    (rc = seccomp_filter_load(&r->filter)))
		script_fail(r, rc);
	int err = exec_command(r->cmd->file, r->cmd->argv, r->env);
	report_send(r->report[1], REPORT_EXEC, err);
	_exit(err == ENOENT ? SANDBOX_EXIT_NOTFOUND : SANDBOX_EXIT_NOEXEC);
}

/* ---- init: pid 1 of the new namespaces ---- */
static int init_sync(const struct run *r)
{
	struct pollfd fds[2] = { { r->mapped, POLLIN, 0 }, { r->sync[0], 0, 0 } };
	uint64_t one;

	/* Dies with the parent, whatever kills it... */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
		return log_fail(errno, "init: prctl(PR_SET_PDEATHSIG)");
	/* ...including before the line above: then the filter pipe hangs up
	 * without the maps ever being announced. */
	while (poll(fds, 2, -1) < 0)
		if (errno != EINTR)
			return log_fail(errno, "init: poll");
	if (!(fds[0].revents & POLLIN) || read(r->mapped, &one, sizeof(one)) != (ssize_t)sizeof(one))
		return log_fail_plain(EPIPE, "init: the parent did not map the user namespace");
	return 0;
}

static int init_setup(const struct run *r)
{
	const struct policy *p = r->p;
	struct view_ready ready;
	struct stat st;
	int rc;

	/* Detach from the caller's terminal; the parent forwards its signals. */
	if (setsid() < 0)
		return log_fail(errno, "init: setsid");
	if ((rc = pidns_limit_pids(p->limits.nproc)) ||
	    (rc = mountns_build(p, &r->protect, &r->pre, r->drop_root ? 0 : -1)) ||
	    (rc = utsns_set_hostname(p->hostname)) ||
	    (rc = tripwire_init_view(r->tw, p)) ||
	    /* What init made in $HOME (decoys, mount points' parents) is the
	     * script's, as its $HOME is. */
	    (r->drop_root && p->home && (rc = root_drop_give_home(p->home))))
		return rc;
	if (stat("/", &st) != 0)
		return log_fail(errno, "init: stat the new root");
	ready.dev = st.st_dev;
	ready.ino = st.st_ino;
	if (write(r->go[1], &ready, sizeof(ready)) != (ssize_t)sizeof(ready))
		return log_fail(errno, "init: tell the script the mount tree is ready");
	return 0;
}

static void init_main(struct run *r)
{
	close(r->sync[1]);
	close(r->report[0]);
	int rc = init_sync(r);
	close(r->mapped);
	/* Mapped now (a non-dumpable init's uid_map would be root's to write):
	 * the script will see init in its /proc. */
	if (rc == 0) {
		self_env_clear();
		rc = self_nondumpable("init");
	}
	if (rc == 0 && pipe2(r->go, O_CLOEXEC) != 0)
		rc = log_fail(errno, "init: pipe");
	if (rc) {
		report_send(r->report[1], REPORT_SETUP, -rc);
		_exit(SANDBOX_EXIT_SETUP);
	}
	pid_t script = fork();
	if (script == 0) {
		close(r->go[1]);
		script_main(r);
	}
	close(r->go[0]);
	close(r->sync[0]);
	/* A script that failed early must not take init down with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	if (script < 0)
		rc = log_fail(errno, "init: fork");
	/* A namespace we hold no privilege in (AppArmor's userns restriction)
	 * fails the first mount with EPERM: the parent falls back. */
	else if ((rc = mountns_make_private()) == -EPERM) {
		kill(script, SIGKILL);
		report_send(r->report[1], REPORT_USERNS_RESTRICTED, EPERM);
		_exit(SANDBOX_EXIT_SETUP);
	}
	if (rc == 0)
		rc = init_setup(r);
	close(r->go[1]);
	/* init itself needs no privilege from here on: reaping and killing in
	 * its own namespace are plain operations. */
	if (rc == 0 && (rc = caps_drop_all()) == 0)
		rc = no_new_privs_set();
	if (rc) {
		if (script > 0)
			kill(script, SIGKILL);
		report_send(r->report[1], REPORT_SETUP, -rc);
		_exit(SANDBOX_EXIT_SETUP);
	}
	_exit(pidns_init_run(script, &r->p->limits, r->report[1]));
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

static void outcome_take_report(struct outcome *o, const struct report *rep)
{
	if (rep->kind == REPORT_EXIT) {
		o->have_exit = 1;
		o->status = rep->value;
	} else if (!o->first_kind) {
		o->first_kind = rep->kind;
		o->first_value = rep->value;
	}
}

/* Waits until the script's status is known: REPORT_EXIT from init, or the
 * top process's exit. Forwards signals and enforces the wall-clock limit
 * (killing the top process ends a pid namespace whole). */
static int wait_sandbox(const struct run *r, int pidfd, struct outcome *o)
{
	int sfd = signalfd(-1, &r->forwarded, SFD_CLOEXEC);
	long long limit_ms = (long long)r->p->limits.timeout_s * 1000;
	struct timespec start;
	int top_exited = 0;
	enum { FIXED_FDS = 3 };

	if (sfd < 0)
		return log_fail(errno, "parent: signalfd");
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (!o->have_exit && !top_exited) {
		struct pollfd fds[FIXED_FDS + TRIPWIRE_POLL_MAX] = { { pidfd, POLLIN, 0 }, { sfd, POLLIN, 0 },
								     { r->report[0], POLLIN, 0 } };
		int ntw = tripwire_pollfds(r->tw, fds + FIXED_FDS);
		int wait_ms = -1;
		if (limit_ms && !o->timed_out) {
			long long left = limit_ms - (long long)ms_since(&start);
			wait_ms = left <= 0 ? 0 : (int)(left > 60000 ? 60000 : left);
		}
		int n = poll(fds, (nfds_t)(FIXED_FDS + ntw), wait_ms);
		if (n < 0 && errno != EINTR) {
			close(sfd);
			return log_fail(errno, "parent: poll");
		}
		if (n == 0 && limit_ms && !o->timed_out && (long long)ms_since(&start) >= limit_ms) {
			o->timed_out = 1;
			syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
		}
		if (n <= 0)
			continue;
		tripwire_poll_ready(r->tw, fds + FIXED_FDS, ntw);
		if (fds[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
				syscall(SYS_pidfd_send_signal, pidfd, (int)si.ssi_signo, NULL, 0);
		}
		if (fds[2].revents & POLLIN) {
			struct report rep;
			if (read(r->report[0], &rep, sizeof(rep)) == (ssize_t)sizeof(rep))
				outcome_take_report(o, &rep);
		}
		if (fds[0].revents & POLLIN)
			top_exited = 1;
	}
	close(sfd);
	if (top_exited) {
		/* Reports written just before the exit are still in the pipe. */
		struct report rep;
		int fl = fcntl(r->report[0], F_GETFL);
		fcntl(r->report[0], F_SETFL, fl | O_NONBLOCK);
		while (read(r->report[0], &rep, sizeof(rep)) == (ssize_t)sizeof(rep))
			outcome_take_report(o, &rep);
		siginfo_t si;
		memset(&si, 0, sizeof(si));
		if (waitid((idtype_t)P_PIDFD, (id_t)pidfd, &si, WEXITED) != 0)
			return log_fail(errno, "parent: waitid");
		if (!o->have_exit && !o->timed_out) {
			int st = si.si_code == CLD_EXITED ? W_EXITCODE(si.si_status, 0) : (si.si_status & 0x7f);
			o->status = init_exit_code(st, &r->p->limits);
		}
	}
	/* Otherwise init is finishing the reap: PR_SET_PDEATHSIG ends it if we
	 * exit first, and the kernel re-parents its zombie. */
	return 0;
}

/* The exit status to give, from what the sandbox reported. */
static int final_status(struct run *r, const struct outcome *o)
{
	r->reached_end = true;
	r->timed_out = o->timed_out;
	r->setup_failed = o->first_kind == REPORT_SETUP;
	if (o->timed_out) {
		log_info("timeout: the script ran longer than the profile's %u s; every process of the sandbox was killed",
			 r->p->limits.timeout_s);
		return SANDBOX_EXIT_TIMEOUT;
	}
	if (o->first_kind == REPORT_EXEC) {
		log_info("%s: %s", r->cmd->file ? r->cmd->file : r->cmd->argv[0], strerror(o->first_value));
		return o->first_value == ENOENT ? SANDBOX_EXIT_NOTFOUND : SANDBOX_EXIT_NOEXEC;
	}
	if (o->first_kind)
		return SANDBOX_EXIT_SETUP;
	return o->status;
}

/* CONFINE_FALLBACK: no pid namespace, so the parent, a child subreaper,
 * kills what the script left behind: orphans are re-parented to it. */
/* Without CONFIG_PROC_CHILDREN: every process whose parent is us. */
static int kill_children_by_scan(pid_t self, struct tripwire *tw)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int found = 0;

	while (d && (de = readdir(d))) {
		char path[300], buf[512];
		int pid = atoi(de->d_name), ppid = 0;
		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		FILE *f = fopen(path, "re");
		if (!f)
			continue;
		size_t len = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[len] = '\0';
		const char *end = strrchr(buf, ')'); /* the name may hold spaces */
		if (end && sscanf(end + 1, " %*c %d", &ppid) == 1 && ppid == self) {
			tripwire_note_process(tw, pid);
			kill(pid, SIGKILL);
			found = 1;
		}
	}
	if (d)
		closedir(d);
	return found;
}

static int kill_children_once(struct tripwire *tw)
{
	char path[64];
	int found = 0;
	snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)getpid());
	FILE *f = fopen(path, "re");
	if (f) {
		int pid;
		while (fscanf(f, "%d", &pid) == 1) {
			tripwire_note_process(tw, pid);
			kill(pid, SIGKILL);
			found = 1;
		}
		fclose(f);
	} else {
		found = kill_children_by_scan(getpid(), tw);
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		found = 1;
	return found;
}

static void kill_descendants(struct tripwire *tw)
{
	/* Each round kills the current children; their own children are then
	 * re-parented to us and die in the next round. */
	for (int round = 0; round < 10000 && kill_children_once(tw); round++)
		;
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
	if (!(r->fallback_tmp = strdup(tmpl)))
		return log_fail(ENOMEM, "fallback: private temporary directory");
	/* The ephemeral $HOME and /tmp of the namespace mode, as host dirs. */
	snprintf(entry, sizeof(entry), "%s/home", tmpl);
	if (mkdir(entry, 0700) != 0)
		return log_fail(errno, "fallback: mkdir %s", entry);
	snprintf(entry, sizeof(entry), "TMPDIR=%s", tmpl);
	if (env_set(&r->env, entry) != 0)
		return log_fail(ENOMEM, "fallback: environment");
	snprintf(entry, sizeof(entry), "HOME=%s/home", tmpl);
	if (env_set(&r->env, entry) != 0)
		return log_fail(ENOMEM, "fallback: environment");
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
		return log_fail(errno, "fallback: prctl(PR_SET_CHILD_SUBREAPER)");
	return 0;
}

static int run_fallback(struct run *r)
{
	struct outcome o = { 0 };
	int pidfd = -1;

	/* Under `pkgguard run` (a record is asked for) the run's summary says
	 * it once for every script; each record says "fallback". */
	if (!r->cmd->record_dir)
		log_warn("user namespaces are not available here; running with Landlock + seccomp + no_new_privs only: "
			 "no pid/mount/net namespaces (network refused by seccomp, leftovers killed as subreaper, "
			 "$HOME and TMPDIR replaced by private host directories)");
	/* Landlock only adds rights: nothing inside a writable tree can be
	 * made read-only again without a mount namespace. */
	if (r->protect.n)
		log_warn("without a mount namespace the project's persistence points (%s and %zu more) stay writable "
			 "to its own script", r->protect.v[0].held, r->protect.n - 1);
	r->mode = CONFINE_FALLBACK;
	root_drop_trees_free(&r->pre); /* namespace mode's, unused here */
	/* No pid namespace: the script sees us in /proc. */
	if (fallback_prepare(r) != 0 || self_nondumpable("fallback") != 0 ||
	    tripwire_filter_build(r->tw, r->p, r->mode, &r->filter) != 0 || seccomp_signals_build(&r->signals) != 0)
		return SANDBOX_EXIT_SETUP;
	if (r->tw && (tripwire_channel_open(r->tw, r->mode) != 0 || tripwire_fallback_view(r->tw, r->fallback_tmp) != 0))
		return SANDBOX_EXIT_SETUP;
	/* Last: the private $HOME and TMPDIR (decoys included) go with them. */
	if (r->drop_root && root_drop_lend(&r->p->read_write, r->fallback_tmp) != 0)
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
	if (r->tw)
		tripwire_channel_close_child(r->tw);
	int rc = wait_sandbox(r, pidfd, &o);
	kill_descendants(r->tw);
	close(pidfd);
	/* Nothing of the script is left: what it wrote becomes root's. */
	if (r->drop_root && root_drop_take_back(&r->p->read_write) != 0)
		rc = -1;
	return rc ? SANDBOX_EXIT_SETUP : final_status(r, &o);
}

/* Parent side while init builds the mount tree: map the user namespace,
 * then compile the seccomp filter and hand it over. */
static int parent_setup(struct run *r, pid_t init)
{
	int rc = userns_write_maps_parent(init, getuid(), getgid(), r->drop_root);
	uint64_t one = 1;
	if (rc == 0 && r->drop_root)
		rc = root_drop_idmap_trees(init, &r->pre, r->clone_err);
	if (rc == 0 && write(r->mapped, &one, sizeof(one)) != (ssize_t)sizeof(one))
		rc = log_fail(errno, "parent: sync with init");
	if (rc == 0)
		rc = tripwire_filter_build(r->tw, r->p, r->mode, &r->filter);
	if (rc == 0) {
		uint32_t len = (uint32_t)r->filter.len;
		size_t bytes = r->filter.len * sizeof(struct sock_filter);
		/* A few KiB: fits the pipe buffer, so this does not block. */
		if (write(r->sync[1], &len, sizeof(len)) != (ssize_t)sizeof(len) ||
		    write(r->sync[1], r->filter.insns, bytes) != (ssize_t)bytes)
			rc = log_fail(errno ? errno : EPIPE, "parent: send the seccomp filter to init");
	}
	return rc;
}

static int run_namespaces(struct run *r, int *restricted)
{
	/* No CLONE_NEWNET: the script makes its own network namespace, on the
	 * other core while init builds the mount tree (netns.c). */
	unsigned long long flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC |
				   CLONE_NEWUTS | CLONE_NEWCGROUP;
	struct outcome o = { 0 };
	int pidfd = -1;

	r->mode = CONFINE_NAMESPACES;
	if (r->drop_root)
		r->clone_err = root_drop_clone_trees(r->p, &r->protect, &r->pre);
	/* An eventfd, not a pipe: a pipe's wake-up is a "sync" one, which keeps
	 * init on our core until we block. */
	if (r->tw && tripwire_channel_open(r->tw, r->mode) != 0)
		return SANDBOX_EXIT_SETUP;
	r->mapped = eventfd(0, EFD_CLOEXEC);
	if (r->mapped < 0 || pipe2(r->sync, O_CLOEXEC) != 0) {
		log_fail(errno, "parent: eventfd/pipe");
		if (r->mapped >= 0)
			close(r->mapped);
		return SANDBOX_EXIT_SETUP;
	}
	pid_t pid = clone_pidfd(flags, &pidfd);
	if (pid < 0) {
		int err = errno;
		close(r->sync[0]);
		close(r->sync[1]);
		close(r->mapped);
		/* Refused user namespaces: EPERM (policy), ENOSPC (limit 0),
		 * EINVAL/ENOSYS (kernel without them). */
		if (err == EPERM || err == ENOSPC || err == EINVAL || err == ENOSYS) {
			*restricted = err;
			return 0;
		}
		log_fail(err, "user namespace: clone3(CLONE_NEWUSER|NEWNS|NEWPID|NEWIPC|NEWUTS|NEWCGROUP)");
		return SANDBOX_EXIT_SETUP;
	}
	if (pid == 0)
		init_main(r);
	if (r->tw)
		tripwire_channel_close_child(r->tw);
	close(r->sync[0]);
	int rc = parent_setup(r, pid);
	close(r->sync[1]);
	close(r->mapped);
	seccomp_prog_free(&r->filter);
	if (rc == 0)
		rc = wait_sandbox(r, pidfd, &o);
	if (rc) {
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
		close(pidfd);
		return SANDBOX_EXIT_SETUP;
	}
	close(pidfd);
	if (o.first_kind == REPORT_USERNS_RESTRICTED) {
		*restricted = EPERM;
		return 0;
	}
	return final_status(r, &o);
}

int sandbox_run(const struct policy *p, const struct sandbox_cmd *cmd, struct sandbox_outcome *out)
{
	struct run r = { .p = p, .cmd = cmd, .sync = { -1, -1 }, .go = { -1, -1 }, .report = { -1, -1 } };
	int restricted = 0, status;

	if (cmd->record_dir && !(r.tw = tripwire_new(p, cmd_text(cmd), cmd->record_dir)))
		return SANDBOX_EXIT_SETUP;
	r.env = environ_build(p, cmd->envp);
	if (!r.env) {
		log_fail(errno, "environment: filter");
		return SANDBOX_EXIT_SETUP;
	}
	/* Every process below is a copy of this one: none may hold the
	 * caller's unfiltered environment where a script can read it. */
	if (self_env_detach() != 0) {
		env_free(r.env);
		return SANDBOX_EXIT_SETUP;
	}
	r.drop_root = root_drop_wanted();
	if (r.drop_root && root_drop_groups() != 0) {
		env_free(r.env);
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
	/* Placeholders are made on the host before any child exists, and
	 * removed after the whole sandbox has ended. */
	if (protect_prepare(p, &r.protect) != 0) {
		status = SANDBOX_EXIT_SETUP;
		goto out;
	}
	status = run_namespaces(&r, &restricted);
	if (restricted && cmd->require_namespaces) {
		log_fail(restricted, "user namespace: refused by this host, and --require-namespaces was given");
		status = SANDBOX_EXIT_SETUP;
	} else if (restricted) {
		status = run_fallback(&r);
	}
	/* Every process of the sandbox is dead or has SIGKILL pending. */
	if (r.tw && r.reached_end && tripwire_finish(r.tw) != 0)
		log_warn("tripwire: the record of what the script left is incomplete");
out:
	if (r.report[0] >= 0)
		close(r.report[0]);
	if (r.report[1] >= 0)
		close(r.report[1]);
	if (r.fallback_tmp) {
		nftw(r.fallback_tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
		free(r.fallback_tmp);
	}
	protect_finish(&r.protect);
	seccomp_prog_free(&r.filter);
	seccomp_prog_free(&r.signals);
	root_drop_trees_free(&r.pre);
	env_free(r.env);
	if (out) {
		out->fallback = r.mode == CONFINE_FALLBACK;
		out->timed_out = r.timed_out;
		out->setup_failed = r.setup_failed || (!r.reached_end && status == SANDBOX_EXIT_SETUP);
		out->tripwire = r.tw;
	} else {
		tripwire_free(r.tw);
	}
	return status;
}
