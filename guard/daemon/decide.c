/* decide.c — pkgguardd's ladder for one exec (decide.h). Read top to bottom
 * it is the order of the decision: decide_exec() runs the steps, decide()
 * the rungs, the cheapest first; each rung settles the exec or hands it
 * down. Why each fast path exists, and what it saves, is measured by
 * tests/bench_exec.sh (README.md, Performance). Every rung names a process
 * by pid plus start time, never pid alone. */
#include "decide.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/fanotify.h>

#include "clock.h"
#include "reparse.h"

/* One exec on its way down the ladder. */
struct exec_case {
	int fd;
	pid_t pid;
	uint64_t t0;
	size_t n;                 /* entries of dc->chain read */
	struct decision d;
	struct exec_file ef;
	bool would_deny;          /* audit: allowed, reported as a deny */
	bool reparsing;           /* handed to the reparse thread, which logs it */
	bool context_read;        /* pkg and pend read (before the answer) */
	char why[160];            /* the reason when no reparse was possible */
	/* Only their first bytes are set: an initialiser would clear all of
	 * them (5 kB) for every exec. */
	char file[PATH_MAX];
	char pkg[256];
	struct pending_exec pend;
};

#define IO(dc, fn, ...) ((dc)->io->fn((dc)->io->ctx, __VA_ARGS__))

/* ------------------------------------------------------------------ */
/* Reads of the ancestry                                               */

/* Rung 2: the exec'ing pid is listed among the children of a parent seen
 * clean (or inside a sandbox) that still shows the command line it had
 * then. Two reads through kept fds per parent asked; *parent is the parent
 * as read. A parent that no longer vouches is forgotten. */
static bool child_of_clean_parent(struct decider *dc, pid_t pid, struct proc_info *parent)
{
	pid_t ppid;
	uint64_t start;

	for (size_t i = 0; clean_parents_get(&dc->hot, i, &ppid, &start);) {
		int r = IO(dc, has_child, ppid, start, pid);

		if (r == 0) {
			i++;
			continue;
		}
		if (r == 1 && IO(dc, read_kept_cmdline, ppid, parent) == 0 && parent->start == start &&
		    classify_vouches_for_children(dc->cls, parent)) {
			clean_parents_promote(&dc->hot, i);
			return true;
		}
		/* Died, evicted, retitled, forgotten, crowded, or no children
		 * lists at all. A child of this parent is no other's: stop
		 * here when it was listed. */
		clean_parents_forget(&dc->hot, i, r);
		if (r == 1 || r == -ENOSYS)
			return false;
	}
	return false;
}

/* The parent of a fresh fork: its command line alone when its fds are
 * kept (one pread), else read whole. */
static int parent_cmdline(struct decider *dc, pid_t ppid, struct proc_info *parent)
{
	int r = IO(dc, read_kept_cmdline, ppid, parent);

	return r == -ENOENT ? IO(dc, read_kept, ppid, parent) : r;
}

/* The exec'ing process's command line and its parent (kept fds). */
static void read_parent(struct decider *dc, struct exec_case *e)
{
	IO(dc, read_cmdline, dc->chain[0].pid, &dc->chain[0]);
	e->n = 1;
	if (dc->chain[0].ppid > 0 && IO(dc, read_kept, dc->chain[0].ppid, &dc->chain[1]) == 0)
		e->n = 2;
}

/* The rest of the ancestors, through kept fds; with stop_known, up to the
 * first one known clean or known inside a sandbox (classify_walk_stops). */
static void read_ancestors(struct decider *dc, struct exec_case *e, bool stop_known)
{
	struct proc_info *chain = dc->chain;

	while (e->n < CLASSIFY_MAX_DEPTH && chain[e->n - 1].ppid > 0) {
		if (stop_known && e->n > 1 && classify_walk_stops(dc->cls, &chain[e->n - 1]))
			return;
		if (IO(dc, read_kept, chain[e->n - 1].ppid, &chain[e->n]) != 0)
			break; /* the parent just exited: the chain ends here */
		e->n++;
	}
}

/* A package manager's family (rare): the whole chain (a sandbox may run
 * above the package manager), the executables along it, read after the
 * chain so each is checked to be the same process still, the file being
 * exec'd, and whether a helper's name there is a file only root could have
 * put there. pm and root: the package manager and its place in the chain. */
static void read_family(struct decider *dc, struct exec_case *e, unsigned pm, size_t root)
{
	read_ancestors(dc, e, false);
	for (size_t i = 0; i < e->n; i++)
		IO(dc, read_exe, &dc->chain[i]);
	IO(dc, read_file, e->fd, &e->ef, e->file, sizeof(e->file));
	IO(dc, trust_helpers, e->fd, pm, root, dc->chain, &e->ef);
}

/* ------------------------------------------------------------------ */
/* The ladder                                                          */

static void settled_by_cache(struct decider *dc, struct exec_case *e)
{
	dc->stats->cache_hits++;
	e->d.reason = REASON_CACHED;
	e->d.rule = RULE_CACHED;
}

/* Fills e->d (allow unless a rung says otherwise) and e->n. */
static void decide(struct decider *dc, struct exec_case *e)
{
	struct proc_info *chain = dc->chain;
	unsigned pm;
	size_t root;

	/* 1. The daemon's own execs never wait on the daemon. */
	if (e->pid == dc->self)
		return;
	/* 2. The child of a parent seen clean: nothing of it is read. */
	if (child_of_clean_parent(dc, e->pid, &chain[1])) {
		chain[0] = (struct proc_info){ .pid = e->pid, .ppid = chain[1].pid };
		e->n = 1;
		settled_by_cache(dc, e);
		return;
	}
	/* 3. Its own stat line; gone already: nothing to protect. */
	if (IO(dc, read_stat, e->pid, &chain[0]) != 0) {
		dc->stats->errors++;
		return;
	}
	e->n = 1;
	/* 4. Decided unrelated before (this pid and start time). */
	if (classify_cached(dc->cls, chain[0].pid, chain[0].start)) {
		settled_by_cache(dc, e);
		return;
	}
	/* 5. A fork that has not exec'd yet, of a parent seen clean. */
	if (chain[0].fresh_fork && parent_cmdline(dc, chain[0].ppid, &chain[1]) == 0 &&
	    classify_by_fresh_fork(dc->cls, &chain[0], &chain[1])) {
		settled_by_cache(dc, e);
		return;
	}
	/* 6. No package manager itself, and a parent seen clean. */
	read_parent(dc, e);
	if (classify_by_parent(dc->cls, dc->chain, e->n)) {
		settled_by_cache(dc, e);
		return;
	}
	/* 7. The ancestry up to one known clean or inside a sandbox; 8. for a
	 * package manager's family, all of it, its executables and the file. */
	read_ancestors(dc, e, true);
	if (classify_in_family(dc->cls, chain, e->n, &root, &pm))
		read_family(dc, e, pm, root);
	classify(dc->cls, chain, e->n, &e->ef, &e->d);
}

/* 9. A nested package manager the reparse thread let through; 10. the
 * mode: enforce reparses a deny, audit allows it and reports it. */
static void apply_mode(struct decider *dc, struct exec_case *e)
{
	if (e->d.verdict != VERDICT_DENY)
		return;
	if (IO(dc, take_allowance, dc->chain[0].pid, dc->chain[0].start)) {
		/* It re-issues its exec as it was: it and its loader pass. */
		classify_allow_exec(dc->cls, &dc->chain[0], e->d.pm_index);
		e->d.verdict = VERDICT_ALLOW;
		e->d.reason = REASON_NESTED_PM;
		e->d.rule = RULE_NESTED_PM;
		return;
	}
	if (dc->mode == MODE_ENFORCE) {
		int r = IO(dc, reparse, dc->chain, e->n, &e->d, e->file, e->t0);

		e->reparsing = r == 0;
		if (r) {
			IO(dc, count_fallback, e->t0);
			snprintf(e->why, sizeof(e->why), "%s (reparse impossible: %s)", reason_name(e->d.reason),
				 reparse_error_name(r));
		}
	} else if (dc->mode == MODE_AUDIT) {
		e->d.verdict = VERDICT_ALLOW;
		e->would_deny = true;
	}
}

/* 11. What a deny's log line needs, read before the answer: then the
 * process exits or execs. */
static void read_before_answer(struct decider *dc, struct exec_case *e)
{
	if ((e->d.verdict == VERDICT_DENY && !e->reparsing) || e->would_deny) {
		IO(dc, read_package, dc->chain[0].pid, e->pkg, sizeof(e->pkg));
		IO(dc, read_pending, dc->chain[0].pid, &e->pend);
		e->context_read = true;
	}
}

/* 12. The answer. The latency ends when it is handed to the kernel: taken
 * just before the write, which wakes the exec'ing process (it may preempt
 * us before write() returns; that wait is the scheduler's). */
static void answer(struct decider *dc, const struct exec_case *e)
{
	if (e->t0)
		hist_add(&dc->stats->latency, now_ns() - e->t0);
	if (IO(dc, respond, e->fd, e->d.verdict == VERDICT_DENY ? FAN_DENY : FAN_ALLOW) != 0)
		dc->stats->errors++;
	/* Its parent, asked first about the next exec (rung 2). */
	if (e->d.verdict == VERDICT_ALLOW && !e->would_deny && e->n >= 2 &&
	    dc->chain[0].ppid == dc->chain[1].pid)
		clean_parents_note(&dc->hot, dc->cls, &dc->chain[1]);
}

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

static void log_line(struct decider *dc, struct exec_case *e, const char *what)
{
	char cmd[PROC_CMDLINE_MAX];

	if (!e->context_read) /* an allow: its package read now, after the answer */
		IO(dc, read_package, dc->chain[0].pid, e->pkg, sizeof(e->pkg));
	cmdline_text(&dc->chain[0], cmd, sizeof(cmd));
	IO(dc, log, &(struct decision_record){
		.decision = what, .reason = e->why[0] ? e->why : reason_name(e->d.reason),
		.rule = rule_name(e->d.rule), .pid = dc->chain[0].pid, .exe = e->file, .pm = e->d.pm, .package = e->pkg,
		.event = e->pend.event[0] ? e->pend.event : NULL,
		.command = e->pend.command[0] ? e->pend.command : cmd });
}

/* True when this event is the dynamic loader (ld-linux…, ld-musl…) opened
 * by the exec just reported: one exec, one "would deny" line. */
static bool loader_of_last(const struct decider *dc, const char *file)
{
	const char *base = strrchr(file, '/');

	base = base ? base + 1 : file;
	return dc->would_pid == dc->chain[0].pid && dc->would_start == dc->chain[0].start &&
	       strncmp(base, "ld-", 3) == 0;
}

/* 13. The log, after the answer: journald may be the process waiting on an
 * exec. A reparse is counted and logged by the reparse thread. */
static void log_decision(struct decider *dc, struct exec_case *e)
{
	if (e->d.verdict == VERDICT_DENY) {
		if (e->reparsing)
			return;
		dc->stats->denies++;
		log_line(dc, e, "deny");
		return;
	}
	dc->stats->allows++;
	if (e->would_deny) {
		if (loader_of_last(dc, e->file))
			return; /* the same exec's loader: reported already */
		dc->stats->audit_would_deny++;
		dc->would_pid = dc->chain[0].pid;
		dc->would_start = dc->chain[0].start;
		log_line(dc, e, "would-deny");
	} else if (dc->log_allows && e->n > 0) {
		log_line(dc, e, "allow");
	}
}

void decide_exec(struct decider *dc, int fd, pid_t pid, uint64_t t0)
{
	struct exec_case e;

	e.fd = fd;
	e.pid = pid;
	e.t0 = t0;
	e.n = 0;
	e.d = (struct decision){ .verdict = VERDICT_ALLOW, .reason = REASON_UNRELATED, .rule = RULE_NO_PM_ANCESTOR };
	e.ef = (struct exec_file){ 0 };
	e.would_deny = e.reparsing = e.context_read = false;
	e.why[0] = e.file[0] = e.pkg[0] = '\0';
	e.pend.command[0] = e.pend.event[0] = '\0';

	dc->stats->events++;
	decide(dc, &e);
	apply_mode(dc, &e);
	read_before_answer(dc, &e);
	answer(dc, &e);
	log_decision(dc, &e);
}
