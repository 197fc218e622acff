/* fan_guard.h — pkgguardd's engine: the fanotify group, its marks on every
 * local filesystem, and the poll loop that answers FAN_OPEN_EXEC_PERM
 * events (each one down decide.c's ladder), serves the control socket, and handles
 * SIGTERM/SIGINT (stop) and SIGHUP (reload). Returns errors; never exits. */
#ifndef PKGGUARD_FAN_GUARD_H
#define PKGGUARD_FAN_GUARD_H

#include <stdbool.h>

#include "classify.h"
#include "control_server.h"
#include "daemon_policy.h"
#include "daemon_stats.h"
#include "decide.h"
#include "decide_proc.h"
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
	struct reparse *reparse;       /* the tracer thread (enforce mode) */
	uint64_t ns_per_tick;          /* of a process's start time (USER_HZ) */
	struct daemon_stats stats;
	struct control_server ctl;
	int fan_fd, sig_fd, mnt_fd;
	pid_t self;
	unsigned long long start_s;
	struct decider *dc;            /* the ladder each exec goes down */
	struct decide_proc dp;         /* its reads and actions, here for real */
	struct decide_io io;
};

/* Blocks the handled signals, loads the policy, creates the fanotify group
 * and marks the filesystems. 0, -EPERM/-ENOSYS when fanotify is not
 * available, or another -errno. */
int fan_guard_open(struct fan_guard *g);
/* Runs until SIGTERM/SIGINT: 0, or -errno on a fatal error. */
int fan_guard_run(struct fan_guard *g);
void fan_guard_close(struct fan_guard *g);

#endif
