/* reparse_scope.h — per package manager, the directories a reparsed
 * process needs beyond its package directory, as the sandbox's --rw/--ro
 * (pip's build hooks: their control and output directories, the Python
 * prefix and build environment; npm, pnpm and yarn need none). */
#ifndef PKGGUARD_REPARSE_SCOPE_H
#define PKGGUARD_REPARSE_SCOPE_H

#include "policy.h"
#include "tracee_mem.h"

int reparse_scope(const char *pm, const struct tracee_strv *argv, const struct tracee_strv *envp,
		  const char *cwd, const char *exe, struct strlist *rw, struct strlist *ro);

#endif
