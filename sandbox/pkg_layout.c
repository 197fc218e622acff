/* pkg_layout.c — package managers' layouts and what they say in the
 * environment of a script (see pkg_layout.h). Measured with npm 11.19,
 * pnpm 12.23 and yarn 1.22 (docs/PACKAGE-MANAGERS.md). */
#include "pkg_layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Managers whose npm_package_json is theirs, not the package's. */
static const char *const names_package_dir[] = { "npm", "pnpm" };

/* One path component, its length in *len; NULL at the end. */
static const char *component(const char *s, size_t *len)
{
	if (!*s)
		return NULL;
	*len = strcspn(s, "/");
	return s;
}

static const char *after(const char *c, size_t len)
{
	return c[len] == '/' ? c + len + 1 : c + len;
}

static bool plain(const char *c, size_t len)
{
	return len > 0 && c[0] != '.' && memchr(c, '\0', len) == NULL;
}

static bool is(const char *c, size_t len, const char *word)
{
	return len == strlen(word) && strncmp(c, word, len) == 0;
}

/* NAME at *s ("n" or "@scope/n"); advances *s past it. */
static bool take_name(const char **s)
{
	size_t len;
	const char *c = component(*s, &len);

	if (!c || !plain(c, len) || is(c, len, "node_modules"))
		return false;
	if (c[0] == '@') {
		if (len < 2 || c[len] != '/')
			return false;
		const char *n = component(after(c, len), &len);
		if (!n || !plain(n, len) || n[0] == '@' || is(n, len, "node_modules"))
			return false;
		c = n;
	}
	*s = after(c, len);
	return c[len] == '\0' || c[len] == '/';
}

static bool take_word(const char **s, const char *word)
{
	size_t len;
	const char *c = component(*s, &len);

	if (!c || !is(c, len, word))
		return false;
	*s = after(c, len);
	return true;
}

/* pnpm's store entry: "<name>@<version>…" with '/' written as '+'. */
static bool take_store_id(const char **s)
{
	size_t len;
	const char *c = component(*s, &len);

	if (!c || len == 0 || c[0] == '.')
		return false;
	*s = after(c, len);
	return true;
}

bool pkg_layout_is_package(const char *rel)
{
	const char *s = rel;

	if (!rel || rel[0] == '/' || !take_word(&s, "node_modules"))
		return false;
	if (take_word(&s, ".pnpm"))
		return take_store_id(&s) && take_word(&s, "node_modules") && take_name(&s) && !*s;
	if (!take_name(&s))
		return false;
	while (*s) {
		if (!take_word(&s, "node_modules") || !take_name(&s))
			return false;
	}
	/* A trailing '/' was eaten by after(): "node_modules/a/" is refused. */
	return rel[strlen(rel) - 1] != '/';
}

static bool agent_is(const char *agent, const char *name)
{
	size_t n = strlen(name);

	return agent && strncmp(agent, name, n) == 0 && agent[n] == '/';
}

static bool agent_names_package_dir(const char *agent)
{
	for (size_t i = 0; i < sizeof(names_package_dir) / sizeof(names_package_dir[0]); i++)
		if (agent_is(agent, names_package_dir[i]))
			return true;
	return false;
}

char *pkg_layout_named_dir(const char *agent, const char *package_json)
{
	static const char suffix[] = "/package.json";
	size_t n = package_json ? strlen(package_json) : 0;

	if (!package_json || !agent_names_package_dir(agent) || package_json[0] != '/' || n < sizeof(suffix) ||
	    strcmp(package_json + n - (sizeof(suffix) - 1), suffix) != 0)
		return NULL;
	n -= sizeof(suffix) - 1;
	return strndup(package_json, n ? n : 1);
}

char *pkg_layout_global_root(const char *agent, const char *global, const char *global_prefix)
{
	char *root;

	if (!agent_is(agent, "npm") || !global || strcmp(global, "true") != 0 || !global_prefix ||
	    global_prefix[0] != '/')
		return NULL;
	return asprintf(&root, "%s/lib", strcmp(global_prefix, "/") == 0 ? "" : global_prefix) < 0 ? NULL : root;
}

char *pkg_layout_local_root(const char *agent, const char *local_prefix)
{
	if (!agent_is(agent, "npm") || !local_prefix || local_prefix[0] != '/')
		return NULL;
	return strdup(local_prefix);
}
