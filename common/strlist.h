/* strlist.h — a growable, NULL-terminated list of owned strings, used by the
 * policy (sandbox/policy.h), the CLI and the daemon. strlist.c. */
#ifndef PKGGUARD_STRLIST_H
#define PKGGUARD_STRLIST_H

#include <stdbool.h>
#include <stddef.h>

/* v stays NULL-terminated, so a list can be handed to code expecting a
 * char **; an empty list is { NULL, 0 }. */
struct strlist {
	char **v;
	size_t n;
};

/* push copies s, take takes it over (freed on failure; NULL counts as
 * ENOMEM, so strlist_take(l, strdup(x)) needs no check of its own). Both
 * return 0 or -ENOMEM. */
int strlist_push(struct strlist *l, const char *s);
int strlist_take(struct strlist *l, char *s);
/* Replaces dst with a copy of src (NULL: an empty list); 0 or -ENOMEM. */
int strlist_copy(struct strlist *dst, const struct strlist *src);
void strlist_free(struct strlist *l);
/* True when l holds s (compared as strings). */
bool strlist_has(const struct strlist *l, const char *s);

#endif
