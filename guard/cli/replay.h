/* replay.h — runs the lifecycle scripts of an installed tree, each inside
 * pkgguard-sandbox, after the package manager installed with its own scripts
 * disabled (yarn classic, `pkgguard run --all-scripts`). Order, events and
 * environment are what npm gives; see replay.c. Reading the tree is
 * pkgtree.c's job; reporting is the sandbox's (PKGGUARD_RECORD_DIR). */
#ifndef PKGGUARD_REPLAY_H
#define PKGGUARD_REPLAY_H

#include <stdio.h>

struct replay_opts {
	const char *project;       /* the project directory */
	const char *sandbox;       /* absolute path of pkgguard-sandbox */
	const char *profile;       /* profile name or file, e.g. "npm" */
	const char *profiles_dir;  /* passed as --profiles, or NULL */
	char *const *env;          /* base environment (NULL-terminated) */
	const char *const *allow;  /* globs (fnmatch) of package names allowed to
	                            * run, NULL-terminated; NULL: every package */
	FILE *out;                 /* one line per script run or skipped; NULL: quiet */
};

/* Runs preinstall, install (or the implicit "node-gyp rebuild"),
 * postinstall of every package of o->project in dependency order. Stops at
 * the first script that fails, unless its package is optional (a warning,
 * then the next package). Returns 0 when every script that ran succeeded,
 * the failing script's exit status (> 0; 128+N for signal N), or -errno
 * when replay itself failed (reported on stderr). */
int replay_run(const struct replay_opts *o);

/* The project's own preinstall, install (or implicit gyp build) and
 * postinstall, which an install with scripts disabled skipped too: run after
 * the dependencies', in the sandbox with the project as package directory.
 * Same returns as replay_run; a project without package.json gives 0. */
int replay_project(const struct replay_opts *o);

/* The environment npm gives a lifecycle script, exposed for tests: base
 * without the variables replaced, plus npm_lifecycle_*, npm_package_*,
 * npm_config_node_gyp (when node_gyp is not NULL and base has none),
 * INIT_CWD and PATH (every node_modules/.bin from the package directory up
 * to the project, then gyp_bin when not NULL, then base's PATH). Returns a
 * malloc'd vector (free with env_free, common/env_vec.h) or NULL (ENOMEM). */
struct pkg;
char **replay_env(char *const *base, const char *project, const struct pkg *p, int event,
		  const char *node_gyp, const char *gyp_bin);

#endif
