/* replay_step.h — the two steps of `pkgguard run` that look at the
 * installed tree: replaying the scripts a package manager was told not to
 * run, and listing the scripts it skipped for lack of approval. */
#ifndef PKGGUARD_REPLAY_STEP_H
#define PKGGUARD_REPLAY_STEP_H

#include "adapter.h"
#include "report.h"

/* Replays every lifecycle script of the project's installed packages in the
 * sandbox, in dependency order. Returns 0, the first failing script's exit
 * status, or CMD_FAIL for an error of our own. */
int replay_step(const char *project, const struct pm_adapter *a, const char *sandbox,
		const char *profile, char **env);

/* Adds to r every installed package that has install scripts and left no
 * record: the package manager did not run it (not approved). */
int skipped_step(const char *project, struct run_report *r);

#endif
