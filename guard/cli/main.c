/* main.c — the `pkgguard` command: dispatches to one file per subcommand
 * (commands.h). Only this file exits. */
#include "commands.h"
#include "array_size.h"
#include "log.h"
#include "version.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *out)
{
	fputs("usage: pkgguard run [--report FILE.json] [--strict] [--profile NAME] [--all-scripts] -- PM ARGS...\n"
	      "       pkgguard enable npm|pnpm     route plain installs through the sandbox (global config)\n"
	      "       pkgguard disable npm|pnpm    undo exactly what enable wrote\n"
	      "       pkgguard profile check FILE  validate a profile\n"
	      "       pkgguard profile show NAME   the effective policy after drop-ins\n"
	      "       pkgguard status [--json] [--socket PATH]\n"
	      "                                    pkgguardd's mode, uptime, counters, latency\n"
	      "       pkgguard doctor [--json]     what holds on this machine, each failing check with its fix\n"
	      "       pkgguard records [--since TIME] [--suspicious]\n"
	      "                                    what sandboxed scripts tried (the tripwire's kept records)\n"
	      "       pkgguard report FILE.json    render a report saved by run --report, with every finding\n"
	      "\n"
	      "pkgguard run installs with the real package manager (its network, cache and\n"
	      "auth are its own) while every lifecycle script runs in pkgguard-sandbox.\n", out);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} commands[] = {
		{ "run", cmd_run },
		{ "enable", cmd_enable },
		{ "disable", cmd_disable },
		{ "profile", cmd_profile },
		{ "status", cmd_status },
		{ "doctor", cmd_doctor },
		{ "records", cmd_records },
		{ "report", cmd_report },
	};

	log_set_program("pkgguard");
	if (argc < 2) {
		usage(stderr);
		return CMD_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return CMD_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("pkgguard %s\n", PKGGUARD_VERSION);
		return CMD_OK;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	log_fail_plain(22, "unknown command \"%s\" (run, enable, disable, profile, status, doctor, records, report)", argv[1]);
	usage(stderr);
	return CMD_USAGE;
}
