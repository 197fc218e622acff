/* profile_cmd.c — `pkgguard profile check FILE` and `pkgguard profile show
 * NAME`: the loader of sandbox/profile.c, on the command line. show prints
 * the effective policy (inherit chain and /etc drop-ins applied) for a
 * package directory (--pkg-dir, default the current directory) and, with
 * --package, that package's override. */
#include "commands.h"
#include "log.h"
#include "profile.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void profile_usage(FILE *out)
{
	fputs("usage: pkgguard profile check FILE\n"
	      "       pkgguard profile show NAME [--profiles DIR] [--pkg-dir DIR] [--project-dir DIR] [--package NAME]\n",
	      out);
}

int cmd_profile(int argc, char **argv)
{
	enum { O_PROFILES = 256, O_PKG, O_PROJECT, O_PACKAGE };
	static const struct option longopts[] = {
		{ "profiles", required_argument, NULL, O_PROFILES },
		{ "pkg-dir", required_argument, NULL, O_PKG },
		{ "project-dir", required_argument, NULL, O_PROJECT },
		{ "package", required_argument, NULL, O_PACKAGE },
		{ NULL, 0, NULL, 0 },
	};
	const char *profiles_dir = NULL, *pkg_dir = NULL, *project_dir = NULL, *package = NULL;
	struct strlist search = { 0 };
	struct policy *pol = NULL;
	char err[1024], *cwd = NULL;
	int c, status = CMD_FAIL;

	if (argc < 3 || (strcmp(argv[1], "check") != 0 && strcmp(argv[1], "show") != 0)) {
		profile_usage(stderr);
		return CMD_USAGE;
	}
	optind = 2;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case O_PROFILES: profiles_dir = optarg; break;
		case O_PKG: pkg_dir = optarg; break;
		case O_PROJECT: project_dir = optarg; break;
		case O_PACKAGE: package = optarg; break;
		default: profile_usage(stderr); return CMD_USAGE;
		}
	}
	if (optind != argc - 1) {
		profile_usage(stderr);
		return CMD_USAGE;
	}
	const char *which = argv[optind];
	bool check = strcmp(argv[1], "check") == 0;
	if (check && !strchr(which, '/') && access(which, F_OK) != 0) {
		log_fail(errno, "profile check %s", which);
		return CMD_FAIL;
	}
	/* The user's own directory: relative paths mean what they typed. */
	if (profile_search_path(profiles_dir, true, &search, err, sizeof(err)) != 0) {
		log_fail_plain(EINVAL, "profile: %s", err);
		goto out;
	}
	if (!(cwd = getcwd(NULL, 0))) {
		log_fail(errno, "profile: getcwd");
		goto out;
	}
	struct profile_vars vars = {
		.pkg_dir = pkg_dir ? pkg_dir : cwd,
		.project_dir = project_dir,
		.home = getenv("HOME"),
		.tmpdir = getenv("TMPDIR"),
		.package = package,
	};
	/* A bare FILE name given to check is a file, not a profile name. */
	char *arg = check && !strchr(which, '/') ? NULL : strdup(which);
	if (!arg && asprintf(&arg, "./%s", which) < 0)
		arg = NULL;
	if (!arg) {
		log_fail(ENOMEM, "profile");
		goto out;
	}
	int r = profile_load(arg, &search, &vars, &pol, err, sizeof(err));
	free(arg);
	if (r != 0) {
		log_fail_plain(-r, "%s", err);
		goto out;
	}
	if (check)
		printf("%s: ok (profile \"%s\")\n", which, pol->name);
	else
		policy_print(pol, stdout);
	status = fflush(stdout) == 0 ? CMD_OK : CMD_FAIL;
out:
	policy_free(pol);
	strlist_free(&search);
	free(cwd);
	return status;
}
