/* daemon_policy.c — loading config + profiles for pkgguardd, all or nothing. */
#include "daemon_policy.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "profile.h"

void daemon_policy_free(struct daemon_policy *p)
{
	for (size_t i = 0; i < p->npms; i++)
		policy_free(p->profiles[i]);
	daemon_config_free(&p->cfg);
	strlist_free(&p->profile_dirs);
	memset(p, 0, sizeof(*p));
}

/* The search path (PKGGUARD_PROFILE_PATH of the daemon's own environment,
 * /etc/pkgguard/profiles.d, the installed profiles), each directory
 * resolved (a relative entry against the daemon's working directory at
 * start) and kept when it exists. 0 or -ENOMEM. */
static int resolve_dirs(struct strlist *out)
{
	struct strlist search = { 0 };
	char err[512];
	/* Relative entries are the daemon's own, typed where it was started:
	 * made absolute here (realpath), never handed on as they are. */
	int r = profile_search_path(NULL, true, &search, err, sizeof(err));

	if (r)
		return log_fail_plain(-r, "%s", err);
	for (size_t i = 0; !r && i < search.n; i++) {
		char *real = realpath(search.v[i], NULL);
		struct stat st;

		if (!real)
			continue;
		if (!strlist_has(out, real) && stat(real, &st) == 0 && S_ISDIR(st.st_mode) && strlist_push(out, real))
			r = -ENOMEM;
		free(real);
	}
	strlist_free(&search);
	return r;
}

/* One line naming what is missing, instead of a failed install per
 * script later: no directory of the search path holds the profile. */
static int no_profile(const char *name, int err, const char *why)
{
	struct strlist search = { 0 };
	char dirs[1024] = "";
	size_t n = 0;

	if (err != ENOENT || strncmp(why, "profile \"", 9) != 0) /* not an inherit's */
		return log_fail_plain(err, "profile %s: %s", name, why);
	if (profile_search_path(NULL, true, &search, NULL, 0) == 0)
		for (size_t i = 0; i < search.n && n < sizeof(dirs); i++)
			n += (size_t)snprintf(dirs + n, sizeof(dirs) - n, "%s%s", i ? ", " : "", search.v[i]);
	strlist_free(&search);
	return log_fail_plain(err, "profile %s: no %s.conf in the profile directories (%s): "
			      "install the profiles (make install), or start pkgguardd with "
			      "PKGGUARD_PROFILE_PATH=DIR naming a directory that holds them",
			      name, name, dirs);
}

static int load_profiles(struct daemon_policy *p)
{
	/* No variables: only the match section matters here, and entries that
	 * use an unset variable are dropped, not errors. */
	const struct profile_vars vars = { 0 };
	const struct strlist *search = &p->profile_dirs;
	char err[512];
	int r = resolve_dirs(&p->profile_dirs);

	for (size_t i = 0; !r && i < p->cfg.profiles.n; i++) {
		const char *name = p->cfg.profiles.v[i];
		struct policy *pol = NULL;

		if (p->npms == DAEMON_MAX_PMS) {
			r = log_fail_plain(E2BIG, "profiles: more than %d", DAEMON_MAX_PMS);
			break;
		}
		r = profile_load(name, search, &vars, &pol, err, sizeof(err));
		if (r) {
			r = no_profile(name, -r, err);
			break;
		}
		if (pol->match_commands.n == 0)
			log_warn("profile %s has no match.commands: it recognises no package manager", name);
		p->profiles[p->npms] = pol;
		p->pms[p->npms] = (struct pm_matcher){ .name = pol->name, .commands = &pol->match_commands,
						       .helpers = &pol->match_helpers };
		p->npms++;
	}
	return r;
}

int daemon_policy_load(const char *config_file, bool must_exist, int mode_override,
		       struct daemon_policy *out)
{
	struct daemon_policy p;
	char err[512];
	int r;

	memset(&p, 0, sizeof(p));
	r = daemon_config_load(config_file, must_exist, &p.cfg, err, sizeof(err));
	if (r)
		return log_fail_plain(-r, "%s", err);
	if (mode_override >= 0)
		p.cfg.mode = (enum guard_mode)mode_override;
	r = load_profiles(&p);
	if (r) {
		daemon_policy_free(&p);
		return r;
	}
	*out = p;
	return 0;
}
