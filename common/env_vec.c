/* env_vec.c — environment vectors (env_vec.h). */
#include "env_vec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int env_name(const char *entry, char *buf, size_t len)
{
	const char *eq = strchr(entry, '=');
	size_t n = eq ? (size_t)(eq - entry) : strlen(entry);
	if (n == 0 || n >= len)
		return 0;
	memcpy(buf, entry, n);
	buf[n] = '\0';
	return 1;
}

void env_free(char **env)
{
	if (!env)
		return;
	for (char **e = env; *e; e++)
		free(*e);
	free(env);
}

int env_put(char ***env, size_t *n, const char *entry)
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

char **env_copy(char *const *envp)
{
	size_t n = 0;
	while (envp && envp[n])
		n++;
	char **env = calloc(n + 1, sizeof(char *));
	for (size_t i = 0; env && i < n; i++) {
		if (!(env[i] = strdup(envp[i]))) {
			env_free(env);
			return NULL;
		}
	}
	return env;
}

int env_set(char ***env, const char *entry)
{
	size_t n = 0;
	while ((*env)[n])
		n++;
	return env_put(env, &n, entry);
}
