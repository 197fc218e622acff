/* daemon_config.h — pkgguardd's own settings, /etc/pkgguard/pkgguardd.conf
 * (libconfig):
 *   mode = "enforce";   # reparse unsandboxed scripts into the sandbox;
 *                       # "deny": deny them; "audit": log only
 *   filesystems = [ "ext4", "xfs", ... ];  # types marked; default: local ones
 *   log_level = "info";                    # or "debug" (every allow logged)
 *   profiles = [ "npm", "pnpm", "yarn" ];  # whose match sections are used
 * An unknown key or a bad value is an error naming file:line. */
#ifndef PKGGUARD_DAEMON_CONFIG_H
#define PKGGUARD_DAEMON_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "policy.h"

#define PKGGUARDD_CONFIG "/etc/pkgguard/pkgguardd.conf"

enum guard_mode { MODE_ENFORCE, MODE_DENY, MODE_AUDIT };
enum guard_log_level { LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

struct daemon_config {
	enum guard_mode mode;
	enum guard_log_level log_level;
	struct strlist filesystems;
	struct strlist profiles;
};

/* Defaults, then FILE when it exists (a missing default file is not an
 * error; a missing --config file is: must_exist). On error returns -errno,
 * with "FILE:LINE: what" in err, and leaves out untouched. */
int daemon_config_load(const char *file, bool must_exist, struct daemon_config *out,
		       char *err, size_t errlen);
void daemon_config_free(struct daemon_config *c);
int daemon_config_parse_mode(const char *s, enum guard_mode *out);
const char *daemon_mode_name(enum guard_mode m);

#endif
