/* environ.c — builds the script's environment from the caller's: a variable
 * passes when a keep pattern matches its name and no strip pattern does
 * (strip is case-insensitive and wins: tokens must not leak because a keep
 * pattern was broad); then set_env entries are applied. */
#include "environ.h"
#include "env_vec.h"

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

int environ_is_secret(const struct policy *p, const char *name)
{
	return matches_any(&p->env_strip, name, FNM_CASEFOLD);
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
		env_free(env);
		errno = -err;
		return NULL;
	}
	return env;
}
