/* daemon_policy.c — loading config + profiles for pkgguardd, all or nothing. */
#include "daemon_policy.h"

#include <errno.h>
#include <string.h>

#include "log.h"
#include "profile.h"

void daemon_policy_free(struct daemon_policy *p)
{
	for (size_t i = 0; i < p->npms; i++)
		policy_free(p->profiles[i]);
	daemon_config_free(&p->cfg);
	memset(p, 0, sizeof(*p));
}

static int load_profiles(struct daemon_policy *p)
{
	/* No variables: only the match section matters here, and entries that
	 * use an unset variable are dropped, not errors. */
	const struct profile_vars vars = { 0 };
	struct strlist search = { 0 };
	char err[512];
	int r = profile_search_path(NULL, &search);

	for (size_t i = 0; !r && i < p->cfg.profiles.n; i++) {
		const char *name = p->cfg.profiles.v[i];
		struct policy *pol = NULL;

		if (p->npms == DAEMON_MAX_PMS) {
			r = log_fail_plain(E2BIG, "profiles: more than %d", DAEMON_MAX_PMS);
			break;
		}
		r = profile_load(name, &search, &vars, &pol, err, sizeof(err));
		if (r) {
			r = log_fail_plain(-r, "profile %s: %s", name, err);
			break;
		}
		if (pol->match_commands.n == 0)
			log_warn("profile %s has no match.commands: it recognises no package manager", name);
		p->profiles[p->npms] = pol;
		p->pms[p->npms] = (struct pm_matcher){ .name = pol->name, .commands = &pol->match_commands,
						       .helpers = &pol->match_helpers };
		p->npms++;
	}
	strlist_free(&search);
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
