/* profile_paths.c — what a profile's path and value entries mean: ${VAR}
 * expansion, normalisation, and which directories may never be writable.
 * Pure functions (no I/O), used by the loader (profile.c). */
#include "profile.h"
#include "array_size.h"
#include "profile_paths.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Variable expansion                                                  */

struct var_def {
	const char *name;
	size_t off; /* of the value in struct profile_vars */
};

static const struct var_def known_vars[] = {
	{ "PKG_DIR", offsetof(struct profile_vars, pkg_dir) },
	{ "PROJECT_DIR", offsetof(struct profile_vars, project_dir) },
	{ "HOME", offsetof(struct profile_vars, home) },
	{ "TMPDIR", offsetof(struct profile_vars, tmpdir) },
};

/* 0 and *value (may be NULL: unset), or -EINVAL for an unknown name. */
static int var_lookup(const struct profile_vars *vars, const char *name, size_t len,
		      const char **value)
{
	for (size_t i = 0; i < ARRAY_SIZE(known_vars); i++) {
		const char *k = known_vars[i].name;

		if (strlen(k) != len || memcmp(k, name, len) != 0)
			continue;
		*value = *(const char *const *)((const char *)vars + known_vars[i].off);
		/* Same default as policy->tmpdir, so both always agree. */
		if (!*value && strcmp(k, "TMPDIR") == 0)
			*value = "/tmp";
		return 0;
	}
	return -EINVAL;
}

/* Writes the value of the "${NAME}" starting at p to m and sets *used to
 * its length. Errors as profile_expand(), with the reason in why. */
static int expand_var(const char *p, const struct profile_vars *vars, FILE *m, size_t *used,
		      char *why, size_t whylen)
{
	const char *name = p + 2, *end = strchr(name, '}'), *val = NULL;
	int len;

	if (!end) {
		snprintf(why, whylen, "unterminated \"${\"");
		return -EINVAL;
	}
	len = (int)(end - name);
	if (var_lookup(vars, name, (size_t)len, &val) < 0) {
		snprintf(why, whylen, "unknown variable ${%.*s} (known: PKG_DIR, PROJECT_DIR, HOME, TMPDIR)",
			 len, name);
		return -EINVAL;
	}
	if (!val) {
		snprintf(why, whylen, "${%.*s} is not set", len, name);
		return -ENOENT;
	}
	fputs(val, m);
	*used = (size_t)(end + 1 - p);
	return 0;
}

/* A '$' not followed by '{' is kept literally: environment values may
 * hold one. */
int profile_expand_why(const char *s, const struct profile_vars *vars, char **out, char *why,
		  size_t whylen)
{
	char *buf = NULL;
	size_t len = 0, used;
	int r = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return -ENOMEM;
	for (const char *p = s; *p && !r; p += used) {
		used = 1;
		if (p[0] == '$' && p[1] == '{')
			r = expand_var(p, vars, m, &used, why, whylen);
		else
			fputc(*p, m);
	}
	if (fclose(m) != 0 && !r)
		r = -ENOMEM;
	if (r) {
		free(buf);
		return r;
	}
	*out = buf;
	return 0;
}

int profile_expand(const char *s, const struct profile_vars *vars, char **out)
{
	char why[256];

	return profile_expand_why(s, vars, out, why, sizeof(why));
}

/* ------------------------------------------------------------------ */
/* Path rules                                                          */

/* Rewrites an absolute path in place: "//" and "/./" collapse, no trailing
 * "/". ".." is refused, not resolved: resolving it lexically is wrong across
 * symlinks, and a policy has no reason to need it. */
int path_normalise(char *path)
{
	char *w = path;
	const char *rd = path;

	while (*rd) {
		size_t n;

		while (*rd == '/')
			rd++;
		n = strcspn(rd, "/");
		if (n == 0 || (n == 1 && rd[0] == '.')) {
			rd += n;
			continue;
		}
		if (n == 2 && rd[0] == '.' && rd[1] == '.')
			return -EINVAL;
		*w++ = '/';
		memmove(w, rd, n);
		w += n;
		rd += n;
	}
	if (w == path)
		*w++ = '/';
	*w = '\0';
	return 0;
}

/* True when path lies strictly below dir (both normalised). */
bool path_is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return strcmp(path, "/") != 0;
	return strncmp(path, dir, n) == 0 && path[n] == '/';
}

bool path_at_or_under(const char *path, const char *dir)
{
	return strcmp(path, dir) == 0 || path_is_under(path, dir);
}

/* The system trees: were one writable, a script could persist outside its
 * package (plant a binary, a library, a boot or a service file). A package
 * directory is never one of these, nor directly inside /usr, /usr/local or
 * /var (/usr/lib, /usr/local/bin, /var/lib…), nor anywhere under the
 * kernel's and the system's configuration trees. */
static const char *const rw_refused[] = {
	"/", "/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
	"/proc", "/dev", "/sys", "/boot", "/run", "/var", "/opt", "/srv", "/home",
	"/root", "/tmp", "/mnt", "/media",
};
static const char *const rw_refused_children[] = { "/usr", "/usr/local", "/var" };
static const char *const rw_refused_trees[] = { "/etc", "/proc", "/sys", "/dev", "/boot", "/run" };
/* Under $HOME: where credentials and start-up hooks live. */
static const char *const rw_refused_home_trees[] = {
	".ssh", ".gnupg", ".aws", ".azure", ".kube", ".docker", ".config", ".local/bin",
	".local/share/systemd", ".vscode", ".claude", ".codex",
};

bool path_is_home_secret(const char *path, const char *home)
{
	char buf[4096];

	for (size_t i = 0; home && i < ARRAY_SIZE(rw_refused_home_trees); i++) {
		snprintf(buf, sizeof(buf), "%s/%s", strcmp(home, "/") ? home : "", rw_refused_home_trees[i]);
		if (strcmp(path, buf) == 0 || path_is_under(path, buf))
			return true;
	}
	return false;
}

const char *pkg_dir_refusal(const char *path, const char *home)
{
	if (strcmp(path, "/") == 0)
		return "is /";
	if (home && *home && (strcmp(path, home) == 0 || path_is_under(home, path)))
		return "is or contains $HOME";
	if (rw_is_refused(path, home))
		return "is a system or credential directory";
	return NULL;
}

bool rw_is_refused(const char *path, const char *home)
{
	const char *slash = strrchr(path, '/');

	for (size_t i = 0; i < ARRAY_SIZE(rw_refused); i++)
		if (strcmp(path, rw_refused[i]) == 0)
			return true;
	for (size_t i = 0; i < ARRAY_SIZE(rw_refused_children); i++) {
		size_t n = strlen(rw_refused_children[i]);
		if (slash && (size_t)(slash - path) == n && strncmp(path, rw_refused_children[i], n) == 0)
			return true;
	}
	for (size_t i = 0; i < ARRAY_SIZE(rw_refused_trees); i++)
		if (path_is_under(path, rw_refused_trees[i]))
			return true;
	return path_is_home_secret(path, home);
}
