/* daemon_policy.h — what pkgguardd enforces, loaded as one unit so that a
 * SIGHUP either replaces all of it or none: the config file, the profiles'
 * match sections (package-manager matchers) and the trusted sandbox. */
#ifndef PKGGUARD_DAEMON_POLICY_H
#define PKGGUARD_DAEMON_POLICY_H

#include <stdbool.h>

#include "classify.h"
#include "daemon_config.h"

#define DAEMON_MAX_PMS 16

struct daemon_policy {
	struct daemon_config cfg;
	/* Where the profiles were found, resolved (absolute, existing): the
	 * search path every reparsed sandbox is given (--only-profiles), so
	 * the policy of a script is the daemon's, never its caller's
	 * PKGGUARD_PROFILE_PATH. */
	struct strlist profile_dirs;
	struct policy *profiles[DAEMON_MAX_PMS];
	struct pm_matcher pms[DAEMON_MAX_PMS];
	size_t npms;
};

/* Loads config_file (must_exist: given with --config) and every profile it
 * names. mode_override < 0: keep the file's mode. 0 or -errno, reported. */
int daemon_policy_load(const char *config_file, bool must_exist, int mode_override,
		       struct daemon_policy *out);
void daemon_policy_free(struct daemon_policy *p);

#endif
