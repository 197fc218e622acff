/* pnpm_approvals.h — the dependency builds pnpm 12 would run in a project,
 * read from its pnpm-workspace.yaml, so that `pkgguard run` can replay those
 * (and only those) when pnpm cannot be routed (--shell-emulator). What pnpm 12
 * reads and ignores, as measured, is in pnpm_approvals.c's first comment. */
#ifndef PKGGUARD_PNPM_APPROVALS_H
#define PKGGUARD_PNPM_APPROVALS_H

#include <stddef.h>

/* Sets *names to a malloc'd, NULL-terminated list of the package names
 * ("a", "@s/a") whose builds PROJECT's pnpm-workspace.yaml approves; each is
 * a valid name (pkgtree_name_ok) without fnmatch metacharacters, so it
 * matches itself only. A missing file gives an empty list. Returns 0, or
 * -errno after a message naming the file (a malformed pnpm-workspace.yaml
 * or package.json): then *names is NULL and nothing may be replayed. */
int pnpm_approvals_load(const char *project, char ***names);
void pnpm_approvals_free(char **names);

/* The same from the text of a pnpm-workspace.yaml (len bytes; label names
 * it in messages), without package.json. Pure. */
int pnpm_approvals_parse(const char *label, const char *yaml, size_t len, char ***names);

/* pnpm's `--allow-build NAME` / `--allow-build=NAME` in argv (the package
 * manager's command): "!NAME" denies, so NAME is removed from names; an
 * approval there is not followed (a warning), never more than the file
 * approves. */
void pnpm_approvals_apply_args(char **names, char *const *argv);

#endif
