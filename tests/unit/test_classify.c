/* test_classify.c — pkgguardd's decision (classify.c) over hand-built
 * process chains: unrelated processes, the package manager itself, its
 * fork exec'ing a script (denied) or git (allowed, with git's subtree and
 * the ld.so open of the same exec), the trusted sandbox and what runs in
 * it, pid reuse (same pid, other start time: nothing inherited), command
 * line matching, stat parsing and the package name from a cwd; and the
 * daemon's kept-fd cache of ancestors (proc_cache.c) over real processes: a
 * process that died is forgotten, a reused pid inherits nothing, and a root
 * that died no longer makes its pid's next owner a package manager's child;
 * and the children of a parent seen clean (clean_parents.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <sys/fanotify.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "array_size.h"
#include "classify.h"
#include "clean_parents.h"
#include "decide.h"
#include "daemon_log.h"
#include "proc_cache.h"
#include "proc_info.h"

static char *npm_cmds[] = { "npm", "npx", "npm-cli.js", "npx-cli.js", NULL };
static char *npm_helpers[] = { "git", NULL };
static const struct strlist cmds = { npm_cmds, 4 };
static const struct strlist helpers = { npm_helpers, 1 };
static const struct pm_matcher pms[] = { { "npm", &cmds, &helpers } };

#define SB_DEV 8
#define SB_INO 4242

static struct classifier *new_classifier(void)
{
	struct classifier *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	classifier_init(c, pms, 1);
	c->sandbox_known = true;
	c->sandbox_dev = SB_DEV;
	c->sandbox_ino = SB_INO;
	return c;
}

/* A process: argv given with '|' between arguments. */
static struct proc_info proc(pid_t pid, pid_t ppid, uint64_t start, const char *argv, const char *exe)
{
	struct proc_info p;

	memset(&p, 0, sizeof(p));
	p.pid = pid;
	p.ppid = ppid;
	p.start = start;
	p.cmdline_len = strlen(argv) + 1;
	memcpy(p.cmdline, argv, p.cmdline_len);
	for (size_t i = 0; i < p.cmdline_len; i++)
		if (p.cmdline[i] == '|')
			p.cmdline[i] = '\0';
	snprintf(p.exe, sizeof(p.exe), "%s", exe);
	p.exe_known = true;
	p.exe_dev = 1;
	p.exe_ino = (ino_t)(pid + 1000);
	return p;
}

/* trusted: what the daemon found of a file with a helper's name
 * (helper_trust.h); the rest have none. */
/* classify_in_family, where and which root does not matter. */
static bool in_family(const struct classifier *c, const struct proc_info *chain, size_t n)
{
	size_t root;
	unsigned pm;

	return classify_in_family(c, chain, n, &root, &pm);
}

static const struct exec_file sh_file = { 1, 77, "/usr/bin/dash", false };
static const struct exec_file git_file = { 1, 78, "/usr/bin/git", true };
static const struct exec_file ld_file = { 1, 79, "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", false };
static const struct exec_file sb_file = { SB_DEV, SB_INO, "/work/build/pkgguard-sandbox", false };

/* init(1) <- bash(10) <- npm(20) */
#define BASE(c) \
	struct proc_info init = proc(1, 0, 1, "/sbin/init", "/sbin/init"); \
	struct proc_info bash = proc(10, 1, 100, "-bash", "/usr/bin/bash"); \
	struct proc_info npm = proc(20, 10, 200, "npm install", "/usr/bin/node"); \
	struct decision d; \
	struct classifier *c = new_classifier()

static void test_unrelated_allowed_and_cached(void **state)
{
	(void)state;
	BASE(c);
	struct proc_info sh = proc(30, 10, 300, "-bash", "/usr/bin/bash");
	struct proc_info chain[] = { sh, bash, init };

	(void)npm;
	classify(c, chain, 3, &sh_file, &d);
	assert_int_equal(d.verdict, VERDICT_ALLOW);
	assert_int_equal(d.reason, REASON_UNRELATED);
	assert_true(classify_cached(c, 30, 300));
	classify(c, chain, 3, &sh_file, &d);
	assert_int_equal(d.reason, REASON_CACHED);
	free(c);
}

/* The parent fast path: a new child of a parent seen clean is unrelated
 * without its ancestry; not once the parent exec'd into npm (its command
 * line changed), not for another process on the parent's pid, not when the
 * child is npm itself. */
static void test_unrelated_by_parent(void **state)
{
	(void)state;
	BASE(c);
	struct proc_info loop = proc(30, 10, 300, "sh|-c|loop", "/usr/bin/dash");
	struct proc_info t1 = proc(31, 30, 310, "sh|-c|loop", "/usr/bin/dash");
	struct proc_info t2 = proc(32, 30, 320, "sh|-c|loop", "/usr/bin/dash");
	struct proc_info first[] = { t1, loop, bash, init };
	struct proc_info next[] = { t2, loop };

	(void)npm;
	assert_false(classify_by_parent(c, next, 2)); /* nothing known yet */
	classify(c, first, 4, &sh_file, &d);
	assert_int_equal(d.reason, REASON_UNRELATED);
	assert_true(classify_by_parent(c, next, 2));
	assert_true(classify_cached(c, 32, 320));
	/* the parent exec'd npm: same pid and start, other command line */
	struct proc_info loop_npm = proc(30, 10, 300, "npm|install", "/usr/bin/node");
	struct proc_info t3 = proc(33, 30, 330, "sh|-c|postinstall", "/usr/bin/dash");
	struct proc_info after_exec[] = { t3, loop_npm };
	assert_false(classify_by_parent(c, after_exec, 2));
	/* another process on the parent's pid */
	struct proc_info loop2 = proc(30, 10, 999, "sh|-c|loop", "/usr/bin/dash");
	struct proc_info t4 = proc(34, 30, 1000, "sh|-c|loop", "/usr/bin/dash");
	struct proc_info reused[] = { t4, loop2 };
	assert_false(classify_by_parent(c, reused, 2));
	/* the child is a package manager itself: it must become a root */
	struct proc_info t5 = proc(35, 30, 350, "npm|ci", "/usr/bin/node");
	struct proc_info child_npm[] = { t5, loop };
	assert_false(classify_by_parent(c, child_npm, 2));
	/* a chain of one (no parent read) */
	assert_false(classify_by_parent(c, next, 1));
	free(c);
}

/* A shell loop (pid 30, under bash and init) whose first child's exec is
 * decided at tick `now`: the loop is then known clean. Returns the loop. */
static struct proc_info see_loop_clean(struct classifier *c, const struct proc_info *bash,
				       const struct proc_info *init, uint64_t now)
{
	struct proc_info loop = proc(30, 10, 300, "sh|-c|loop", "/usr/bin/dash");
	struct proc_info first[] = { proc(31, 30, 310, "sh|-c|loop", "/usr/bin/dash"), loop, *bash, *init };
	struct decision d;

	c->now_ticks = now;
	classify(c, first, 4, &sh_file, &d);
	assert_int_equal(d.reason, REASON_UNRELATED);
	return loop;
}

/* The stat-only path: a fresh fork of a parent seen clean, forked after it
 * was seen, the parent's command line unchanged; an exec of the parent to
 * the same command line changes nothing (a package manager is known by its
 * command line alone); not after a retitle, not for a child forked before,
 * not for a child that exec'd already. */
static void test_unrelated_by_fresh_fork(void **state)
{
	(void)state;
	BASE(c);
	struct proc_info loop = see_loop_clean(c, &bash, &init, 4000);
	struct proc_info t2 = proc(32, 30, 5000, "", "");

	(void)npm;
	(void)d;
	t2.fresh_fork = true;
	assert_true(classify_by_fresh_fork(c, &t2, &loop));
	assert_true(classify_cached(c, 32, 5000));
	/* the parent exec'd since, to the same command line */
	struct proc_info loop_exec = loop;
	loop_exec.exec_print = 78;
	struct proc_info t3 = t2;
	t3.pid = 33;
	t3.start = 5001;
	assert_true(classify_by_fresh_fork(c, &t3, &loop_exec));
	t3.pid = 34;
	/* the parent retitled itself (a launcher running npm in-process) */
	struct proc_info loop_title = proc(30, 10, 300, "npm|install", "/usr/bin/dash");
	assert_false(classify_by_fresh_fork(c, &t3, &loop_title));
	/* the same pid, another process (another start time) */
	struct proc_info loop_other = loop;
	loop_other.start = 301;
	assert_false(classify_by_fresh_fork(c, &t3, &loop_other));
	/* forked before the parent was seen */
	t3.start = 4000;
	assert_false(classify_by_fresh_fork(c, &t3, &loop));
	/* the child exec'd already: its own program, its own command line */
	t3.start = 5002;
	t3.fresh_fork = false;
	assert_false(classify_by_fresh_fork(c, &t3, &loop));
	/* not its child */
	t3.fresh_fork = true;
	t3.ppid = 31;
	assert_false(classify_by_fresh_fork(c, &t3, &loop));
	free(c);
}

/* A parent seen clean vouches for its children while it shows the same
 * command line; not after a retitle, not under another start time, not a
 * package manager, not a process under one, not after a reload (flush). */
static void test_clean_parent_rule(void **state)
{
	(void)state;
	BASE(c);
	struct proc_info loop = see_loop_clean(c, &bash, &init, 4000);
	struct proc_info script = proc(21, 20, 210, "sh|-c|node x.js", "/usr/bin/dash");
	struct proc_info pmchain[] = { script, npm, bash, init };

	assert_true(classify_vouches_for_children(c, &loop));
	assert_true(classify_vouches_for_children(c, &bash));
	struct proc_info loop_title = proc(30, 10, 300, "npm|install", "/usr/bin/dash");
	assert_false(classify_vouches_for_children(c, &loop_title));
	struct proc_info loop_other = loop;
	loop_other.start = 301;
	assert_false(classify_vouches_for_children(c, &loop_other));
	classify(c, pmchain, 4, &sh_file, &d);
	assert_int_equal(d.verdict, VERDICT_DENY);
	assert_false(classify_vouches_for_children(c, &npm));
	assert_false(classify_vouches_for_children(c, &script));
	classifier_init(c, pms, 1); /* a reload */
	assert_false(classify_vouches_for_children(c, &loop));
	free(c);
}

/* A walk may stop at an ancestor known clean: every entry of a chain with
 * no root is remembered with its image; a later chain ending at one of
 * them is unrelated, but a package manager below it is still found, and
 * an ancestor that exec'd since (other image) vouches for nothing. */
static void test_walk_stops_at_known_clean(void **state)
{
	(void)state;
	BASE(c);
	struct proc_info term = proc(40, 10, 400, "tmux", "/usr/bin/tmux");
	struct proc_info sh1 = proc(41, 40, 410, "-sh", "/usr/bin/dash");
	struct proc_info first[] = { sh1, term, bash, init };
	struct proc_info cmd = proc(42, 41, 420, "-sh", "/usr/bin/dash");
	struct proc_info npm2 = proc(43, 40, 430, "npm|install", "/usr/bin/node");
	struct proc_info script = proc(44, 43, 440, "npm|install", "/usr/bin/node");

	(void)npm;
	first[1].exec_print = term.exec_print = 55;
	classify(c, first, 4, &sh_file, &d);
	assert_int_equal(d.reason, REASON_UNRELATED);
	assert_true(classify_walk_stops(c, &term));
	/* [cmd, sh1, term]: term vouches for bash and init */
	struct proc_info shorter[] = { cmd, sh1, term };
	classify(c, shorter, 3, &sh_file, &d);
	assert_int_equal(d.verdict, VERDICT_ALLOW);
	assert_int_equal(d.reason, REASON_UNRELATED);
	/* [script, npm2, term]: npm below the clean ancestor is a root */
	struct proc_info pmchain[] = { script, npm2, term };
	assert_true(in_family(c, pmchain, 3));
	classify(c, pmchain, 3, &sh_file, &d);
	assert_int_equal(d.root, 1);
	assert_true(d.root_fork);
	assert_int_equal(d.verdict, VERDICT_DENY);
	/* term exec'd since: another image, no longer vouched for */
	struct proc_info term2 = term;
	term2.exec_print = 56;
	assert_false(classify_walk_stops(c, &term2));
	/* no image known: nothing vouched */
	term2.exec_print = 0;
	assert_false(classify_walk_stops(c, &term2));
	free(c);
}

/* PF_FORKNOEXEC and the image fingerprint from real stat lines: a child
 * that has not exec'd shows the flag; our own line has a fingerprint. */
static void test_stat_fresh_fork_and_print(void **state)
{
	struct proc_info me, kid;
	int pfd[2];
	pid_t pid;
	char c = 0;

	(void)state;
	assert_int_equal(proc_read_stat(getpid(), &me), 0);
	assert_false(me.fresh_fork);
	assert_int_not_equal(me.exec_print, 0);
	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	if (pid == 0) {
		(void)!read(pfd[0], &c, 1);
		_exit(0);
	}
	assert_int_equal(proc_read_stat(pid, &kid), 0);
	assert_true(kid.fresh_fork);
	assert_int_equal(kid.ppid, getpid());
	(void)!write(pfd[1], &c, 1);
	waitpid(pid, NULL, 0);
	close(pfd[0]);
	close(pfd[1]);
}

static void test_package_manager_itself_allowed(void **state)
{
	(void)state;
	BASE(c);
	struct proc_info chain[] = { npm, bash, init };

	classify(c, chain, 3, &sh_file, &d);
	assert_int_equal(d.verdict, VERDICT_ALLOW);
	assert_int_equal(d.reason, REASON_ROOT);
	assert_string_equal(d.pm, "npm");
	free(c);
}

static void test_script_of_package_manager_denied(void **state)
{
	(void)state;
	BASE(c);
	/* npm's fork, not yet exec'd: it carries npm's command line. */
	struct proc_info fork = proc(21, 20, 210, "npm install", "/usr/bin/node");
	struct proc_info chain[] = { fork, npm, bash, init };

	classify(c, chain, 4, &sh_file, &d);
	assert_int_equal(d.verdict, VERDICT_DENY);
	assert_int_equal(d.reason, REASON_UNSANDBOXED);
	assert_int_equal(d.root, 1);
	/* and the ELF interpreter of that exec is no way around it */
	classify(c, chain, 4, &ld_file, &d);
	assert_int_equal(d.verdict, VERDICT_DENY);
	free(c);
}

static void test_grandchild_denied(void **state)
{
	(void)state;
	BASE(c);
	struct proc_info sh = proc(22, 20, 220, "sh|-c|node install.js", "/usr/bin/dash");
	struct proc_info chain[] = { sh, npm, bash, init };

	classify(c, chain, 4, &sh_file, &d);
	assert_int_equal(d.verdict, VERDICT_DENY);
	free(c);
}

static void test_sandbox_exec_and_inside_allowed(void **state)
{
	(void)state;
	BASE(c);
	struct proc_info fork = proc(21, 20, 210, "npm install", "/usr/bin/node");
	struct proc_info chain[] = { fork, npm, bash, init };
	struct proc_info sb = proc(23, 20, 230, "pkgguard-sandbox|-c|node install.js", "/work/build/pkgguard-sandbox");
	struct proc_info in_sh = proc(24, 23, 240, "sh|-c|node install.js", "/usr/bin/dash");
	struct proc_info inner[] = { in_sh, sb, npm, bash, init };

	classify(c, chain, 4, &sb_file, &d);
	assert_int_equal(d.verdict, VERDICT_ALLOW);
	assert_int_equal(d.reason, REASON_SANDBOX_EXEC);
	/* the same execve then opens ld.so */
	classify(c, chain, 4, &ld_file, &d);
	assert_int_equal(d.verdict, VERDICT_ALLOW);
	assert_int_equal(d.reason, REASON_EXEC_OK);

	sb.exe_dev = SB_DEV;
	sb.exe_ino = SB_INO;
	inner[1] = sb;
	classify(c, inner, 5, &sh_file, &d);
	assert_int_equal(d.verdict, VERDICT_ALLOW);
	assert_int_equal(d.reason, REASON_IN_SANDBOX);
	free(c);
}

/* npm(20)'s pkgguard-sandbox: the trusted binary running. */
static struct proc_info sandbox_proc(pid_t pid, uint64_t start)
{
	struct proc_info p = proc(pid, 20, start, "pkgguard-sandbox|-c|make", "/work/build/pkgguard-sandbox");

	p.exe_dev = SB_DEV;
	p.exe_ino = SB_INO;
	return p;
}

/* What was seen inside a sandbox is remembered (pid + start time): a later
 * exec below it is decided from a chain that ends there, without the
 * executables of the chain; a package manager run inside is inside too; the
 * same pid under another start time inherits nothing; below a parent link
 * that changed, nothing is remembered. */
static void test_inside_sandbox_remembered(void **state)
{
	(void)state;
	BASE(c);
	struct proc_info sb = sandbox_proc(23, 230);
	struct proc_info in_sh = proc(24, 23, 240, "sh|-c|make", "/usr/bin/dash");
	struct proc_info make = proc(27, 24, 270, "make", "/usr/bin/make");
	struct proc_info cc = proc(28, 27, 280, "make", "/usr/bin/make");
	struct proc_info inner_npm = proc(29, 24, 290, "npm|install", "/usr/bin/node");
	struct proc_info inner_script = proc(30, 29, 300, "npm|install", "/usr/bin/node");

	{
		struct proc_info chain[] = { make, in_sh, sb, npm, bash, init };

		classify(c, chain, 6, &sh_file, &d);
		assert_int_equal(d.reason, REASON_IN_SANDBOX);
	}
	assert_true(classify_vouches_for_children(c, &make));
	assert_true(classify_vouches_for_children(c, &in_sh));
	assert_true(classify_vouches_for_children(c, &sb));
	assert_false(classify_vouches_for_children(c, &npm));
	assert_true(classify_vouches_for_children(c, &make));
	assert_false(classify_vouches_for_children(c, &npm));
	/* make's child: the chain ends at make, no executables known */
	{
		struct proc_info chain[] = { cc, make };

		classify(c, chain, 2, &sh_file, &d);
		assert_int_equal(d.verdict, VERDICT_ALLOW);
		assert_int_equal(d.reason, REASON_IN_SANDBOX);
	}
	/* npm run by a script inside, and its own script: inside too */
	{
		struct proc_info chain[] = { inner_script, inner_npm, in_sh };

		classify(c, chain, 3, &sh_file, &d);
		assert_int_equal(d.verdict, VERDICT_ALLOW);
		assert_int_equal(d.reason, REASON_IN_SANDBOX);
	}
	/* the sandbox's pid, another process now */
	struct proc_info reused = sb;
	reused.start = 231;
	assert_false(classify_vouches_for_children(c, &reused));
	{
		struct proc_info script = proc(31, 20, 310, "sh|-c|node x.js", "/usr/bin/dash");
		struct proc_info chain[] = { script, npm, bash, init };

		classify(c, chain, 4, &sh_file, &d);
		assert_int_equal(d.reason, REASON_UNSANDBOXED); /* npm's own child: not inside */
	}
	/* a link that changed: 33 no longer the child of 32 when read */
	{
		struct proc_info sb2 = sandbox_proc(32, 320);
		struct proc_info orphan = proc(33, 1, 330, "sh", "/usr/bin/dash");
		struct proc_info kid = proc(34, 33, 340, "sh", "/usr/bin/dash");
		struct proc_info chain[] = { kid, orphan, sb2, npm, bash, init };

		classify(c, chain, 6, &sh_file, &d);
		assert_false(classify_vouches_for_children(c, &kid));
		assert_false(classify_vouches_for_children(c, &orphan));
		assert_true(classify_vouches_for_children(c, &sb2));
	}
	free(c);
}

static void test_sandbox_by_inode_not_name(void **state)
{
	(void)state;
	BASE(c);
	struct proc_info fork = proc(21, 20, 210, "npm install", "/usr/bin/node");
	struct proc_info chain[] = { fork, npm, bash, init };
	const struct exec_file fake = { 1, 999, "/tmp/pkgguard-sandbox", false };

	classify(c, chain, 4, &fake, &d);
	assert_int_equal(d.verdict, VERDICT_DENY);
	free(c);
}

static void test_git_helper_and_its_subtree(void **state)
{
	(void)state;
	BASE(c);
	struct proc_info fork = proc(21, 20, 210, "npm install", "/usr/bin/node");
	struct proc_info chain[] = { fork, npm, bash, init };
	struct proc_info git = proc(25, 20, 250, "git|clone|file:///r.git", "/usr/bin/git");
	struct proc_info gsh = proc(26, 25, 260, "git|clone|file:///r.git", "/usr/bin/git");
	struct proc_info sub[] = { gsh, git, npm, bash, init };

	classify(c, chain, 4, &git_file, &d);
	assert_int_equal(d.verdict, VERDICT_ALLOW);
	assert_int_equal(d.reason, REASON_HELPER);
	assert_int_equal(d.rule, RULE_HELPER_BY_NAME);
	sub[1].exe_trusted = true;
	classify(c, sub, 5, &sh_file, &d);
	assert_int_equal(d.verdict, VERDICT_ALLOW);
	assert_int_equal(d.reason, REASON_HELPER);
	assert_int_equal(d.rule, RULE_HELPER_SUBTREE);
	free(c);
}

/* A file with a helper's name that the caller could have put there (a
 * venv's bin/uname, node_modules/.bin/git: not root's, or in a directory
 * the caller writes) is a script like any other; so is what such a
 * "helper" runs. */
static void test_untrusted_helper_denied(void **state)
{
	(void)state;
	BASE(c);
	const struct exec_file fake_git = { 1, 90, "/home/u/app/node_modules/.bin/git", false };
	struct proc_info fork = proc(21, 20, 210, "npm install", "/usr/bin/node");
	struct proc_info chain[] = { fork, npm, bash, init };
	struct proc_info git = proc(25, 20, 250, "git|clone|x", "/home/u/app/node_modules/.bin/git");
	struct proc_info gsh = proc(26, 25, 260, "git|clone|x", "/home/u/app/node_modules/.bin/git");
	struct proc_info sub[] = { gsh, git, npm, bash, init };

	classify(c, chain, 4, &fake_git, &d);
	assert_int_equal(d.verdict, VERDICT_DENY);
	assert_int_equal(d.reason, REASON_UNSANDBOXED);
	assert_int_equal(d.rule, RULE_UNTRUSTED_HELPER);
	classify(c, sub, 5, &sh_file, &d);
	assert_int_equal(d.verdict, VERDICT_DENY);
	assert_int_equal(d.rule, RULE_PM_DESCENDANT);
	free(c);
}

/* A profile may name a helper by absolute path: that path matches exactly
 * (and only a trusted file there passes); the base name of another path
 * does not match such an entry. */
static void test_helper_by_absolute_path(void **state)
{
	(void)state;
	static char *h[] = { "/opt/tools/bin/git", NULL };
	static const struct strlist byp = { h, 1 };
	static const struct pm_matcher pms2[] = { { "npm", &cmds, &byp } };
	const struct exec_file opt_git = { 1, 91, "/opt/tools/bin/git", true };
	const struct exec_file usr_git = { 1, 92, "/usr/bin/git", true };
	BASE(c);
	struct proc_info fork = proc(21, 20, 210, "npm install", "/usr/bin/node");
	struct proc_info chain[] = { fork, npm, bash, init };
	struct proc_info fork2 = proc(22, 20, 220, "npm install", "/usr/bin/node");
	struct proc_info chain2[] = { fork2, npm, bash, init };

	assert_int_equal(classify_helper_match(&byp, "/opt/tools/bin/git"), HELPER_BY_PATH);
	assert_int_equal(classify_helper_match(&byp, "/usr/bin/git"), HELPER_NONE);
	assert_int_equal(classify_helper_match(&helpers, "/usr/bin/git"), HELPER_BY_NAME);
	assert_int_equal(classify_helper_match(&helpers, ""), HELPER_NONE);
	classifier_init(c, pms2, 1);
	classify(c, chain, 4, &opt_git, &d);
	assert_int_equal(d.verdict, VERDICT_ALLOW);
	assert_int_equal(d.rule, RULE_HELPER_BY_PATH);
	classify(c, chain2, 4, &usr_git, &d);
	assert_int_equal(d.verdict, VERDICT_DENY);
	assert_int_equal(d.rule, RULE_PM_DESCENDANT);
	free(c);
}

/* A helper that is a script (lsb_release: its process runs as dash) keeps
 * its subtree allowed: the process the helper exec was allowed to is
 * remembered; another dash under npm is still denied. */
static void test_script_helper_subtree(void **state)
{
	(void)state;
	BASE(c);
	static char *h[] = { "git", "lsb_release", NULL };
	static const struct strlist helpers2 = { h, 2 };
	static const struct pm_matcher pms2[] = { { "npm", &cmds, &helpers2 } };
	const struct exec_file lsb_file = { 1, 80, "/usr/bin/lsb_release", true };
	struct proc_info fork = proc(21, 20, 210, "npm install", "/usr/bin/node");
	struct proc_info chain[] = { fork, npm, bash, init };
	struct proc_info lsb = proc(21, 20, 210, "/bin/sh|/usr/bin/lsb_release|-a", "/usr/bin/dash");
	struct proc_info getopt = proc(28, 21, 280, "/bin/sh|/usr/bin/lsb_release|-a", "/usr/bin/dash");
	struct proc_info sub[] = { getopt, lsb, npm, bash, init };
	struct proc_info other = proc(29, 20, 290, "/bin/sh|-c|evil", "/usr/bin/dash");
	struct proc_info ofork = proc(30, 29, 300, "/bin/sh|-c|evil", "/usr/bin/dash");
	struct proc_info osub[] = { ofork, other, npm, bash, init };

	classifier_init(c, pms2, 1);
	classify(c, chain, 4, &lsb_file, &d);
	assert_int_equal(d.reason, REASON_HELPER);
	classify(c, sub, 5, &sh_file, &d);
	assert_int_equal(d.verdict, VERDICT_ALLOW);
	assert_int_equal(d.reason, REASON_HELPER);
	classify(c, osub, 5, &sh_file, &d);
	assert_int_equal(d.verdict, VERDICT_DENY);
	free(c);
}

static void test_helper_run_by_a_script_denied(void **state)
{
	(void)state;
	BASE(c);
	/* sh (a script, already running somehow) runs git: not npm's own */
	struct proc_info sh = proc(22, 20, 220, "sh|-c|git clone x", "/usr/bin/dash");
	struct proc_info shfork = proc(27, 22, 270, "sh|-c|git clone x", "/usr/bin/dash");
	struct proc_info chain[] = { shfork, sh, npm, bash, init };

	classify(c, chain, 5, &git_file, &d);
	assert_int_equal(d.verdict, VERDICT_DENY);
	free(c);
}

/* The cache is a fixed array (memory bounded, whatever cycles through
 * pids): a slot holds one pid + start time and is replaced when either
 * differs; what was replaced answers nothing any more. A pid cycling
 * through the slot of the package manager's fork never makes that fork
 * unrelated. */
static void test_cache_slot_replaced(void **state)
{
	(void)state;
	BASE(c);
	const pid_t a = 40, b = 40 + CLASSIFY_CACHE_SLOTS;
	struct proc_info pa = proc(a, 10, 400, "-bash", "/usr/bin/bash");
	struct proc_info pb = proc(b, 10, 401, "-bash", "/usr/bin/bash");
	struct proc_info pa2 = proc(a, 20, 402, "npm install", "/usr/bin/node");
	struct proc_info ca[] = { pa, bash, init };
	struct proc_info cb[] = { pb, bash, init };
	struct proc_info ca2[] = { pa2, npm, bash, init };

	classify(c, ca, 3, &sh_file, &d);
	assert_true(classify_cached(c, a, 400));
	classify(c, cb, 3, &sh_file, &d); /* same slot, another pid */
	assert_true(classify_cached(c, b, 401));
	assert_false(classify_cached(c, a, 400));
	classify(c, ca, 3, &sh_file, &d);
	assert_true(classify_cached(c, a, 400));
	/* the same pid, another start time: npm's fork, not the old entry */
	assert_false(classify_cached(c, a, 402));
	classify(c, ca2, 4, &sh_file, &d);
	assert_int_equal(d.verdict, VERDICT_DENY);
	assert_false(classify_cached(c, a, 402));
	free(c);
}

/* (f) pid reuse: the same pid with another start time inherits nothing. */
static void test_pid_reuse(void **state)
{
	(void)state;
	BASE(c);
	struct proc_info chain[] = { npm, bash, init };
	/* npm (pid 20) exits; pid 20 is reused by an unrelated shell. */
	struct proc_info reused = proc(20, 10, 999, "-bash", "/usr/bin/bash");
	struct proc_info child = proc(31, 20, 1000, "-bash", "/usr/bin/bash");
	struct proc_info chain2[] = { child, reused, bash, init };
	struct proc_info sh = proc(30, 10, 300, "-bash", "/usr/bin/bash");
	struct proc_info unrel[] = { sh, bash, init };
	struct proc_info sh2 = proc(30, 20, 301, "npm install", "/usr/bin/node");
	struct proc_info chain3[] = { sh2, npm, bash, init };

	classify(c, chain, 3, &sh_file, &d); /* npm remembered as a root */
	assert_int_equal(d.reason, REASON_ROOT);
	assert_false(in_family(c, chain2, 4));
	classify(c, chain2, 4, &sh_file, &d);
	assert_int_equal(d.verdict, VERDICT_ALLOW);
	assert_int_equal(d.reason, REASON_UNRELATED);

	/* an unrelated decision for pid 30 does not cover a new pid 30 that
	 * is npm's fork */
	classify(c, unrel, 3, &sh_file, &d);
	assert_true(classify_cached(c, 30, 300));
	assert_false(classify_cached(c, 30, 301));
	classify(c, chain3, 4, &sh_file, &d);
	assert_int_equal(d.verdict, VERDICT_DENY);
	free(c);
}

static void test_cmdline_matching(void **state)
{
	static const char a[] = "node\0/usr/lib/node_modules/npm/bin/npm-cli.js\0install\0";
	static const char b[] = "/usr/bin/node\0--max-old-space-size=4096\0/usr/bin/npx\0x\0";
	static const char t[] = "npm install\0";
	static const char v[] = "vim\0npm\0";
	static const char s[] = "sh\0-c\0npm install\0";
	static const char e[] = "";

	(void)state;
	assert_true(classify_cmdline_matches(a, sizeof(a) - 1, &cmds));
	assert_true(classify_cmdline_matches(b, sizeof(b) - 1, &cmds));
	assert_true(classify_cmdline_matches(t, sizeof(t) - 1, &cmds));
	assert_false(classify_cmdline_matches(v, sizeof(v) - 1, &cmds));
	assert_false(classify_cmdline_matches(s, sizeof(s) - 1, &cmds));
	assert_false(classify_cmdline_matches(e, 0, &cmds));
}

static void test_parse_stat(void **state)
{
	static const char line[] = "1234 (a) b) c) S 77 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10\n";
	pid_t ppid = 0;
	uint64_t start = 0;

	(void)state;
	assert_int_equal(proc_parse_stat(line, &ppid, &start), 0);
	assert_int_equal(ppid, 77);
	assert_int_equal(start, 987654);
	assert_int_not_equal(proc_parse_stat("garbage", &ppid, &start), 0);
}

/* ------------------------------------------------------------------ */
/* proc_cache: kept fds, keyed by pid + start time, over real processes */

static pid_t spawn_sleeper(void)
{
	pid_t p = fork();

	assert_true(p >= 0);
	if (p == 0) {
		pause();
		_exit(0);
	}
	return p;
}

static void reap(pid_t p)
{
	kill(p, SIGKILL);
	waitpid(p, NULL, 0);
}

/* A child with exactly this pid (clone3 set_tid: root only), or -1. */
static pid_t spawn_with_pid(pid_t want)
{
	struct {
		uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls,
			set_tid, set_tid_size;
	} args = { .exit_signal = SIGCHLD, .set_tid = (uintptr_t)&want, .set_tid_size = 1 };
	long p = syscall(SYS_clone3, &args, sizeof(args));

	if (p == 0) {
		pause();
		_exit(0);
	}
	return p > 0 ? (pid_t)p : -1;
}

static void test_proc_cache_reads_fresh_and_keeps_fds(void **state)
{
	struct proc_cache *pc = malloc(sizeof(*pc));
	struct proc_info a, b, direct;
	pid_t child = spawn_sleeper();

	(void)state;
	assert_non_null(pc);
	proc_cache_init(pc);
	assert_int_equal(proc_cache_read(pc, child, &a), 0);
	assert_int_equal(proc_read(child, &direct), 0);
	assert_int_equal(a.pid, child);
	assert_int_equal(a.ppid, getpid());
	assert_int_equal(a.start, direct.start);
	assert_int_equal(a.cmdline_len, direct.cmdline_len);
	assert_memory_equal(a.cmdline, direct.cmdline, a.cmdline_len);
	assert_int_equal(proc_cache_read(pc, child, &b), 0); /* through the kept fds */
	assert_int_equal(pc->hits, 1);
	assert_int_equal(b.start, a.start);
	assert_int_equal(proc_cache_size(pc), 1);
	reap(child);
	proc_cache_close(pc);
	assert_int_equal(proc_cache_size(pc), 0);
	free(pc);
}

/* A process that died is forgotten: no answer for its pid, entry dropped
 * (on the next read, or by the sweep). */
static void test_proc_cache_dead_process_forgotten(void **state)
{
	struct proc_cache *pc = malloc(sizeof(*pc));
	struct proc_info p;
	pid_t a = spawn_sleeper(), b = spawn_sleeper();

	(void)state;
	assert_non_null(pc);
	proc_cache_init(pc);
	assert_int_equal(proc_cache_read(pc, a, &p), 0);
	assert_int_equal(proc_cache_read(pc, b, &p), 0);
	assert_int_equal(proc_cache_size(pc), 2);
	reap(a);
	reap(b);
	assert_int_equal(proc_cache_read(pc, a, &p), -ESRCH);
	assert_int_equal(proc_cache_size(pc), 1);
	assert_int_equal(proc_cache_prune(pc, PROC_CACHE_SLOTS), 1);
	assert_int_equal(proc_cache_size(pc), 0);
	proc_cache_close(pc);
	free(pc);
}

/* The same pid, reused by another process (another start time): the cache
 * answers with the new process, never the old one's facts; and a package
 * manager root remembered under that pid is not inherited. */
static void test_proc_cache_pid_reuse_not_inherited(void **state)
{
	struct proc_cache *pc = malloc(sizeof(*pc));
	struct proc_info first, again, parent;
	pid_t a = spawn_sleeper(), b;
	bool untestable = false;
	BASE(c);

	(void)state;
	(void)init;
	(void)bash;
	assert_non_null(pc);
	proc_cache_init(pc);
	assert_int_equal(proc_cache_read(pc, a, &first), 0);
	/* the process under pid a is remembered as a package-manager root */
	npm.pid = a;
	npm.start = first.start;
	{
		struct proc_info chain[] = { npm, bash, init };

		classify(c, chain, 3, &sh_file, &d);
		assert_int_equal(d.reason, REASON_ROOT);
	}
	reap(a);
	usleep(30000); /* start times are in clock ticks: let the next one differ */
	b = spawn_with_pid(a);
	if (b < 0) {
		untestable = true; /* clone3 set_tid needs root and a free pid */
		goto out;
	}
	assert_int_equal(proc_cache_read(pc, b, &again), 0);
	assert_int_equal(again.pid, a);
	if (again.start == first.start) {
		untestable = true; /* same start tick after all: it would prove nothing */
		reap(b);
		goto out;
	}
	assert_int_equal(pc->hits, 0);  /* the old entry did not answer */
	assert_int_equal(proc_cache_size(pc), 1);
	/* the new owner of the pid, with its child, is not a root's family */
	{
		struct proc_info kid = proc(777777, a, again.start + 1, "sh|-c|x", "/usr/bin/dash");
		struct proc_info chain[4];

		parent = again; /* as the daemon reads it: this test's own command line */
		chain[0] = kid;
		chain[1] = parent;
		chain[2] = bash;
		chain[3] = init;
		assert_false(in_family(c, chain, 4));
		classify(c, chain, 4, &sh_file, &d);
		assert_int_equal(d.verdict, VERDICT_ALLOW);
	}
	reap(b);
out:
	proc_cache_close(pc);
	free(pc);
	free(c);
	if (untestable)
		skip();
}

/* The children list through a kept fd: our sleeper is listed, a
 * grandchild and pid 1 are not, an unknown pid + start is -ENOENT, a parent
 * that died answers no more. */
static void test_proc_cache_has_child(void **state)
{
	struct proc_cache *pc = malloc(sizeof(*pc));
	struct proc_info me, mid;
	pid_t kid = spawn_sleeper(), grand;
	int fds[2];

	(void)state;
	assert_non_null(pc);
	proc_cache_init(pc);
	assert_int_equal(proc_cache_read(pc, getpid(), &me), 0);
	assert_int_equal(proc_cache_has_child(pc, getpid(), me.start, kid), 1);
	assert_int_equal(proc_cache_has_child(pc, getpid(), me.start, 1), 0);
	assert_int_equal(proc_cache_has_child(pc, getpid(), me.start + 1, kid), -ENOENT);
	assert_int_equal(proc_cache_has_child(pc, kid, me.start, kid), -ENOENT);
	/* a grandchild: the middle process forks it and reports its pid */
	assert_int_equal(pipe(fds), 0);
	pid_t middle = fork();
	assert_true(middle >= 0);
	if (middle == 0) {
		pid_t g = spawn_sleeper();

		if (write(fds[1], &g, sizeof(g)) != (ssize_t)sizeof(g))
			_exit(1);
		pause();
		_exit(0);
	}
	assert_int_equal(read(fds[0], &grand, sizeof(grand)), (ssize_t)sizeof(grand));
	assert_int_equal(proc_cache_has_child(pc, getpid(), me.start, grand), 0);
	assert_int_equal(proc_cache_read(pc, middle, &mid), 0);
	assert_int_equal(proc_cache_has_child(pc, middle, mid.start, grand), 1);
	/* the middle process dies: its list answers no more (the grandchild
	 * is reparented; never "still its child") */
	reap(middle);
	assert_true(proc_cache_has_child(pc, middle, mid.start, grand) <= 0);
	kill(grand, SIGKILL);
	close(fds[0]);
	close(fds[1]);
	reap(kid);
	proc_cache_close(pc);
	free(pc);
}


/* ------------------------------------------------------------------ */
/* decide.c: the ladder, driven through a made-up decide_io            */

/* The world the ladder sees: made-up processes (procs), or the real /proc
 * through kept fds (pc); what it answered and logged, in order (trace: 'A'
 * allow and 'D' deny answered, 'p' package read, 'l' a line logged). */
struct fake {
	struct proc_cache *pc;
	const struct proc_info *procs;
	size_t nprocs;
	int stat_reads, kept_reads, reparses, fallbacks, reparse_rc;
	bool allowance;
	char trace[64];
	char line[512];               /* the last line logged */
};

static const struct proc_info *fake_find(const struct fake *f, pid_t pid)
{
	for (size_t i = 0; i < f->nprocs; i++)
		if (f->procs[i].pid == pid)
			return &f->procs[i];
	return NULL;
}

static void trace(struct fake *f, char c)
{
	size_t n = strlen(f->trace);

	if (n + 1 < sizeof(f->trace)) {
		f->trace[n] = c;
		f->trace[n + 1] = '\0';
	}
}

static int fake_read_stat(void *ctx, pid_t pid, struct proc_info *out)
{
	struct fake *f = ctx;
	const struct proc_info *p = fake_find(f, pid);

	f->stat_reads++;
	if (f->pc)
		return proc_read_stat(pid, out);
	if (!p)
		return -ESRCH;
	*out = *p;
	out->cmdline_len = 0; /* the stat line alone */
	return 0;
}

static void fake_read_cmdline(void *ctx, pid_t pid, struct proc_info *out)
{
	struct fake *f = ctx;
	const struct proc_info *p = fake_find(f, pid);

	if (f->pc) {
		proc_read_cmdline(pid, out);
	} else if (p) {
		memcpy(out->cmdline, p->cmdline, p->cmdline_len);
		out->cmdline_len = p->cmdline_len;
	}
}

static int fake_read_kept(void *ctx, pid_t pid, struct proc_info *out)
{
	struct fake *f = ctx;
	const struct proc_info *p = fake_find(f, pid);

	f->kept_reads++;
	if (f->pc)
		return proc_cache_read(f->pc, pid, out);
	if (!p)
		return -ESRCH;
	*out = *p;
	return 0;
}

static int fake_read_kept_cmdline(void *ctx, pid_t pid, struct proc_info *out)
{
	struct fake *f = ctx;

	if (f->pc)
		return proc_cache_cmdline(f->pc, pid, out);
	return fake_read_kept(ctx, pid, out);
}

static int fake_has_child(void *ctx, pid_t parent, uint64_t start, pid_t child)
{
	struct fake *f = ctx;
	const struct proc_info *p = fake_find(f, parent), *k = fake_find(f, child);

	if (f->pc)
		return proc_cache_has_child(f->pc, parent, start, child);
	if (!p || p->start != start)
		return -ESRCH;
	return k && k->ppid == parent;
}

static void fake_read_exe(void *ctx, struct proc_info *p)
{
	struct fake *f = ctx;

	if (f->pc)
		proc_read_exe(p->pid, p->start, p);
}

static void fake_read_file(void *ctx, int fd, struct exec_file *ef, char *path, size_t len)
{
	(void)ctx;
	/* fd stands for the file: 0 the shell, 1 the sandbox, 2 the loader */
	*ef = fd == 1 ? sb_file : fd == 2 ? ld_file : sh_file;
	snprintf(path, len, "%s", ef->path);
	ef->path = path;
}

/* In the made-up world no file is trusted as a helper (helper_trust.c
 * has rows of its own); with real processes the daemon's rule applies. */
static void fake_trust_helpers(void *ctx, int fd, unsigned pm, size_t root, struct proc_info *chain,
			       struct exec_file *ef)
{
	(void)ctx;
	(void)fd;
	(void)pm;
	(void)root;
	(void)chain;
	ef->trusted = false;
}

static void fake_read_package(void *ctx, pid_t pid, char *pkg, size_t len)
{
	(void)pid;
	trace(ctx, 'p');
	snprintf(pkg, len, "evil");
}

static void fake_read_pending(void *ctx, pid_t pid, struct pending_exec *out)
{
	(void)ctx;
	(void)pid;
	snprintf(out->command, sizeof(out->command), "node evil.js");
	snprintf(out->event, sizeof(out->event), "postinstall");
}

static bool fake_take_allowance(void *ctx, pid_t pid, uint64_t start)
{
	struct fake *f = ctx;
	bool a = f->allowance;

	(void)pid;
	(void)start;
	f->allowance = false;
	return a;
}

static int fake_reparse(void *ctx, const struct proc_info *chain, size_t n, const struct decision *d,
			const char *file, uint64_t t0)
{
	struct fake *f = ctx;

	(void)chain;
	(void)n;
	(void)d;
	(void)file;
	(void)t0;
	f->reparses++;
	return f->reparse_rc;
}

static void fake_count_fallback(void *ctx, uint64_t t0)
{
	(void)t0;
	((struct fake *)ctx)->fallbacks++;
}

static int fake_respond(void *ctx, int fd, unsigned response)
{
	(void)fd;
	trace(ctx, response == FAN_DENY ? 'D' : 'A');
	return 0;
}

static void fake_log(void *ctx, const struct decision_record *r)
{
	struct fake *f = ctx;

	trace(f, 'l');
	snprintf(f->line, sizeof(f->line), "%s reason=%s rule=%s package=%s event=%s command=%s", r->decision,
		 r->reason, r->rule ? r->rule : "-", r->package ? r->package : "-", r->event ? r->event : "-",
		 r->command ? r->command : "-");
}

static struct decide_io fake_io_of(struct fake *f)
{
	return (struct decide_io){
		.ctx = f, .read_stat = fake_read_stat, .read_cmdline = fake_read_cmdline,
		.read_kept = fake_read_kept, .read_kept_cmdline = fake_read_kept_cmdline,
		.has_child = fake_has_child, .read_exe = fake_read_exe, .read_file = fake_read_file,
		.trust_helpers = fake_trust_helpers,
		.read_package = fake_read_package, .read_pending = fake_read_pending,
		.take_allowance = fake_take_allowance, .reparse = fake_reparse,
		.count_fallback = fake_count_fallback, .respond = fake_respond, .log = fake_log,
	};
}

struct ladder {
	struct fake f;
	struct decide_io io;
	struct daemon_stats stats;
	struct decider *dc;
};

/* init(1) <- bash(10) <- npm(20) <- sh -c "node evil.js" (30); a shell
 * (40) of bash's, unrelated. */
static struct proc_info world[5];

static struct ladder *new_ladder(enum guard_mode mode)
{
	struct ladder *l = calloc(1, sizeof(*l));

	assert_non_null(l);
	world[0] = proc(1, 0, 1, "/sbin/init", "/sbin/init");
	world[1] = proc(10, 1, 100, "-bash", "/usr/bin/bash");
	world[2] = proc(20, 10, 200, "npm|install", "/usr/bin/node");
	world[3] = proc(30, 20, 300, "sh|-c|node evil.js", "/usr/bin/dash");
	world[4] = proc(40, 10, 400, "sh|-c|ls", "/usr/bin/dash");
	l->f.procs = world;
	l->f.nprocs = ARRAY_SIZE(world);
	l->io = fake_io_of(&l->f);
	l->dc = calloc(1, sizeof(*l->dc));
	assert_non_null(l->dc);
	l->dc->io = &l->io;
	l->dc->cls = new_classifier();
	l->dc->mode = mode;
	l->dc->self = 99;
	l->dc->stats = &l->stats;
	return l;
}

static void free_ladder(struct ladder *l)
{
	free(l->dc->cls);
	free(l->dc);
	free(l);
}

/* The daemon's own exec: answered at once, nothing read, nothing logged. */
static void test_ladder_own_pid(void **state)
{
	struct ladder *l = new_ladder(MODE_ENFORCE);

	(void)state;
	decide_exec(l->dc, 0, 99, 0);
	assert_string_equal(l->f.trace, "A");
	assert_int_equal(l->f.stat_reads + l->f.kept_reads, 0);
	assert_int_equal(l->stats.events, 1);
	assert_int_equal(l->stats.allows, 1);
	free_ladder(l);
}

/* An unrelated exec walks the ancestry once. Then each fast rung: the same
 * process again is cached (its stat line alone); a new child of its parent
 * is cleared by the parent (stat line and the parent through a kept fd), and
 * from then on the parent vouches for its children (nothing of them read).
 * Allows are logged only at debug level. */
static void test_ladder_unrelated_then_fast(void **state)
{
	struct ladder *l = new_ladder(MODE_ENFORCE);

	(void)state;
	decide_exec(l->dc, 0, 40, 0);
	assert_string_equal(l->f.trace, "A");
	assert_true(l->f.kept_reads >= 2);
	/* rung 4 (the children list of its parent forgotten) */
	memset(&l->dc->hot, 0, sizeof(l->dc->hot));
	l->f.kept_reads = l->f.stat_reads = 0;
	decide_exec(l->dc, 0, 40, 0);
	assert_int_equal(l->f.stat_reads, 1);
	assert_int_equal(l->f.kept_reads, 0);
	assert_int_equal(l->stats.cache_hits, 1);
	/* rung 6: another child of bash */
	world[4].pid = 41;
	world[4].start = 410;
	l->f.kept_reads = l->f.stat_reads = 0;
	decide_exec(l->dc, 0, 41, 0);
	assert_int_equal(l->f.stat_reads, 1);
	assert_int_equal(l->f.kept_reads, 1);
	assert_int_equal(l->stats.cache_hits, 2);
	/* rung 2: and another, its own stat never read */
	world[4].pid = 42;
	world[4].start = 420;
	l->f.kept_reads = l->f.stat_reads = 0;
	l->dc->log_allows = true;
	decide_exec(l->dc, 0, 42, 0);
	assert_int_equal(l->f.stat_reads, 0);
	assert_int_equal(l->stats.cache_hits, 3);
	assert_string_equal(l->f.trace, "AAAApl");
	assert_non_null(strstr(l->f.line, "allow reason=cached"));
	free_ladder(l);
}

/* enforce: npm's script outside the sandbox is handed to the reparse
 * thread and denied; the thread logs it, the ladder does not. */
static void test_ladder_enforce_reparses(void **state)
{
	struct ladder *l = new_ladder(MODE_ENFORCE);

	(void)state;
	decide_exec(l->dc, 0, 30, 0);
	assert_int_equal(l->f.reparses, 1);
	assert_string_equal(l->f.trace, "D");
	assert_int_equal(l->stats.denies, 0);
	/* its exec of the sandbox then passes */
	decide_exec(l->dc, 1, 30, 0);
	assert_string_equal(l->f.trace, "DA");
	free_ladder(l);
}

/* enforce, reparse impossible: a plain deny, counted as a fallback, its
 * package and command read before the answer, logged after it. */
static void test_ladder_reparse_impossible(void **state)
{
	struct ladder *l = new_ladder(MODE_ENFORCE);

	(void)state;
	l->f.reparse_rc = -EMLINK;
	decide_exec(l->dc, 0, 30, 0);
	assert_string_equal(l->f.trace, "pDl");
	assert_int_equal(l->f.fallbacks, 1);
	assert_int_equal(l->stats.denies, 1);
	assert_string_equal(l->f.line, "deny reason=unsandboxed-script (reparse impossible: multi-threaded process) "
				       "rule=package-manager-descendant-outside-sandbox package=evil event=postinstall "
				       "command=node evil.js");
	free_ladder(l);
}

/* deny mode: no reparse; audit: allowed and reported once per exec (the
 * loader the same exec opens next is not reported again). */
static void test_ladder_deny_and_audit(void **state)
{
	struct ladder *l = new_ladder(MODE_DENY);

	(void)state;
	decide_exec(l->dc, 0, 30, 0);
	assert_int_equal(l->f.reparses, 0);
	assert_string_equal(l->f.trace, "pDl");
	assert_non_null(strstr(l->f.line, "deny reason=unsandboxed-script rule=package-manager-descendant-outside-sandbox package=evil"));
	free_ladder(l);

	l = new_ladder(MODE_AUDIT);
	decide_exec(l->dc, 0, 30, 0);
	decide_exec(l->dc, 2, 30, 0); /* its loader */
	assert_int_equal(l->f.reparses, 0);
	assert_string_equal(l->f.trace, "pAlpA");
	assert_non_null(strstr(l->f.line, "would-deny reason=unsandboxed-script"));
	assert_int_equal(l->stats.audit_would_deny, 1);
	assert_int_equal(l->stats.allows, 2);
	free_ladder(l);
}

/* The reparse thread let the process re-issue its exec as it was (a
 * nested package manager): allowed, and so is the rest of that exec. */
static void test_ladder_nested_package_manager(void **state)
{
	struct ladder *l = new_ladder(MODE_ENFORCE);

	(void)state;
	l->f.allowance = true;
	l->dc->log_allows = true;
	decide_exec(l->dc, 0, 30, 0);
	assert_int_equal(l->f.reparses, 0);
	assert_string_equal(l->f.trace, "Apl");
	assert_non_null(strstr(l->f.line, "allow reason=nested-package-manager"));
	decide_exec(l->dc, 2, 30, 0);
	assert_string_equal(l->f.trace, "AplApl");
	assert_non_null(strstr(l->f.line, "allow reason=exec-continues"));
	free_ladder(l);
}

/* A gone process: allowed (nothing to protect), counted as an error. */
static void test_ladder_gone(void **state)
{
	struct ladder *l = new_ladder(MODE_ENFORCE);

	(void)state;
	decide_exec(l->dc, 0, 12345, 0);
	assert_string_equal(l->f.trace, "A");
	assert_int_equal(l->stats.errors, 1);
	free_ladder(l);
}

/* The ladder's rung 2 answers for the exec'ing pid without reading it:
 * true when it did (allowed, nothing of the child read). */
static bool vouched(struct ladder *l, pid_t kid, struct proc_info *got)
{
	int reads = l->f.stat_reads;

	l->f.trace[0] = '\0';
	decide_exec(l->dc, 0, kid, 0);
	*got = l->dc->chain[1];
	return l->f.stat_reads == reads && strcmp(l->f.trace, "A") == 0;
}

/* clean_parents over real processes, through the ladder: this test
 * process, seen clean, vouches for its new child and not for a stranger;
 * with hundreds of children it is not asked (nor noted again); a forgotten
 * classification (reload) drops it; only what the classifier knows clean is
 * noted. */
static void test_clean_parents_vouch(void **state)
{
	struct proc_cache *pc = malloc(sizeof(*pc));
	struct ladder *l = new_ladder(MODE_ENFORCE);
	struct clean_parents *hot = &l->dc->hot;
	struct proc_info me, parent, grandparent, got;
	struct classifier *c = l->dc->cls;
	struct decision d;
	pid_t kid;

	(void)state;
	assert_non_null(pc);
	proc_cache_init(pc);
	l->f.pc = pc;
	assert_int_equal(proc_cache_read(pc, getpid(), &me), 0);
	/* not noted before the classifier has seen it */
	clean_parents_note(hot, c, &me);
	assert_int_equal(hot->e[0].pid, 0);
	/* seen clean: [me, my parent, its parent] with no package manager
	 * (the test's own ancestry: make, a shell; never npm) */
	assert_int_equal(proc_cache_read(pc, me.ppid, &parent), 0);
	assert_int_equal(proc_cache_read(pc, parent.ppid > 0 ? parent.ppid : 1, &grandparent), 0);
	{
		struct proc_info chain[] = { me, parent, grandparent };
		if (in_family(c, chain, 3)) {
			/* run under a package manager: nothing to show here */
			proc_cache_close(pc);
			free(pc);
			free_ladder(l);
			skip();
			return; /* skip() does not return; said for the analysers */
		}
		classify(c, chain, 3, &sh_file, &d);
	}
	clean_parents_note(hot, c, &me);
	assert_int_equal(hot->e[0].pid, getpid());
	kid = spawn_sleeper();
	assert_true(vouched(l, kid, &got));
	assert_int_equal(got.pid, getpid());
	assert_int_equal(got.start, me.start);
	assert_false(vouched(l, 1, &got));
	assert_int_equal(hot->e[0].pid, getpid()); /* a miss keeps it */
	/* hundreds of children: not asked, and not noted again */
	{
		enum { CROWD = 600 };
		pid_t *crowd = calloc(CROWD, sizeof(*crowd));

		assert_non_null(crowd);
		for (int i = 0; i < CROWD; i++)
			crowd[i] = spawn_sleeper();
		assert_false(vouched(l, kid, &got));
		assert_int_equal(hot->e[0].pid, 0);
		clean_parents_note(hot, c, &me);
		assert_int_equal(hot->e[0].pid, 0);
		for (int i = 0; i < CROWD; i++)
			reap(crowd[i]);
		free(crowd);
		hot->crowded_pid = 0;
		clean_parents_note(hot, c, &me);
		assert_true(vouched(l, kid, &got));
	}
	/* a reload forgets every classification: it vouches no more (the
	 * child is read down the ladder, which sees the parent clean again) */
	classifier_init(c, pms, 1); /* a reload */
	assert_false(vouched(l, kid, &got));
	assert_true(vouched(l, kid, &got));
	reap(kid);
	proc_cache_close(pc);
	free(pc);
	free_ladder(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unrelated_allowed_and_cached),
		cmocka_unit_test(test_unrelated_by_parent),
		cmocka_unit_test(test_unrelated_by_fresh_fork),
		cmocka_unit_test(test_clean_parent_rule),
		cmocka_unit_test(test_stat_fresh_fork_and_print),
		cmocka_unit_test(test_walk_stops_at_known_clean),
		cmocka_unit_test(test_package_manager_itself_allowed),
		cmocka_unit_test(test_script_of_package_manager_denied),
		cmocka_unit_test(test_grandchild_denied),
		cmocka_unit_test(test_sandbox_exec_and_inside_allowed),
		cmocka_unit_test(test_inside_sandbox_remembered),
		cmocka_unit_test(test_sandbox_by_inode_not_name),
		cmocka_unit_test(test_git_helper_and_its_subtree),
		cmocka_unit_test(test_untrusted_helper_denied),
		cmocka_unit_test(test_helper_by_absolute_path),
		cmocka_unit_test(test_script_helper_subtree),
		cmocka_unit_test(test_helper_run_by_a_script_denied),
		cmocka_unit_test(test_pid_reuse),
		cmocka_unit_test(test_cache_slot_replaced),
		cmocka_unit_test(test_cmdline_matching),
		cmocka_unit_test(test_parse_stat),
		cmocka_unit_test(test_proc_cache_reads_fresh_and_keeps_fds),
		cmocka_unit_test(test_proc_cache_dead_process_forgotten),
		cmocka_unit_test(test_proc_cache_pid_reuse_not_inherited),
		cmocka_unit_test(test_proc_cache_has_child),
		cmocka_unit_test(test_ladder_own_pid),
		cmocka_unit_test(test_ladder_unrelated_then_fast),
		cmocka_unit_test(test_ladder_enforce_reparses),
		cmocka_unit_test(test_ladder_reparse_impossible),
		cmocka_unit_test(test_ladder_deny_and_audit),
		cmocka_unit_test(test_ladder_nested_package_manager),
		cmocka_unit_test(test_ladder_gone),
		cmocka_unit_test(test_clean_parents_vouch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
