/* fan_guard.h — pkgguardd's engine: the fanotify group, its marks on every
 * local filesystem, and the poll loop that answers FAN_OPEN_EXEC_PERM
 * events (classify.c decides), serves the control socket, and handles
 * SIGTERM/SIGINT (stop) and SIGHUP (reload). Returns errors; never exits. */
#ifndef PKGGUARD_FAN_GUARD_H
#define PKGGUARD_FAN_GUARD_H

#include <stdbool.h>

#include "classify.h"
#include "clean_parents.h"
#include "control_server.h"
#include "daemon_policy.h"
#include "daemon_stats.h"
#include "proc_cache.h"
#include "reparse.h"

struct fan_guard {
	/* Set by the caller before fan_guard_open. */
	const char *config_file;
	bool config_must_exist;
	int mode_override;             /* -1, or a guard_mode */
	const char *control_path;      /* NULL: no control socket */
	const char *sandbox_path;      /* the trusted pkgguard-sandbox */

	struct daemon_policy policy;
	struct classifier *cls;
	struct proc_cache *pcache;     /* kept /proc fds of ancestors */
	struct clean_parents hot;      /* asked first about a new exec */
	struct reparse *reparse;       /* the tracer thread (enforce mode) */
	uint64_t ns_per_tick;          /* of a process's start time (USER_HZ) */
	struct daemon_stats stats;
	struct control_server ctl;
	int fan_fd, sig_fd, mnt_fd;
	pid_t self;
	unsigned long long start_s;
	/* The exec last reported as "would deny" (pid, start time): the
	 * loader it opens next is not reported again (loader_of_last). */
	pid_t would_pid;
	uint64_t would_start;
};

/* Blocks the handled signals, loads the policy, creates the fanotify group
 * and marks the filesystems. 0, -EPERM/-ENOSYS when fanotify is not
 * available, or another -errno. */
int fan_guard_open(struct fan_guard *g);
/* Runs until SIGTERM/SIGINT: 0, or -errno on a fatal error. */
int fan_guard_run(struct fan_guard *g);
void fan_guard_close(struct fan_guard *g);

#endif
