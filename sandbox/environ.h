/* environ.h — the script's environment: only what the profile keeps, tokens
 * stripped, then the profile's set_env. Pure logic (unit tested). */
#ifndef PKGGUARD_ENVIRON_H
#define PKGGUARD_ENVIRON_H

#include "policy.h"

/* Returns a NULL-terminated, malloc'd copy (free with env_free,
 * common/env_vec.h), or NULL with errno set. */
char **environ_build(const struct policy *p, char *const *envp);
/* 1 when NAME (without '=') must be removed whatever keep says. */
int environ_is_secret(const struct policy *p, const char *name);

#endif
