/* profile_args.c — PKGGUARD_PROFILE_PATH, --profiles and --profile FILE
 * made absolute in the directory the user typed them in (profile_args.h).
 * docs/ARCHITECTURE.md: the build tree works uninstalled with
 * PKGGUARD_PROFILE_PATH=profiles, the sandbox takes absolute entries only. */
#include "profile_args.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "cwd/rel" for a relative rel, else a copy. */
static char *absolute(const char *rel, const char *cwd)
{
	char *out = NULL;

	if (rel[0] == '/')
		return strdup(rel);
	if (asprintf(&out, "%s%s%s", cwd, strcmp(cwd, "/") ? "/" : "", rel) < 0)
		return NULL;
	return out;
}

int profile_env_make_absolute(const char *cwd)
{
	const char *env = getenv("PKGGUARD_PROFILE_PATH");
	char *buf = NULL, *copy, *save = NULL;
	size_t len = 0;
	FILE *m;
	bool first = true;
	int r = 0;

	if (!env)
		return 0;
	if (!(copy = strdup(env)) || !(m = open_memstream(&buf, &len))) {
		free(copy);
		return log_fail(ENOMEM, "PKGGUARD_PROFILE_PATH");
	}
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *abs = absolute(dir, cwd);

		if (!abs) {
			r = -ENOMEM;
			break;
		}
		fprintf(m, "%s%s", first ? "" : ":", abs);
		first = false;
		free(abs);
	}
	if (fclose(m) != 0 && !r)
		r = -ENOMEM;
	if (!r && setenv("PKGGUARD_PROFILE_PATH", buf, 1) != 0)
		r = -errno;
	free(copy);
	free(buf);
	return r ? log_fail(-r, "PKGGUARD_PROFILE_PATH") : 0;
}

int profile_arg_make_absolute(const char **arg, bool is_path, const char *cwd, char **owned)
{
	if (!*arg || !is_path || (*arg)[0] == '/')
		return 0;
	free(*owned);
	if (!(*owned = absolute(*arg, cwd)))
		return log_fail(ENOMEM, "profile path %s", *arg);
	*arg = *owned;
	return 0;
}

bool profile_env_has_relative(char *first, size_t len)
{
	const char *env = getenv("PKGGUARD_PROFILE_PATH");

	for (const char *s = env; s && *s;) {
		size_t n = strcspn(s, ":");

		if (n > 0 && s[0] != '/') {
			snprintf(first, len, "%.*s", (int)n, s);
			return true;
		}
		s += n;
		s += *s == ':';
	}
	return false;
}
