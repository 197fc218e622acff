/* protect.h — persistence points inside a writable directory (the
 * project, when a script is the project's own): .git/hooks, .github,
 * .vscode, .envrc… as the profile lists them (protected_dirs,
 * protected_files). Each stays read-only inside the sandbox and cannot be
 * created where absent: the first missing component is held by an empty
 * placeholder made before the script starts and removed after it ends, and
 * every directory between the writable directory and it is bound onto
 * itself, so none of them can be renamed away and recreated. */
#ifndef PKGGUARD_PROTECT_H
#define PKGGUARD_PROTECT_H

#include <stdbool.h>
#include <sys/types.h>

#include "policy.h"

struct protect_item {
	char *held;        /* the path bound read-only: the protected path or a placeholder */
	char *writable;    /* the writable directory it lies in */
	bool placeholder;  /* made by us: removed afterwards when still empty */
	bool is_dir;
	dev_t dev;
	ino_t ino;
};

struct protect_set {
	struct protect_item *v;
	size_t n;
};

/* Before the sandbox, on the host: what each protected path inside a
 * writable directory of p is held by (placeholders made). 0 or -errno,
 * reported; a protected path that is a symbolic link, or lies under one, is
 * refused (a bind could not hold the link itself). */
int protect_prepare(const struct policy *p, struct protect_set *out);

/* After the sandbox: placeholders still empty and still ours are removed;
 * the set is freed. */
void protect_finish(struct protect_set *s);

/* The directories strictly between item's writable directory and its held
 * path, outermost first, appended to out (they are bound onto themselves).
 * 0 or -ENOMEM. Pure. */
int protect_between(const struct protect_item *item, struct strlist *out);

#endif
