/* fan_guard.c — the fanotify loop of pkgguardd (fan_guard.h).
 *
 * The fanotify rules of docs/ARCHITECTURE.md (contracts) shape it:
 * our own pid is allowed at once; the answering path reads only /proc
 * (never opens a file on a marked filesystem); the response is written
 * before anything is logged; every event is answered, ALLOW when it cannot
 * be classified (a daemon that blocks the machine is worse than one that
 * lets a script through and says so). */
#include "fan_guard.h"
#include "array_size.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "daemon_log.h"
#include "helper_trust.h"
#include "package_name.h"
#include "log.h"
#include "pending_exec.h"
#include "proc_info.h"
#include "reparse.h"
#include "reparse_regs.h"

/* How long the answering thread waits for the reparse thread's attach
 * (normally tens of µs). Past it the exec is denied plainly. */
#define REPARSE_ATTACH_TIMEOUT_MS 25

/* Now in the unit of a process's start time: clock ticks since boot. */
static uint64_t boot_ticks(const struct fan_guard *g)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec) / g->ns_per_tick;
}

/* ------------------------------------------------------------------ */
/* Marks                                                               */

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] && s[3]) {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

static bool fs_wanted(const struct strlist *l, const char *type)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], type) == 0)
			return true;
	return false;
}

/* The dynamic loader is opened for exec by every dynamically linked exec,
 * right after the program itself: a second permission round trip per exec,
 * for a file whose own exec decides nothing. An ignore mask on its inode
 * (kept across writes) drops those events. Running ld.so directly as a
 * program is no way around the guard: what a package manager's child execs
 * first is chosen by the package manager (its script shell, pip's hook
 * python), and that first exec is still judged; ld.so's own arguments then
 * cannot be a script. Missing paths are skipped. */
static void ignore_loaders(struct fan_guard *g)
{
	static const char *const loaders[] = {
		"/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
		"/lib/ld-linux-aarch64.so.1", "/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1",
		"/lib/ld-linux.so.2", "/lib/ld-linux-armhf.so.3",
		"/lib/ld-musl-x86_64.so.1", "/lib/ld-musl-aarch64.so.1",
	};
	unsigned n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(loaders); i++)
		if (fanotify_mark(g->fan_fd, FAN_MARK_ADD | FAN_MARK_IGNORED_MASK | FAN_MARK_IGNORED_SURV_MODIFY,
				  FAN_OPEN_EXEC_PERM, AT_FDCWD, loaders[i]) == 0)
			n++;
	log_debug("ignoring exec opens of %u loader paths", n);
}

/* Marks every mounted filesystem of a wanted type (a filesystem mark covers
 * all its mounts, the sandboxes' binds included). Called at start and when
 * /proc/self/mountinfo changes; marking twice is harmless. */
static int mark_filesystems(struct fan_guard *g)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	unsigned marked = 0;

	if (!f)
		return log_fail(errno, "open /proc/self/mountinfo");
	while (fgets(line, sizeof(line), f)) {
		char mnt[PATH_MAX], type[64];
		const char *sep = strstr(line, " - ");

		/* id parent maj:min root mountpoint opts [optional...] - type src opts */
		if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
		    sscanf(sep + 3, "%63s", type) != 1)
			continue;
		if (!fs_wanted(&g->policy.cfg.filesystems, type))
			continue;
		unescape(mnt);
		if (fanotify_mark(g->fan_fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, FAN_OPEN_EXEC_PERM,
				  AT_FDCWD, mnt) != 0) {
			if (errno != ENOENT && errno != EACCES)
				log_warn("fanotify_mark %s (%s): %s", mnt, type, strerror(errno));
			continue;
		}
		marked++;
	}
	fclose(f);
	log_debug("marked %u mounts", marked);
	ignore_loaders(g);
	return marked ? 0 : log_fail_plain(ENOENT, "no filesystem of a marked type is mounted");
}

/* ------------------------------------------------------------------ */
/* One event                                                           */

static void cmdline_text(const struct proc_info *p, char *buf, size_t len)
{
	size_t n = p->cmdline_len < len - 1 ? p->cmdline_len : len - 1;

	memcpy(buf, p->cmdline, n);
	while (n > 0 && buf[n - 1] == '\0')
		n--;
	buf[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
}

/* The exec'ing process itself, always read fresh: its identity (stat)
 * first, which is all the cached-unrelated fast path needs. 0 or -errno. */
static int read_self(pid_t pid, struct proc_info *self)
{
	return proc_read_stat(pid, self);
}

/* The parent of a fresh fork, for classify_by_fresh_fork(): its command
 * line alone when its /proc fds are kept (one pread), else read whole. */
static int parent_cmdline(struct fan_guard *g, pid_t ppid, struct proc_info *parent)
{
	int r = proc_cache_cmdline(g->pcache, ppid, parent);

	return r == -ENOENT ? proc_cache_read(g->pcache, ppid, parent) : r;
}

/* Its command line and its parent, the parent through the kept fds of
 * proc_cache (read fresh too, without open/close): what classify_by_parent
 * needs. *n is 1 or 2. */
static void read_parent(struct fan_guard *g, struct proc_info *chain, size_t *n)
{
	proc_read_cmdline(chain[0].pid, &chain[0]);
	*n = 1;
	if (chain[0].ppid > 0 && proc_cache_read(g->pcache, chain[0].ppid, &chain[1]) == 0)
		*n = 2;
}

/* The rest of its ancestors, through the kept fds as well; with stop_known,
 * up to the first one known clean (classify_known_clean: nothing above it
 * can make this exec a package manager's) or known inside a sandbox (then
 * so is this exec). */
static void read_ancestors(struct fan_guard *g, struct proc_info *chain, size_t *n, bool stop_known)
{
	while (*n < CLASSIFY_MAX_DEPTH && chain[*n - 1].ppid > 0) {
		if (stop_known && *n > 1 &&
		    (classify_known_clean(g->cls, &chain[*n - 1]) || classify_known_sandboxed(g->cls, &chain[*n - 1])))
			return;
		if (proc_cache_read(g->pcache, chain[*n - 1].ppid, &chain[*n]) != 0)
			break; /* the parent just exited: the chain ends here */
		(*n)++;
	}
}

/* The executable of each process of the chain (the in-sandbox and helper
 * checks): read after the chain, so each is checked to be the same process
 * still (pid + start time) before it counts. */
static void fill_exe(struct proc_info *chain, size_t n)
{
	for (size_t i = 0; i < n; i++)
		proc_read_exe(chain[i].pid, chain[i].start, &chain[i]);
}

/* t0: when the event was read, or 0 for an event that is not timed. The
 * latency ends when the answer is handed to the kernel: taken just before
 * the write, because the write itself wakes the exec'ing process, which may
 * preempt us on this CPU before write() returns; that wait is the
 * scheduler's, not the decision's. */
static void respond(struct fan_guard *g, int fd, unsigned resp, uint64_t t0)
{
	struct fanotify_response r = { .fd = fd, .response = resp };

	if (t0)
		hist_add(&g->stats.latency, now_ns() - t0);
	if (write(g->fan_fd, &r, sizeof(r)) != (ssize_t)sizeof(r)) {
		g->stats.errors++;
		log_warn("fanotify response: %s", strerror(errno));
	}
}

/* The package, from the cwd under node_modules. Read before a deny is
 * answered: the process usually exits right after its exec fails. */
static void package_of(pid_t pid, char *pkg, size_t len)
{
	char cwd[PATH_MAX];

	if (proc_cwd(pid, cwd, sizeof(cwd)) != 0 || package_name_from_path(cwd, pkg, len) != 0)
		pkg[0] = '\0';
}

/* pend: the pending exec as read before the answer (a deny, a would-be
 * deny), or NULL; its argv stands for the command when it was read. */
static void log_event(const struct decision *d, const char *what, const struct proc_info *p,
		      const char *file, const char *pkg, const struct pending_exec *pend, const char *why)
{
	char cmd[PROC_CMDLINE_MAX], late[256];

	if (!pkg) {
		package_of(p->pid, late, sizeof(late));
		pkg = late;
	}
	cmdline_text(p, cmd, sizeof(cmd));
	daemon_log_decision(&(struct decision_record){
		.decision = what, .reason = why ? why : reason_name(d->reason), .rule = rule_name(d->rule),
		.pid = p->pid, .exe = file,
		.pm = d->pm, .package = pkg, .event = pend ? pend->event : NULL,
		.command = pend && pend->command[0] ? pend->command : cmd });
}

/* True when this event is the dynamic loader (ld-linux…, ld-musl…) opened
 * by the exec just reported: one exec, one "would deny" line. */
static bool loader_of_last(const struct fan_guard *g, const struct proc_info *p, const char *file)
{
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	return g->would_pid == p->pid && g->would_start == p->start && strncmp(base, "ld-", 3) == 0;
}

/* A helper's name on the file, or on the executable of the package
 * manager's child the exec descends from: is it a file only root could
 * have put there (helper_trust.h)? Set in ef->trusted and in that child's
 * exe_trusted; both stay false for any other name. */
static void check_helpers(const struct fan_guard *g, unsigned pm, size_t root, struct proc_info *chain,
			  const struct stat *st, struct exec_file *ef)
{
	const struct strlist *helpers = g->policy.pms[pm].helpers;
	enum helper_match h = classify_helper_match(helpers, ef->path);
	struct stat est;
	char exe[64];
	uid_t uid;

	if (h != HELPER_NONE && st && helper_caller_uid(chain[0].pid, &uid) == 0)
		ef->trusted = helper_trusted(st, ef->path, uid, h == HELPER_BY_PATH);
	if (root == 0 || !chain[root - 1].exe_known)
		return;
	h = classify_helper_match(helpers, chain[root - 1].exe);
	snprintf(exe, sizeof(exe), "/proc/%d/exe", (int)chain[root - 1].pid);
	/* The same file fill_exe saw (device and inode), its owner and mode. */
	if (h != HELPER_NONE && stat(exe, &est) == 0 && est.st_dev == chain[root - 1].exe_dev &&
	    est.st_ino == chain[root - 1].exe_ino && helper_caller_uid(chain[root - 1].pid, &uid) == 0)
		chain[root - 1].exe_trusted = helper_trusted(&est, chain[root - 1].exe, uid, h == HELPER_BY_PATH);
}

/* Past the fast paths: the ancestry up to an ancestor known clean or known
 * inside a sandbox, and for a package manager's family the whole of it, the
 * executables along it and the file being exec'd. */
static void classify_slow(struct fan_guard *g, const struct fanotify_event_metadata *m,
			  struct proc_info *chain, size_t *n, struct exec_file *ef, char *file, size_t flen,
			  struct decision *d)
{
	char fdpath[64];
	struct stat st;
	unsigned pm;
	size_t root;
	ssize_t len;

	read_ancestors(g, chain, n, true);
	if (!classify_known_sandboxed(g->cls, &chain[*n - 1]) &&
	    (root = classify_find_root(g->cls, chain, *n, &pm)) < *n) {
		/* The rare path: a package manager's family. The whole chain
		 * (a sandbox may run above the package manager). */
		bool have_st;

		read_ancestors(g, chain, n, false);
		fill_exe(chain, *n);
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", m->fd);
		len = readlink(fdpath, file, flen - 1);
		file[len > 0 ? len : 0] = '\0';
		have_st = fstat(m->fd, &st) == 0;
		if (have_st)
			*ef = (struct exec_file){ .dev = st.st_dev, .ino = st.st_ino, .path = file };
		else
			ef->path = file;
		check_helpers(g, pm, root, chain, have_st ? &st : NULL, ef);
	}
	classify(g->cls, chain, *n, ef, d);
}

/* Enforce mode: hands the exec'ing process to the reparse thread, which
 * attaches while the exec still waits for our answer. 0: attached (the
 * caller answers FAN_DENY, the thread does the rest); else -errno, why no
 * reparse is possible (the caller denies and says so). Only the first
 * file of an exec gets here as a deny (its loader and interpreter are
 * allowed once the first was, CACHE_EXEC_OK), but the attach is bounded
 * anyway: past the first file an exec holds a lock that PTRACE_SEIZE
 * waits for. */
static int try_reparse(struct fan_guard *g, const struct proc_info *chain, size_t n,
		       const struct decision *d, const char *file, uint64_t t0)
{
	char cwd[PATH_MAX];
	int threads;

	if (!g->reparse)
		return -ENOSYS;
	if (!regs_supported())
		return -ENOSYS;
	threads = proc_threads(chain[0].pid);
	if (threads != 1)
		return threads < 0 ? threads : -EMLINK;
	if (proc_cwd(chain[0].pid, cwd, sizeof(cwd)) != 0)
		return -ESRCH;
	return reparse_submit(g->reparse, &(struct reparse_request){
		.pid = chain[0].pid, .start = chain[0].start, .t0 = t0, .pm = d->pm, .file = file,
		.rule = rule_name(d->rule),
		.cwd = cwd, .nested_ok = classify_is_root_fork(chain, n, d->root),
		.commands = g->policy.pms[d->pm_index].commands }, REPARSE_ATTACH_TIMEOUT_MS);
}

/* t0: when the batch holding this event was read (the latency counts the
 * wait behind the events before it). */
static void handle_perm(struct fan_guard *g, const struct fanotify_event_metadata *m, uint64_t t0)
{
	static struct proc_info chain[CLASSIFY_MAX_DEPTH];
	/* Only their first bytes are set: an initialiser would clear all of
	 * them (5 kB) for every exec. */
	char file[PATH_MAX], pkg[256];
	struct pending_exec pend;
	struct exec_file ef = { 0 };
	struct decision d = { .verdict = VERDICT_ALLOW, .reason = REASON_UNRELATED, .rule = RULE_NO_PM_ANCESTOR };
	size_t n = 0;
	bool would_deny = false, reparsing = false;
	char why[160];

	file[0] = pkg[0] = why[0] = '\0';
	pend.command[0] = pend.event[0] = '\0';
	g->stats.events++;
	if (m->pid == g->self) {
		respond(g, m->fd, FAN_ALLOW, t0);
		g->stats.allows++;
		return;
	}
	if (clean_parents_vouch(&g->hot, g->pcache, g->cls, m->pid, &chain[1])) {
		/* The child of a parent seen clean: nothing of it is read. */
		g->stats.cache_hits++;
		g->stats.allows++;
		respond(g, m->fd, FAN_ALLOW, t0);
		if (g->policy.cfg.log_level == LOG_LEVEL_DEBUG) {
			chain[0] = (struct proc_info){ .pid = m->pid, .ppid = chain[1].pid };
			d.reason = REASON_CACHED;
			d.rule = RULE_CACHED;
			log_event(&d, "allow", &chain[0], file, NULL, NULL, NULL);
		}
		return;
	}
	if (read_self(m->pid, &chain[0]) == 0) {
		n = 1;
		if (classify_cached(g->cls, chain[0].pid, chain[0].start)) {
			g->stats.cache_hits++;
			d.reason = REASON_CACHED;
			d.rule = RULE_CACHED;
		} else if (chain[0].fresh_fork && parent_cmdline(g, chain[0].ppid, &chain[1]) == 0 &&
			   classify_by_fresh_fork(g->cls, &chain[0], &chain[1])) {
			g->stats.cache_hits++;
			d.reason = REASON_CACHED;
			d.rule = RULE_CACHED;
		} else {
			read_parent(g, chain, &n);
			if (classify_by_parent(g->cls, chain, n)) {
				g->stats.cache_hits++;
				d.reason = REASON_CACHED;
				d.rule = RULE_CACHED;
			d.rule = RULE_CACHED;
			} else {
				classify_slow(g, m, chain, &n, &ef, file, sizeof(file), &d);
			}
		}
	} else {
		g->stats.errors++; /* gone already: nothing to protect */
	}
	if (d.verdict == VERDICT_DENY && g->reparse &&
	    reparse_take_allowance(g->reparse, chain[0].pid, chain[0].start)) {
		/* The reparse thread let this process re-issue its exec as it
		 * was (a nested package manager): it and its loader pass. */
		classify_allow_exec(g->cls, &chain[0], d.pm_index);
		d.verdict = VERDICT_ALLOW;
		d.reason = REASON_NESTED_PM;
		d.rule = RULE_NESTED_PM;
	}
	if (d.verdict == VERDICT_DENY && g->policy.cfg.mode == MODE_ENFORCE) {
		int e = try_reparse(g, chain, n, &d, file, t0);

		reparsing = e == 0;
		if (e) {
			reparse_count_fallback(g->reparse, t0);
			snprintf(why, sizeof(why), "%s (reparse impossible: %s)", reason_name(d.reason),
				 reparse_error_name(e));
		}
	}
	if (d.verdict == VERDICT_DENY && g->policy.cfg.mode == MODE_AUDIT) {
		d.verdict = VERDICT_ALLOW;
		would_deny = true;
	}
	if ((d.verdict == VERDICT_DENY && !reparsing) || would_deny) {
		/* Read before the answer: then the process exits or execs. */
		package_of(chain[0].pid, pkg, sizeof(pkg)); /* procfs only, deny path only */
		(void)pending_exec_read(chain[0].pid, &pend);
	}
	respond(g, m->fd, d.verdict == VERDICT_DENY ? FAN_DENY : FAN_ALLOW, t0);
	if (d.verdict == VERDICT_ALLOW && !would_deny && n >= 2 && chain[0].ppid == chain[1].pid)
		clean_parents_note(&g->hot, g->cls, &chain[1]);
	/* Logged only after the answer is written. */
	if (d.verdict == VERDICT_DENY) {
		/* A reparse is counted and logged by the reparse thread. */
		if (!reparsing) {
			g->stats.denies++;
			log_event(&d, "deny", &chain[0], file, pkg, &pend, why[0] ? why : NULL);
		}
	} else {
		g->stats.allows++;
		if (would_deny && !loader_of_last(g, &chain[0], file)) {
			g->stats.audit_would_deny++;
			g->would_pid = chain[0].pid;
			g->would_start = chain[0].start;
			log_event(&d, "would-deny", &chain[0], file, pkg, &pend, NULL);
		} else if (would_deny) {
			/* The same exec's loader: already reported. */
		} else if (g->policy.cfg.log_level == LOG_LEVEL_DEBUG && n > 0) {
			log_event(&d, "allow", &chain[0], file, NULL, NULL, NULL);
		}
	}
}

static int read_events(struct fan_guard *g)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct fanotify_event_metadata))));

	for (;;) {
		ssize_t len = read(g->fan_fd, buf, sizeof(buf));
		const struct fanotify_event_metadata *m = (const void *)buf;
		uint64_t t0 = now_ns();

		g->cls->now_ticks = boot_ticks(g);
		if (len < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : log_fail(errno, "read fanotify");
		for (; FAN_EVENT_OK(m, len); m = FAN_EVENT_NEXT(m, len)) {
			if (m->vers != FANOTIFY_METADATA_VERSION)
				return log_fail_plain(EPROTO, "fanotify metadata version %u", m->vers);
			if (m->mask & FAN_Q_OVERFLOW) {
				g->stats.overflows++;
				log_warn("fanotify queue overflow (%llu so far)",
					 (unsigned long long)g->stats.overflows);
			}
			if (m->fd == FAN_NOFD)
				continue;
			if (m->mask & FAN_OPEN_EXEC_PERM)
				handle_perm(g, m, t0);
			else
				respond(g, m->fd, FAN_ALLOW, 0);
			close(m->fd);
		}
		/* The kernel fills the buffer while events fit: a read well short
		 * of it found the queue empty, and poll reports what comes next
		 * (one read per event, not two). */
		if ((size_t)len <= sizeof(buf) / 2)
			return 0;
	}
}

/* ------------------------------------------------------------------ */
/* Setup, signals, reload                                              */

static int trust_sandbox(struct fan_guard *g)
{
	struct stat st;

	if (!g->sandbox_path || stat(g->sandbox_path, &st) != 0) {
		log_warn("no trusted pkgguard-sandbox (%s): nothing runs sandboxed under a package manager",
			 g->sandbox_path ? g->sandbox_path : "not found next to pkgguardd");
		g->cls->sandbox_known = false;
		return 0;
	}
	g->cls->sandbox_known = true;
	g->cls->sandbox_dev = st.st_dev;
	g->cls->sandbox_ino = st.st_ino;
	reparse_trust(g->reparse, st.st_dev, st.st_ino);
	if (reparse_set_profiles(g->reparse, &g->policy.profile_dirs) != 0)
		return log_fail(ENOMEM, "profile directories");
	return 0;
}

static void reload(struct fan_guard *g)
{
	struct daemon_policy p;

	if (daemon_policy_load(g->config_file, g->config_must_exist, g->mode_override, &p) != 0) {
		log_info("reload failed: the last good configuration stays in force");
		return;
	}
	daemon_policy_free(&g->policy);
	g->policy = p;
	classifier_init(g->cls, g->policy.pms, g->policy.npms);
	trust_sandbox(g);
	(void)mark_filesystems(g);
	log_info("reloaded: mode %s, %zu package managers", daemon_mode_name(g->policy.cfg.mode),
		 g->policy.npms);
}

int fan_guard_open(struct fan_guard *g)
{
	sigset_t set;
	int r;

	g->fan_fd = g->sig_fd = g->mnt_fd = -1;
	g->ctl.fd = -1;
	g->self = getpid();
	g->start_s = (unsigned long long)(now_ns() / 1000000000u);
	g->cls = calloc(1, sizeof(*g->cls));
	g->pcache = calloc(1, sizeof(*g->pcache));
	if (!g->cls || !g->pcache)
		return log_fail(ENOMEM, "classifier");
	proc_cache_init(g->pcache);
	if (proc_dirfd() < 0)
		return log_fail(errno, "open /proc");
	r = daemon_policy_load(g->config_file, g->config_must_exist, g->mode_override, &g->policy);
	if (r)
		return r;
	classifier_init(g->cls, g->policy.pms, g->policy.npms);
	trust_sandbox(g);
	daemon_log_init();
	{
		long hz = sysconf(_SC_CLK_TCK);

		g->ns_per_tick = 1000000000u / (uint64_t)(hz > 0 ? hz : 100);
	}

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return log_fail(errno, "sigprocmask");
	g->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (g->sig_fd < 0)
		return log_fail(errno, "signalfd");
	/* The tracer thread, started with TERM/INT/HUP already blocked so that
	 * it inherits the mask (a SIGTERM it took would kill the daemon
	 * without the clean stop). */
	r = reparse_open(&g->reparse, g->cls->sandbox_known ? g->sandbox_path : NULL, g->cls->sandbox_dev,
			 g->cls->sandbox_ino);
	if (r)
		return log_fail(-r, "reparse thread");
	if (reparse_set_profiles(g->reparse, &g->policy.profile_dirs) != 0)
		return log_fail(ENOMEM, "profile directories");
	/* FAN_UNLIMITED_QUEUE (we are root): a permission event is never
	 * dropped for a full queue, whatever floods the machine with execs;
	 * an overflow is still counted and logged should a kernel report one. */
	g->fan_fd = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC | FAN_NONBLOCK | FAN_UNLIMITED_QUEUE,
				  O_RDONLY | O_LARGEFILE | O_CLOEXEC);
	if (g->fan_fd < 0)
		return log_fail(errno, "fanotify_init (needs CAP_SYS_ADMIN and CONFIG_FANOTIFY_ACCESS_PERMISSIONS)");
	/* POLLPRI on mountinfo: a mount appeared or went. */
	g->mnt_fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (g->control_path && control_open(&g->ctl, g->control_path) != 0)
		log_warn("no control socket: `pkgguard status` will not answer");
	return mark_filesystems(g);
}

/* 1 to stop, 0 to go on. */
static int handle_signals(struct fan_guard *g)
{
	struct signalfd_siginfo si;
	int stop = 0;

	while (read(g->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			reload(g);
		else
			stop = 1;
	}
	return stop;
}

static void drain_mountinfo(struct fan_guard *g)
{
	char buf[4096];

	lseek(g->mnt_fd, 0, SEEK_SET);
	while (read(g->mnt_fd, buf, sizeof(buf)) > 0)
		;
}

#define PRUNE_EVERY_NS 250000000u

static bool control_pending(const struct pollfd *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fds[i].revents)
			return true;
	return false;
}

int fan_guard_run(struct fan_guard *g)
{
	struct pollfd fds[3 + 1 + CONTROL_MAX_CONNS];
	uint64_t wd_usec = 0, wd_last_ns = 0, pruned_ns = 0;
	struct reparse_stats rstats;
	int r = 0;

	if (sd_watchdog_enabled(0, &wd_usec) <= 0)
		wd_usec = 0;
	if (g->mnt_fd >= 0)
		drain_mountinfo(g);
	sd_notifyf(0, "READY=1\nSTATUS=guarding, mode %s", daemon_mode_name(g->policy.cfg.mode));
	log_info("guarding exec on local filesystems, mode %s, pid %d", daemon_mode_name(g->policy.cfg.mode),
		 (int)g->self);
	for (;;) {
		int timeout = wd_usec ? (int)(wd_usec / 4000) : 1000;
		size_t n = 0;

		fds[n++] = (struct pollfd){ .fd = g->fan_fd, .events = POLLIN };
		fds[n++] = (struct pollfd){ .fd = g->sig_fd, .events = POLLIN };
		fds[n++] = (struct pollfd){ .fd = g->mnt_fd, .events = POLLPRI };
		n += control_pollfds(&g->ctl, fds + n);
		if (poll(fds, n, timeout) < 0 && errno != EINTR)
			return log_fail(errno, "poll");
		/* Pinged from the loop (a stalled answering path stops it), but at
		 * most four times per period: not one datagram per event batch. */
		if (wd_usec && now_ns() - wd_last_ns >= wd_usec * 1000 / 4) {
			sd_notify(0, "WATCHDOG=1");
			wd_last_ns = now_ns();
		}
		if (fds[0].revents & POLLIN) {
			r = read_events(g);
			if (r)
				return r;
		}
		if ((fds[1].revents & POLLIN) && handle_signals(g))
			break;
		if (fds[2].revents & (POLLPRI | POLLERR)) {
			drain_mountinfo(g);
			(void)mark_filesystems(g);
		}
		if (control_pending(fds + 3, n - 3)) {
			reparse_stats_copy(g->reparse, &rstats);
			control_handle(&g->ctl, fds + 3, n - 3,
				       &(struct control_view){ .mode = daemon_mode_name(g->policy.cfg.mode),
							       .uptime_s = now_ns() / 1000000000u - g->start_s,
							       .stats = &g->stats, .reparse = &rstats,
							       .profile_dirs = &g->policy.profile_dirs });
		}
		control_expire(&g->ctl);
		/* Outside the answering path and at most every PRUNE_EVERY_NS, a
		 * few slots at a time: forget the kept fds of processes that died
		 * (each look is a read of /proc, not worth paying per event). */
		if (now_ns() - pruned_ns >= PRUNE_EVERY_NS) {
			proc_cache_prune(g->pcache, 32);
			pruned_ns = now_ns();
		}
	}
	sd_notify(0, "STOPPING=1");
	return 0;
}

void fan_guard_close(struct fan_guard *g)
{
	control_close(&g->ctl);
	reparse_close(g->reparse);
	g->reparse = NULL;
	if (g->fan_fd >= 0)
		close(g->fan_fd); /* the kernel allows whatever was pending */
	if (g->sig_fd >= 0)
		close(g->sig_fd);
	if (g->mnt_fd >= 0)
		close(g->mnt_fd);
	daemon_policy_free(&g->policy);
	free(g->cls);
	g->cls = NULL;
	if (g->pcache)
		proc_cache_close(g->pcache);
	free(g->pcache);
	g->pcache = NULL;
}
