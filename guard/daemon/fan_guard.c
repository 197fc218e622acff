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
#include "log.h"
#include "proc_info.h"

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
				decide_exec(g->dc, m->fd, m->pid, t0);
			else
				(void)g->io.respond(g->io.ctx, m->fd, FAN_ALLOW);
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

/* What the ladder takes from the policy (again after a reload). */
static void configure_ladder(struct fan_guard *g)
{
	g->dc->mode = g->policy.cfg.mode;
	g->dc->log_allows = g->policy.cfg.log_level == LOG_LEVEL_DEBUG;
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
	configure_ladder(g);
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
	g->dc = calloc(1, sizeof(*g->dc));
	if (!g->cls || !g->pcache || !g->dc)
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
	/* The ladder, over the real /proc, this group and the reparse thread. */
	g->dp = (struct decide_proc){ .fan_fd = g->fan_fd, .pcache = g->pcache, .reparse = g->reparse,
				      .policy = &g->policy };
	decide_proc_io(&g->dp, &g->io);
	g->dc->io = &g->io;
	g->dc->cls = g->cls;
	g->dc->self = g->self;
	g->dc->stats = &g->stats;
	configure_ladder(g);
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
	free(g->dc);
	g->dc = NULL;
	if (g->pcache)
		proc_cache_close(g->pcache);
	free(g->pcache);
	g->pcache = NULL;
}
