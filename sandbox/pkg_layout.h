/* pkg_layout.h — where package managers put a package, as data: the one
 * place of the engine that knows npm's, pnpm's and yarn's directory layouts
 * and which of them name the package directory to their script shell. Owns
 * the table and pure checks over it; opening the directory without
 * following links is pkg_dir.c's job. */
#ifndef PKGGUARD_PKG_LAYOUT_H
#define PKGGUARD_PKG_LAYOUT_H

#include <stdbool.h>

/* True when rel, a path relative to a root (a project, a global prefix's
 * lib/), is a package directory of a known layout:
 *   node_modules/NAME                           npm, yarn, pnpm (hoisted)
 *   node_modules/NAME/node_modules/NAME...      nested dependencies
 *   node_modules/.pnpm/ID/node_modules/NAME     pnpm's virtual store
 * NAME is "n" or "@scope/n". No component is empty, "." or "..", or starts
 * with '.' (but .pnpm where the table says). Pure. */
bool pkg_layout_is_package(const char *rel);

/* The directory a package manager names for the script it runs: the
 * directory of npm_package_json, for the managers (by their user agent,
 * "npm/…", "pnpm/…") that set it themselves after the package's own fields.
 * yarn 1 does not set it and copies the package's manifest into npm_package_*
 * (a "json" field becomes npm_package_json): never from yarn. malloc'd, or
 * NULL when not known (or out of memory). Pure. */
char *pkg_layout_named_dir(const char *agent, const char *package_json);

/* The root of a global install, under which packages follow the same
 * layouts: npm's "<global prefix>/lib" when npm says npm_config_global=true.
 * malloc'd or NULL. Pure. */
char *pkg_layout_global_root(const char *agent, const char *global, const char *global_prefix);

/* The project as the package manager found it (npm's local prefix, which is
 * where package.json is, even when INIT_CWD is a subdirectory), or NULL. */
char *pkg_layout_local_root(const char *agent, const char *local_prefix);

#endif
