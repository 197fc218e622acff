/* adapter_pnpm.c — pnpm reads its script shell from PNPM_CONFIG_SCRIPT_SHELL
 * and ignores npm_config_script_shell (docs/PACKAGE-MANAGERS.md). */
#include "adapter.h"
#include "env_vec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool pnpm_matches(const char *base)
{
	return strcmp(base, "pnpm") == 0 || strcmp(base, "pnpx") == 0;
}

static int pnpm_route(char ***env, const char *sandbox)
{
	char *entry;
	if (asprintf(&entry, "PNPM_CONFIG_SCRIPT_SHELL=%s", sandbox) < 0)
		return -ENOMEM;
	int r = env_set(env, entry);
	free(entry);
	return r;
}

/* pnpm's shell emulator runs scripts itself and ignores the script shell
 * (measured with pnpm 12: only the command-line flag turns it on). */
static bool pnpm_routable(char *const *argv)
{
	for (char *const *a = argv + 1; *a; a++)
		if (strcmp(*a, "--shell-emulator") == 0 || strcmp(*a, "--shell-emulator=true") == 0)
			return false;
	return true;
}

static const char *const pnpm_no_scripts[] = { "--ignore-scripts", NULL };
static const char *const pnpm_installs[] = { "install", "i", "add", "update", "up", "rebuild",
					     "approve-builds", NULL };

const struct pm_adapter pm_pnpm = {
	.name = "pnpm",
	.profile = "pnpm",
	.matches = pnpm_matches,
	.route = pnpm_route,
	.routable = pnpm_routable,
	.no_scripts_args = pnpm_no_scripts,
	.install_commands = pnpm_installs,
};
