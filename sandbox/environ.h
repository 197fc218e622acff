/* environ.h — the script's environment: only what the profile keeps, tokens
 * stripped, then the profile's set_env. Pure logic (unit tested). */
#ifndef PKGGUARD_ENVIRON_H
#define PKGGUARD_ENVIRON_H

#include "policy.h"

/* Returns a NULL-terminated, malloc'd copy (free with environ_free), or NULL
 * with errno set. */
char **environ_build(const struct policy *p, char *const *envp);
void environ_free(char **env);
/* An unfiltered malloc'd copy (for a caller that starts other programs). */
char **environ_copy(char *const *envp);
/* Replaces or appends "NAME=value" in an environment from environ_build or
 * environ_copy. */
int environ_set(char ***env, const char *entry);
/* 1 when NAME (without '=') must be removed whatever keep says. */
int environ_is_secret(const struct policy *p, const char *name);

#endif
