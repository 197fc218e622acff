/* decide.h — pkgguardd's answer to one exec, as one ordered ladder
 * (decide.c, drawn in docs/ARCHITECTURE.md): decide (the fast paths, the
 * ancestry, classify()), apply the mode, answer, log. Everything it reads
 * from /proc and everything it does to the world — the answer, a reparse,
 * a log line — goes through struct decide_io, so that the unit tests drive
 * the ladder with made-up processes (tests/unit/test_classify.c);
 * decide_proc.c is the daemon's real one. */
#ifndef PKGGUARD_DECIDE_H
#define PKGGUARD_DECIDE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "classify.h"
#include "clean_parents.h"
#include "daemon_log.h"
#include "daemon_config.h"
#include "daemon_stats.h"
#include "pending_exec.h"
#include "proc_info.h"

struct decide_io {
	void *ctx;
	/* /proc/PID/stat alone: pid, ppid, start time, fresh fork. 0 or -errno. */
	int (*read_stat)(void *ctx, pid_t pid, struct proc_info *out);
	/* /proc/PID/cmdline into out (left empty when unreadable). */
	void (*read_cmdline)(void *ctx, pid_t pid, struct proc_info *out);
	/* stat and cmdline through kept fds (proc_cache_read). 0 or -errno. */
	int (*read_kept)(void *ctx, pid_t pid, struct proc_info *out);
	/* The command line alone of a kept process (proc_cache_cmdline):
	 * -ENOENT when pid is not kept. */
	int (*read_kept_cmdline)(void *ctx, pid_t pid, struct proc_info *out);
	/* proc_cache_has_child: 1, 0, or -errno. */
	int (*has_child)(void *ctx, pid_t parent, uint64_t start, pid_t child);
	/* The executable of p, checked to be the same process still. */
	void (*read_exe)(void *ctx, struct proc_info *p);
	/* The file being exec'd, from the event's fd: its path (into path)
	 * and, when it can be stat'ed, its device and inode. */
	void (*read_file)(void *ctx, int fd, struct exec_file *ef, char *path, size_t len);
	/* A package manager's family (pms[pm], at index root of chain): may
	 * the file being exec'd (fd, ef) and the executable of the package
	 * manager's child (chain[root - 1]) run as its helpers (helper_trust.h)?
	 * Sets ef->trusted and chain[root - 1].exe_trusted. */
	void (*trust_helpers)(void *ctx, int fd, unsigned pm, size_t root, struct proc_info *chain,
			      struct exec_file *ef);
	/* The package from the process's cwd ("" when none). */
	void (*read_package)(void *ctx, pid_t pid, char *pkg, size_t len);
	/* The pending execve's argv and lifecycle event (for a deny's line). */
	void (*read_pending)(void *ctx, pid_t pid, struct pending_exec *out);
	/* True (once) when the reparse thread let pid + start re-issue its
	 * exec unchanged: a nested package manager. */
	bool (*take_allowance)(void *ctx, pid_t pid, uint64_t start);
	/* Hands the exec to the reparse thread: 0 attached (the answer is a
	 * deny, the thread does the rest and logs it), else -errno: why not. */
	int (*reparse)(void *ctx, const struct proc_info *chain, size_t n, const struct decision *d,
		       const char *file, uint64_t t0);
	/* A deny that no reparse took, counted with the reparse thread's. */
	void (*count_fallback)(void *ctx, uint64_t t0);
	/* The answer to the kernel. 0 or -errno. */
	int (*respond)(void *ctx, int fd, unsigned response);
	/* One decision line, written after the answer. */
	void (*log)(void *ctx, const struct decision_record *r);
};

struct decider {
	/* Set by the caller. */
	const struct decide_io *io;
	struct classifier *cls;
	enum guard_mode mode;
	bool log_allows;                  /* log level debug: every allow too */
	pid_t self;                       /* the daemon: its own execs pass at once */
	struct daemon_stats *stats;

	/* The ladder's own. */
	struct clean_parents hot;         /* asked first about a new exec */
	/* The exec last reported as "would deny": the loader it opens next
	 * is not reported again. */
	pid_t would_pid;
	uint64_t would_start;
	struct proc_info chain[CLASSIFY_MAX_DEPTH]; /* the exec'ing process and its ancestors */
};

/* Answers the FAN_OPEN_EXEC_PERM event fd of process pid, then logs it.
 * t0: when its batch of events was read (CLOCK_MONOTONIC ns, for the
 * latency). */
void decide_exec(struct decider *dc, int fd, pid_t pid, uint64_t t0);

#endif
