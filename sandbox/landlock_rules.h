/* landlock_rules.h — the part of the Landlock layer worth testing alone:
 * which paths get rules so that hidden paths stay out of reach in the
 * no-namespace fallback (landlock_apply itself is in layers.h). */
#ifndef PKGGUARD_LANDLOCK_RULES_H
#define PKGGUARD_LANDLOCK_RULES_H

#include <stddef.h>

#include "policy.h"

/* For one allowed tree: leaves get the tree's rights, listable get READ_DIR
 * only; see landlock_rules.c. Returns 0 or -errno. */
int landlock_hidden_expand(const char *tree, const char *const *hidden, size_t nhidden,
			   struct strlist *leaves, struct strlist *listable);

#endif
