/* package_name.h — a package's identity from where the package manager put
 * it, never from what the package says about itself: the one rule used by
 * the sandbox (-c mode), the CLI's tree and report, and the daemon's log.
 * package_name.c; docs/PACKAGE-MANAGERS.md has the layouts. */
#ifndef PKGGUARD_PACKAGE_NAME_H
#define PKGGUARD_PACKAGE_NAME_H

#include <stddef.h>

/* The package that path lies in: the component after the last
 * "node_modules" component ("@scope/name" for a scoped package), so pnpm's
 * node_modules/.pnpm/<id>/node_modules/<name> gives <name> and a nested
 * node_modules gives the innermost package. 0 with the name in buf;
 * -ENOENT when path is in no package (no node_modules component: the
 * project itself; or a directory of the package manager's own, such as
 * node_modules/.pnpm/<id>, node_modules/.bin, or a bare @scope);
 * -EINVAL for a name with control characters; -ENAMETOOLONG when it does
 * not fit in len. */
int package_name_from_path(const char *path, char *buf, size_t len);

#endif
