/* environ.c — builds the script's environment from the caller's: a variable
 * passes when a keep pattern matches its name and no strip pattern does
 * (strip is case-insensitive and wins: tokens must not leak because a keep
 * pattern was broad); then set_env entries are applied. */
#include "environ.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

static int matches_any(const struct strlist *pats, const char *name, int flags)
{
	for (size_t i = 0; i < pats->n; i++)
		if (fnmatch(pats->v[i], name, flags) == 0)
			return 1;
	return 0;
}

/* Copies the NAME part of "NAME=value" into buf; 0 when it does not fit. */
static int env_name(const char *entry, char *buf, size_t len)
{
	const char *eq = strchr(entry, '=');
	size_t n = eq ? (size_t)(eq - entry) : strlen(entry);
	if (n == 0 || n >= len)
		return 0;
	memcpy(buf, entry, n);
	buf[n] = '\0';
	return 1;
}

int environ_is_secret(const struct policy *p, const char *name)
{
	return matches_any(&p->env_strip, name, FNM_CASEFOLD);
}

void environ_free(char **env)
{
	if (!env)
		return;
	for (char **e = env; *e; e++)
		free(*e);
	free(env);
}

/* Replaces or appends entry (owned by the caller on failure). */
static int env_put(char ***env, size_t *n, const char *entry)
{
	char name[256], other[256];
	if (!env_name(entry, name, sizeof(name)))
		return -EINVAL;
	char *copy = strdup(entry);
	if (!copy)
		return -ENOMEM;
	for (size_t i = 0; i < *n; i++) {
		if (env_name((*env)[i], other, sizeof(other)) && strcmp(name, other) == 0) {
			free((*env)[i]);
			(*env)[i] = copy;
			return 0;
		}
	}
	char **grown = realloc(*env, (*n + 2) * sizeof(char *));
	if (!grown) {
		free(copy);
		return -ENOMEM;
	}
	*env = grown;
	(*env)[(*n)++] = copy;
	(*env)[*n] = NULL;
	return 0;
}

char **environ_copy(char *const *envp)
{
	size_t n = 0;
	while (envp && envp[n])
		n++;
	char **env = calloc(n + 1, sizeof(char *));
	for (size_t i = 0; env && i < n; i++) {
		if (!(env[i] = strdup(envp[i]))) {
			environ_free(env);
			return NULL;
		}
	}
	return env;
}

int environ_set(char ***env, const char *entry)
{
	size_t n = 0;
	while ((*env)[n])
		n++;
	return env_put(env, &n, entry);
}

char **environ_build(const struct policy *p, char *const *envp)
{
	size_t n = 0;
	char **env = calloc(1, sizeof(char *));
	char name[256];
	int err = 0;

	if (!env)
		return NULL;
	for (char *const *e = envp; e && *e && !err; e++) {
		if (!env_name(*e, name, sizeof(name)) || !strchr(*e, '='))
			continue; /* malformed or absurdly long names never pass */
		if (!matches_any(&p->env_keep, name, 0) || environ_is_secret(p, name))
			continue;
		err = env_put(&env, &n, *e);
	}
	for (size_t i = 0; i < p->set_env.n && !err; i++)
		err = env_put(&env, &n, p->set_env.v[i]);
	if (err) {
		environ_free(env);
		errno = -err;
		return NULL;
	}
	return env;
}
