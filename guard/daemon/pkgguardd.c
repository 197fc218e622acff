/* pkgguardd.c — main of the fanotify guard: options, then fan_guard.c.
 *   pkgguardd [--foreground] [--config FILE] [--mode enforce|deny|audit]
 *             [--control PATH] [--verbose]
 * Exit: 0 stopped by SIGTERM/SIGINT; 1 runtime error; 2 usage or
 * configuration error; 3 fanotify unavailable (not root, kernel without
 * permission events). Only this file exits. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control_proto.h"
#include "daemon_config.h"
#include "fan_guard.h"
#include "log.h"
#include "self_path.h"

static void usage(FILE *out)
{
	fputs("usage: pkgguardd [--foreground] [--config FILE] [--mode enforce|deny|audit]\n"
	      "                 [--control PATH] [--verbose]\n", out);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "config", required_argument, NULL, 'c' },
		{ "mode", required_argument, NULL, 'm' },
		{ "control", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct fan_guard g = { .config_file = PKGGUARDD_CONFIG, .mode_override = -1,
			       .control_path = PKGGUARD_CONTROL_SOCKET };
	enum guard_mode mode;
	char *sandbox;
	int c, r;

	log_set_program("pkgguardd");
	while ((c = getopt_long(argc, argv, "fc:m:s:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			break; /* always foreground: systemd (Type=notify) supervises */
		case 'c':
			g.config_file = optarg;
			g.config_must_exist = true;
			break;
		case 'm':
			if (daemon_config_parse_mode(optarg, &mode)) {
				fprintf(stderr, "pkgguardd: --mode: expected enforce, deny or audit, not \"%s\"\n", optarg);
				return 2;
			}
			g.mode_override = (int)mode;
			break;
		case 's':
			g.control_path = optarg[0] ? optarg : NULL;
			break;
		case 'v':
			log_set_verbose(1);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	sandbox = self_sibling("pkgguard-sandbox");
	g.sandbox_path = sandbox;
	r = fan_guard_open(&g);
	if (r == 0)
		r = fan_guard_run(&g);
	fan_guard_close(&g);
	free(sandbox);
	if (r == -EPERM || r == -ENOSYS || r == -EINVAL || r == -ENOENT)
		return g.fan_fd < 0 && g.policy.npms ? 3 : 2;
	return r ? 1 : 0;
}
