/* reparse_scope.h — per package manager, the directories a reparsed
 * process needs beyond its package directory, as the sandbox's --rw/--ro
 * (pip's build hooks: their control and output directories, the Python
 * prefix and build environment; npm, pnpm and yarn need none). */
#ifndef PKGGUARD_REPARSE_SCOPE_H
#define PKGGUARD_REPARSE_SCOPE_H

#include <sys/types.h>

#include "policy.h"
#include "tracee_mem.h"

/* pid: the stopped process (its root is where the paths are looked up);
 * exe: the file it exec'd, as it named it. 0 or -errno (the reparse then
 * falls back to a deny). */
int reparse_scope(pid_t pid, const char *pm, const struct tracee_strv *argv,
		  const struct tracee_strv *envp, const char *cwd, const char *exe, struct strlist *rw,
		  struct strlist *ro);

#endif
