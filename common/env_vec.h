/* env_vec.h — environments as malloc'd, NULL-terminated "NAME=value"
 * vectors: copied, changed and freed in one way by the sandbox (which
 * filters the script's, sandbox/environ.c) and the CLI (which hands the
 * package manager its own with pkgguard's variables added). env_vec.c. */
#ifndef PKGGUARD_ENV_VEC_H
#define PKGGUARD_ENV_VEC_H

#include <stddef.h>

/* An unfiltered malloc'd copy, or NULL (ENOMEM). */
char **env_copy(char *const *envp);
void env_free(char **env);
/* Replaces or appends "NAME=value"; 0, -EINVAL (no name, or a name of 256
 * bytes or more) or -ENOMEM. */
int env_set(char ***env, const char *entry);
/* The same for a caller that keeps the count n of *env itself. */
int env_put(char ***env, size_t *n, const char *entry);
/* Copies the NAME part of "NAME=value" into buf; 0 when it is empty or does
 * not fit. */
int env_name(const char *entry, char *buf, size_t len);

#endif
