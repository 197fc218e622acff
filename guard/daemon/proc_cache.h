/* proc_cache.h — kept /proc fds of the exec'ing processes' ancestors, so
 * that pkgguardd's answering path reads an ancestor with two preads instead
 * of two open/read/close cycles. It caches file descriptors, not facts:
 * every read returns what the process shows now (its command line after an
 * exec or a process-title change included), so no decision can rest on a
 * stale fact. An entry is keyed by pid plus start time and answers only
 * while that very process lives: a fd of /proc/PID stays bound to the
 * process it was opened for and fails with ESRCH once it died, even when the
 * pid has been reused since; such an entry is dropped, never inherited.
 * Bounded (PROC_CACHE_SLOTS, least recently used evicted); no allocation. */
#ifndef PKGGUARD_PROC_CACHE_H
#define PKGGUARD_PROC_CACHE_H

#include <stdint.h>
#include <sys/types.h>

#include "proc_info.h"

#define PROC_CACHE_SLOTS 256 /* two fds each, three for a parent asked about its children */

struct proc_cache_entry {
	pid_t pid;                   /* 0: empty */
	uint64_t start;
	int stat_fd, cmd_fd;
	int kids_fd;                 /* task/PID/children, opened when first asked; -1 */
	uint64_t used;               /* tick of the last use, for LRU */
};

struct proc_cache {
	struct proc_cache_entry e[PROC_CACHE_SLOTS];
	uint64_t tick;
	size_t sweep;                /* next slot proc_cache_prune looks at */
	uint64_t hits, misses, dropped;
};

void proc_cache_init(struct proc_cache *pc);
/* Closes every kept fd. */
void proc_cache_close(struct proc_cache *pc);

/* proc_read(pid, out) through the cache: stat and cmdline of the process
 * that has this pid now, fresh. 0, -ESRCH when it is gone, or -errno. */
int proc_cache_read(struct proc_cache *pc, pid_t pid, struct proc_info *out);

/* Only the command line, and only of a process kept already: pid and start
 * time are those the entry was opened for, and the fd it is read through
 * fails once that process died, so they are still true when this returns 0
 * (ppid and the stat fields are not read: left 0). -ENOENT when pid has no
 * entry (use proc_cache_read), -ESRCH when its process died. */
int proc_cache_cmdline(struct proc_cache *pc, pid_t pid, struct proc_info *out);

/* Whether child is listed among the children of the kept process pid with
 * this start time (its main thread's children: those a fork of another
 * thread made are not listed). A listed pid is that process's child now:
 * a pid names one live process at a time, and the fd is bound to the
 * parent. 1 listed, 0 not, -ENOENT when pid + start has no entry, -ESRCH
 * when that process died, -E2BIG when it has hundreds of children (a list
 * not worth reading for every exec: ask another way), -ENOSYS when the
 * kernel shows no children lists (CONFIG_PROC_CHILDREN off). */
int proc_cache_has_child(struct proc_cache *pc, pid_t pid, uint64_t start, pid_t child);

/* Looks at up to max slots (round robin) and drops those whose process has
 * died. Returns how many it dropped. */
unsigned proc_cache_prune(struct proc_cache *pc, unsigned max);

/* Number of live entries (tests, status). */
size_t proc_cache_size(const struct proc_cache *pc);

#endif
