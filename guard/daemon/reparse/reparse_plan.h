/* reparse_plan.h — what a reparse turns the failed execve into: reads the
 * call's filename, argv and envp from the stopped process and builds the
 * argv of `pkgguard-sandbox --profile PM --pkg-dir . --record [--project-dir
 * $INIT_CWD] [--package NAME] [--rw DIR]… [--ro DIR]… [--argv0 ARGV0] -- FILE ARGV[1…]`,
 * reusing the process's own argv strings (only the new words are written).
 * The environment pointer is passed on as it is: the sandbox scrubs it. */
#ifndef PKGGUARD_REPARSE_PLAN_H
#define PKGGUARD_REPARSE_PLAN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy.h"
#include "reparse_layout.h"
#include "reparse_regs.h"
#include "tracee_mem.h"

struct reparse_plan {
	struct argv_item *items;
	size_t n;
	struct strlist owned;        /* the new strings the items point to */
	uint64_t envp;               /* the process's envp */
	struct tracee_strv log_argv; /* kept across the mmap stops, for the log line;
				      * freed with the plan, nowhere else */
};

struct reparse_plan_input {
	pid_t pid;
	const char *sandbox;         /* the trusted pkgguard-sandbox */
	const char *pm;
	const struct strlist *profile_dirs; /* the daemon's: --only-profiles each */
	const char *cwd;
	const char *file;            /* the event's file (for execveat by fd) */
	const struct tracee_regs *regs;
	const struct tracee_strv *argv, *envp;
};

/* 0 when sandbox (the daemon's path of the trusted pkgguard-sandbox,
 * dev/ino) is that same file in pid's view of the filesystem, else -EXDEV:
 * the rewritten execve would run something else, or nothing. */
int reparse_plan_sandbox_visible(pid_t pid, const char *sandbox, dev_t dev, ino_t ino);

/* 0 when each of the daemon's profile directories, and each profile in
 * it, is the same file (dev/ino) in pid's view of the filesystem as in
 * the daemon's, else -ESTALE: a process in a mount namespace of its own
 * could have put its own policy at the daemon's path. */
int reparse_plan_profiles_visible(pid_t pid, const struct strlist *dirs);

/* The failed call's argv and envp (bounded by ARG_MAX-like limits). */
int reparse_plan_read(pid_t pid, const struct tracee_regs *regs, struct tracee_strv *argv,
		      struct tracee_strv *envp);
/* argv runs one of the package manager's commands (classify.c's rule). */
bool reparse_plan_is_package_manager(const struct tracee_strv *argv, const struct strlist *commands);
int reparse_plan_build(struct reparse_plan *p, const struct reparse_plan_input *in);
void reparse_plan_free(struct reparse_plan *p);

#endif
