/* replay_step.h — the two steps of `pkgguard run` that look at the
 * installed tree: replaying the scripts a package manager was told not to
 * run, and listing the scripts it skipped for lack of approval. */
#ifndef PKGGUARD_REPLAY_STEP_H
#define PKGGUARD_REPLAY_STEP_H

#include "adapter.h"
#include "report.h"

/* Replays the lifecycle scripts of the project's installed packages in the
 * sandbox, in dependency order: every package's when allow is NULL, else
 * only those of packages whose name matches one of allow (NULL-terminated;
 * pnpm's approvals, pnpm_approvals.h), the others being left unrun (and so
 * listed by skipped_step). The project's own scripts always run. Returns 0,
 * the first failing script's exit status, or CMD_FAIL for an error of our
 * own. */
int replay_step(const char *project, const struct pm_adapter *a, const char *sandbox,
		const char *profile, char **env, const char *const *allow);

/* Adds to r every package that this run installed or changed (it is not in
 * before, the tree as it was, with the same version and integrity), that has
 * install scripts and that left no record: the package manager did not run
 * them. Gives each script's row what the lockfile says of its package
 * (resolved, integrity). before may be NULL (nothing was installed). */
struct pkgtree;
int skipped_step(const char *project, const struct pkgtree *before, struct run_report *r);

#endif
