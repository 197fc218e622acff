/* git_hidden.h — the git configuration behind a hidden "<dir>/.git/config"
 * when .git is a file (worktree, submodule) or holds submodules. */
#ifndef PKGGUARD_GIT_HIDDEN_H
#define PKGGUARD_GIT_HIDDEN_H

#include "strlist.h"

/* For each "<dir>/.git/config" in hidden: appends the resolved config and
 * config.worktree files of the git directory a .git file points to and of
 * its common directory, or of a .git directory's submodules and worktrees.
 * Only existing regular files are added. 0 or -errno (logged). */
int git_hidden_expand(struct strlist *hidden);

#endif
