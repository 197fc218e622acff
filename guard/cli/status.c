/* status.c — `pkgguard status [--json] [--socket PATH]`: asks pkgguardd over
 * its control socket (control_proto.h) for its mode, uptime, counters and
 * decision latency, and prints the answer as it comes (control_client.c
 * bounds the exchange). A daemon that is not running is one line and
 * exit 1. */
#include "commands.h"
#include "control_client.h"
#include "control_proto.h"
#include "log.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void status_usage(FILE *out)
{
	fputs("usage: pkgguard status [--json] [--socket PATH]\n"
	      "  --json         one JSON object instead of text\n"
	      "  --socket PATH  the daemon's control socket (default " PKGGUARD_CONTROL_SOCKET ")\n",
	      out);
}

int cmd_status(int argc, char **argv)
{
	const char *path = PKGGUARD_CONTROL_SOCKET;
	bool json = false;

	int rc = control_cli_options(argc, argv, status_usage, &json, &path);
	if (rc >= 0)
		return rc;

	char *answer = NULL, why[512];
	if (control_request(path, json ? "status json\n" : "status\n", &answer, why, sizeof(why)) != 0) {
		log_fail_plain(EIO, "status: %s", why);
		return CMD_FAIL;
	}

	size_t len = strlen(answer);
	if (len == 0) {
		free(answer);
		log_fail_plain(EPROTO, "status: pkgguardd closed %s without an answer", path);
		return CMD_FAIL;
	}
	/* The daemon's own refusal ("error: ...") is an error here too. */
	if (strncmp(answer, "error:", 6) == 0) {
		log_fail_plain(EPROTO, "status: pkgguardd answered: %.*s", (int)strcspn(answer + 6, "\n") + 6,
			       answer);
		free(answer);
		return CMD_FAIL;
	}
	fputs(answer, stdout);
	if (answer[len - 1] != '\n')
		putchar('\n');
	free(answer);
	if (fflush(stdout) != 0) {
		log_fail(errno, "status: write to stdout");
		return CMD_FAIL;
	}
	return CMD_OK;
}
