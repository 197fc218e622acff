/* classify.h — pkgguardd's decision for one exec, as a pure function over
 * the exec'ing process and its ancestors (read from /proc by the daemon,
 * built by hand in tests/unit/test_classify.c). No I/O here.
 *
 * chain[0] is the process calling execve, chain[i + 1] the parent of
 * chain[i], up to pid 1 or as far as could be read. */
#ifndef PKGGUARD_CLASSIFY_H
#define PKGGUARD_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy.h"
#include "proc_info.h"

#define CLASSIFY_MAX_DEPTH 64
#define CLASSIFY_CACHE_SLOTS 4096 /* direct-mapped by pid */

/* One package manager, from a profile's match section (not owned). */
struct pm_matcher {
	const char *name;                 /* profile name: "npm" */
	const struct strlist *commands;
	const struct strlist *helpers;
};

/* CACHE_EXEC_OK: this process was allowed to exec the sandbox; the same
 * execve goes on to open a script's interpreter, which must pass too.
 * CACHE_HELPER: the same for a helper, and it marks the helper's process:
 * what it runs is the helper's doing (a helper that is a script runs as its
 * interpreter, so its executable alone would not say it is one). */
enum cache_kind {
	CACHE_EMPTY = 0,
	CACHE_UNRELATED,
	CACHE_ROOT,
	CACHE_EXEC_OK,
	CACHE_HELPER,
	CACHE_IN_SANDBOX, /* runs pkgguard-sandbox, or descends from a process that does */
};

struct cache_slot {
	pid_t pid;
	uint64_t start;
	enum cache_kind kind;
	unsigned pm;                      /* index in pms, for CACHE_ROOT */
	uint64_t cmd_hash;                /* its command line then (CACHE_UNRELATED) */
	uint64_t exec_print;              /* its program image then (proc_info) */
	uint64_t at_ticks;                /* when, in clock ticks since boot */
};

struct classifier {
	const struct pm_matcher *pms;
	size_t npms;
	bool sandbox_known;               /* the trusted pkgguard-sandbox */
	/* Set by the caller: now, in the clock ticks of a process's start
	 * time. */
	uint64_t now_ticks;
	dev_t sandbox_dev;
	ino_t sandbox_ino;
	struct cache_slot cache[CLASSIFY_CACHE_SLOTS];
};

/* The file being exec'd: the event fd's dev/ino and path (for helpers). */
struct exec_file {
	dev_t dev;
	ino_t ino;
	const char *path;
	/* Set by the daemon when the path has a helper's name: the file
	 * passed helper_trusted() (root's, in a directory only root writes). */
	bool trusted;
};

/* How a path matches a profile's helpers: by its base name ("git"), or
 * exactly, by an absolute path the profile names ("/usr/bin/git"). */
enum helper_match { HELPER_NONE, HELPER_BY_NAME, HELPER_BY_PATH };

enum verdict { VERDICT_ALLOW, VERDICT_DENY };

enum reason {
	REASON_UNRELATED,     /* no package manager among its ancestors */
	REASON_CACHED,        /* unrelated, remembered by pid + start time */
	REASON_ROOT,          /* the package manager itself */
	REASON_SANDBOX_EXEC,  /* exec of the trusted pkgguard-sandbox */
	REASON_IN_SANDBOX,    /* already inside a pkgguard sandbox */
	REASON_HELPER,        /* a helper the package manager runs itself, or its subtree */
	REASON_EXEC_OK,       /* the rest of an exec allowed above (ld.so, #! interpreter) */
	REASON_UNSANDBOXED,   /* a package manager's child outside any sandbox */
	REASON_NESTED_PM,     /* the package manager run again by itself (reparse.c let it) */
};

/* The rule that decided, finer than the reason: what a deny or a fallback
 * line names, so that an admin can tell a false deny from an attack. */
enum rule {
	RULE_NO_PM_ANCESTOR,     /* no package manager above it */
	RULE_CACHED,             /* seen unrelated before (pid + start time) */
	RULE_PM_COMMAND,         /* its command line is a package manager's */
	RULE_SANDBOX_BINARY,     /* the trusted pkgguard-sandbox, by device and inode */
	RULE_SANDBOX_ANCESTOR,   /* it or an ancestor runs in a pkgguard sandbox */
	RULE_HELPER_BY_NAME,     /* a listed helper name, a file only root could have put there */
	RULE_HELPER_BY_PATH,     /* a helper the profile names by absolute path */
	RULE_HELPER_SUBTREE,     /* run by an allowed helper */
	RULE_SAME_EXEC,          /* the loader or interpreter of an exec allowed above */
	RULE_NESTED_PM,          /* the package manager's fork running it again */
	RULE_PM_DESCENDANT,      /* a package manager's descendant outside any sandbox */
	RULE_UNTRUSTED_HELPER,   /* a helper's name, but a file the caller could have put there */
};

struct decision {
	enum verdict verdict;
	enum reason reason;
	enum rule rule;
	const char *pm;       /* package manager's profile name, or NULL */
	unsigned pm_index;    /* its index in the classifier's pms */
	size_t root;          /* index of the package-manager root in the chain */
	/* chain[0] is the package manager's own fork (root 1, not exec'd
	 * yet): what it execs is the package manager's doing, not a
	 * script's (a reparse lets it run the package manager again). */
	bool root_fork;
};

/* pms is kept (not copied) until the next classifier_init, which also
 * forgets every cached decision (a reload). */
void classifier_init(struct classifier *c, const struct pm_matcher *pms, size_t npms);

/* True when pid + start was classified unrelated before (the fast path). */
bool classify_cached(const struct classifier *c, pid_t pid, uint64_t start);

/* The second fast path, for a new process: chain[0] (its command line read)
 * is no package manager itself, and chain[1], its parent, was seen with no
 * package manager at or above it and still has the same command line (an
 * exec into a package manager would change it). Then chain[0] is unrelated
 * too, without reading the rest of its ancestry; it is cached as such. */
bool classify_by_parent(struct classifier *c, const struct proc_info *chain, size_t n);

/* A walk up the ancestry may stop at p (its stat and command line read):
 * it was seen with no package manager at or above it and neither exec'd
 * nor retitled itself since (what is above it need not be read), or it was
 * seen inside a sandbox (then so is the exec below it). */
bool classify_walk_stops(const struct classifier *c, const struct proc_info *p);

/* chain (read up to where classify_walk_stops said) holds a package
 * manager and is not inside a sandbox: the rare case, for which classify()
 * needs the whole chain, the executables along it and the file. *root and
 * *pm: where the package manager is in chain and which one it is (for the
 * helper checks, helper_trust.h). */
bool classify_in_family(const struct classifier *c, const struct proc_info *chain, size_t n, size_t *root,
			unsigned *pm);

/* Decides. For a chain in a package manager's family (classify_in_family)
 * the whole chain and the exe fields of every entry must be filled; any
 * other chain may end early where classify_walk_stops said. Updates the
 * cache: with no root, every entry is remembered clean. */
void classify(struct classifier *c, const struct proc_info *chain, size_t n,
	      const struct exec_file *file, struct decision *out);

/* Lets p's current exec through (its loader, interpreter): used when the
 * reparse thread let it re-issue an execve as it was. */
void classify_allow_exec(struct classifier *c, const struct proc_info *p, unsigned pm);

/* What a child of parent (pid, start time, command line read through fds
 * bound to it) inherits. parent was seen with no package manager at or
 * above it and still shows that command line: then every process that is
 * its child now is no package manager's descendant, whatever it is itself.
 * A package manager is recognised by its command line alone, so an
 * unchanged one means the parent is none now either, whatever it exec'd
 * meanwhile; its ancestors can only change to a subreaper that was among
 * them already. Or parent was seen inside a pkgguard sandbox: so is
 * everything it starts, which lives in the sandbox's pid namespace and
 * dies with it. Either way the child's exec is allowed. */
bool classify_vouches_for_children(const struct classifier *c, const struct proc_info *parent);

/* The cheapest path: child (its stat line only) has not exec'd since its
 * fork, was forked after its parent was seen with no package manager at or
 * above it, and the parent still shows the command line it had then. The
 * parent's pid and start time must come from a read through a /proc fd
 * bound to that very process (proc_cache_cmdline: only its command line is
 * read). A package manager is recognised by its command line alone, so an
 * unchanged one means the parent is no package manager now either, whatever
 * it exec'd meanwhile; the child runs a copy of the parent's memory: it is
 * unrelated too, cached as such. */
bool classify_by_fresh_fork(struct classifier *c, const struct proc_info *child,
			    const struct proc_info *parent);

/* How path matches helpers (HELPER_NONE for NULL or ""). Pure. */
enum helper_match classify_helper_match(const struct strlist *helpers, const char *path);

/* True when cmdline (NUL-separated argv) names one of commands. Pure. */
bool classify_cmdline_matches(const char *cmdline, size_t len, const struct strlist *commands);

const char *reason_name(enum reason r);
const char *rule_name(enum rule r);

#endif
