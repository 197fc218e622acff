/* adapter_yarn.c — yarn classic (1.x) runs dependency install scripts with
 * `sh -c` whatever script-shell says, so it cannot be routed: it installs
 * with --ignore-scripts and pkgguard replays the scripts (replay.c). */
#include "adapter.h"

#include <string.h>

static bool yarn_matches(const char *base)
{
	return strcmp(base, "yarn") == 0 || strcmp(base, "yarnpkg") == 0;
}

static const char *const yarn_no_scripts[] = { "--ignore-scripts", NULL };
/* Bare `yarn` installs too (an empty subcommand). */
static const char *const yarn_installs[] = { "", "install", "add", "upgrade", NULL };

const struct pm_adapter pm_yarn = {
	.name = "yarn",
	.profile = "yarn",
	.matches = yarn_matches,
	.route = NULL,
	.no_scripts_args = yarn_no_scripts,
	.install_commands = yarn_installs,
};
