/* adapter_npm.c — npm (and npx): every lifecycle script, the implicit
 * `node-gyp rebuild` included, runs as `<script-shell> -c "<command>"` when
 * the environment says npm_config_script_shell. */
#include "adapter.h"
#include "env_vec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool npm_matches(const char *base)
{
	return strcmp(base, "npm") == 0 || strcmp(base, "npx") == 0;
}

static int npm_route(char ***env, const char *sandbox)
{
	char *entry;
	if (asprintf(&entry, "npm_config_script_shell=%s", sandbox) < 0)
		return -ENOMEM;
	int r = env_set(env, entry);
	free(entry);
	return r;
}

static const char *const npm_no_scripts[] = { "--ignore-scripts", NULL };
static const char *const npm_installs[] = { "install", "i", "add", "ci", "update", "up", "rebuild", NULL };

const struct pm_adapter pm_npm = {
	.name = "npm",
	.profile = "npm",
	.matches = npm_matches,
	.route = npm_route,
	.no_scripts_args = npm_no_scripts,
	.install_commands = npm_installs,
};
