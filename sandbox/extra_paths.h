/* extra_paths.h — directories a caller adds to a loaded policy with
 * pkgguard-sandbox --rw DIR / --ro DIR (pkgguardd does, for a pip build's
 * temporary directories and its Python prefix). extra_paths.c. */
#ifndef PKGGUARD_EXTRA_PATHS_H
#define PKGGUARD_EXTRA_PATHS_H

#include <stdbool.h>
#include <stddef.h>

#include "policy.h"

/* Resolves dir (absolute, existing directory) and adds it to p: writable
 * (read_write) or read-only (read_only), under the same rules as a profile's
 * entries: never "/", never a directory containing $HOME, never a hidden path
 * or anything inside one, never a credential tree under $HOME; writable never
 * a system directory (rw_is_refused); read-only never a kernel or runtime
 * interface (/proc, /sys, /dev, /run) nor the sandbox's own /tmp and /var/tmp.
 * An entry the policy already shows that way is not added twice. opt names
 * the option in messages ("--rw"). Returns 0, or -errno with one line
 * "OPT DIR: why" in err. */
int extra_path_add(struct policy *p, const char *opt, const char *dir, bool writable,
		   char *err, size_t errlen);

#endif
