/* adapter.h — package-manager adapters, a table of function pointers with
 * one file per package manager (adapter_npm.c, adapter_pnpm.c,
 * adapter_yarn.c). An adapter knows how to recognise its package manager
 * and how its lifecycle scripts reach pkgguard-sandbox: routed through the
 * script shell, or, where that is impossible, replayed by pkgguard after an
 * install with scripts disabled. Nothing here decides a policy. */
#ifndef PKGGUARD_ADAPTER_H
#define PKGGUARD_ADAPTER_H

#include <stdbool.h>

struct pm_adapter {
	const char *name;     /* "npm", "pnpm", "yarn" */
	const char *profile;  /* profile for its scripts */
	/* 1 when the command's basename is this package manager ("npx" is npm). */
	bool (*matches)(const char *base);
	/* Routing: sets what makes the package manager run every lifecycle
	 * script as `<sandbox> -c "<command>"` (an environment variable), in
	 * env. NULL when the package manager cannot be routed (yarn classic). */
	int (*route)(char ***env, const char *sandbox);
	/* false when this invocation would bypass the route (pnpm's
	 * --shell-emulator ignores the script shell): replay instead. NULL:
	 * routing always holds. */
	bool (*routable)(char *const *argv);
	/* Arguments appended so the package manager itself runs no script
	 * (replay mode: yarn, or --all-scripts). */
	const char *const *no_scripts_args;
	/* Commands of this package manager that install (and so run scripts);
	 * others (`npm run`, `npm test`) still go through routing. */
	const char *const *install_commands;
};

const struct pm_adapter *pm_adapter_find(const char *command);

extern const struct pm_adapter pm_npm, pm_pnpm, pm_yarn;

#endif
