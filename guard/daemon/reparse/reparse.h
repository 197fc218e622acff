/* reparse.h — exec reparse: a script a package manager starts
 * outside the sandbox is not just denied, it is turned into a run of
 * pkgguard-sandbox, and the package manager sees an ordinary child.
 *
 * How: while the process waits in execve for our answer, a dedicated
 * thread (the tracer: ptrace requests must come from the thread that
 * attached) PTRACE_SEIZEs and PTRACE_INTERRUPTs it; the answering thread
 * then writes FAN_DENY; on its way back to user space the process stops
 * (PTRACE_EVENT_STOP) with the failed execve in its registers; the tracer
 * writes `pkgguard-sandbox --profile PM --pkg-dir . … --argv0 ARGV0 -- FILE ARGV[1…]`
 * into the process's own memory, points the registers at it, moves the
 * program counter back onto the syscall instruction and detaches: the
 * process re-issues execve, now of the trusted sandbox.
 *
 * Safety: the attach is the only step the answering thread waits for, and
 * it waits a bounded time (an attach can block while an exec is past its
 * first file, holding the exec's cred_guard_mutex: then the answer goes out
 * as a plain deny and the tracer lets go once the attach returns). Any
 * stop the tracer does not expect, any failed step, detaches with the
 * process's registers untouched: the execve fails with EPERM, the process
 * is never left stopped. If the daemon dies, the kernel detaches. */
#ifndef PKGGUARD_REPARSE_H
#define PKGGUARD_REPARSE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "daemon_stats.h"
#include "policy.h"

struct reparse;

struct reparse_request {
	pid_t pid;
	uint64_t start;                   /* identity: pid + start time */
	uint64_t t0;                      /* when the event was read (CLOCK_MONOTONIC ns) */
	const char *pm;                   /* the package manager's profile */
	const char *rule;                 /* the rule that decided (a static string: rule_name) */
	const char *file;                 /* the file being exec'd, as the daemon sees it */
	const char *cwd;                  /* the process's cwd: the package directory */
	/* The package manager's own fork: if what it execs is the package
	 * manager again (pip's build-environment pip, npm preparing a git
	 * dependency), it runs as itself instead of in the sandbox. */
	bool nested_ok;
	const struct strlist *commands;   /* the profile's match commands (copied) */
};

/* Starts the tracer thread. sandbox_path: the trusted pkgguard-sandbox
 * (copied), with its device and inode. PKGGUARDD_REPARSE_FORCE_MMAP=1 in the environment makes every
 * reparse take the no-room path (tests). 0 or -errno. */
int reparse_open(struct reparse **out, const char *sandbox_path, dev_t dev, ino_t ino);
/* The sandbox's device and inode changed (SIGHUP after an upgrade). */
void reparse_trust(struct reparse *r, dev_t dev, ino_t ino);
/* The daemon's profile directories (absolute, resolved), copied: every
 * reparsed sandbox searches these alone (--only-profiles). 0 or -ENOMEM
 * (then the last ones stay). */
int reparse_set_profiles(struct reparse *r, const struct strlist *dirs);
/* Stops the thread; processes stopped at that moment are detached. */
void reparse_close(struct reparse *r);

/* Attaches to req->pid, which must be waiting in execve on a permission
 * event not answered yet. 0: attached, the caller answers FAN_DENY and the
 * tracer does the rest (and logs it). -EPERM: traced already (or not
 * allowed), -EBUSY, -ETIMEDOUT, -ESRCH, -ENOMEM: not attached; the caller
 * denies and logs why. */
int reparse_submit(struct reparse *r, const struct reparse_request *req, int timeout_ms);

/* True (once) when the tracer let pid + start re-issue its own execve (a
 * nested package manager): its next exec events are allowed. */
bool reparse_take_allowance(struct reparse *r, pid_t pid, uint64_t start);

/* A reparse the answering thread found impossible (reparse_submit failed,
 * or a check before it): counted with the tracer's own fallbacks. */
void reparse_count_fallback(struct reparse *r, uint64_t t0);

void reparse_stats_copy(struct reparse *r, struct reparse_stats *out);

const char *reparse_error_name(int err);

#endif
