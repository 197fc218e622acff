/* decide_proc.h — the ladder's reads and actions on the real system
 * (decide.h's struct decide_io): /proc through proc_info.c and the kept fds
 * of proc_cache.c, the answer on the fanotify fd, the reparse thread, the
 * journal. decide_proc.c. */
#ifndef PKGGUARD_DECIDE_PROC_H
#define PKGGUARD_DECIDE_PROC_H

#include "daemon_policy.h"
#include "decide.h"
#include "proc_cache.h"
#include "reparse.h"

struct decide_proc {
	int fan_fd;
	struct proc_cache *pcache;
	struct reparse *reparse;            /* NULL: no reparse thread */
	const struct daemon_policy *policy; /* the package managers' commands */
};

/* The io table over dp (which must outlive it). */
void decide_proc_io(struct decide_proc *dp, struct decide_io *io);

#endif
