/* doctor.c — `pkgguard doctor [--json] [--socket PATH]`: one line per
 * check of what pkgguard relies on here, each failing one with its fix.
 * Exit 0 when every guarantee holds (warnings and checks this user cannot
 * make do not count), 1 otherwise. */
#include "commands.h"
#include "control_client.h"
#include "control_proto.h"
#include "doctor.h"
#include "log.h"
#include "self_path.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_names[] = {
	[DOCTOR_OK] = "ok", [DOCTOR_WARN] = "warn", [DOCTOR_FAIL] = "FAIL", [DOCTOR_SKIP] = "skip",
};

void doctor_set(struct doctor_line *line, enum doctor_status st, const char *fix, const char *fmt, ...)
{
	va_list ap;
	line->status = st;
	va_start(ap, fmt);
	vsnprintf(line->detail, sizeof(line->detail), fmt, ap);
	va_end(ap);
	snprintf(line->fix, sizeof(line->fix), "%s", fix ? fix : "");
}

static void doctor_usage(FILE *out)
{
	fputs("usage: pkgguard doctor [--json] [--socket PATH]\n"
	      "  one line per check of what pkgguard relies on here (user namespaces, AppArmor,\n"
	      "  Landlock, seccomp, fanotify, the daemon, npm/pnpm routing, versions), each\n"
	      "  failing one with its fix; exit 0 when every guarantee holds, 1 otherwise\n"
	      "  --json         one JSON object instead of text\n"
	      "  --socket PATH  pkgguardd's control socket (default " PKGGUARD_CONTROL_SOCKET ")\n",
	      out);
}

static void print_text(const struct doctor_line *l)
{
	printf("%-5s %-27s %s", status_names[l->status], l->check, l->detail);
	if (l->fix[0] && l->status != DOCTOR_OK)
		printf(" — fix: %s", l->fix);
	putchar('\n');
}

static json_object *line_json(const struct doctor_line *l)
{
	json_object *o = json_object_new_object();
	const char *st = l->status == DOCTOR_FAIL ? "fail" : status_names[l->status];
	json_object_object_add(o, "check", json_object_new_string(l->check));
	json_object_object_add(o, "status", json_object_new_string(st));
	json_object_object_add(o, "detail", json_object_new_string(l->detail));
	json_object_object_add(o, "fix", l->fix[0] && l->status != DOCTOR_OK ? json_object_new_string(l->fix) : NULL);
	return o;
}

int cmd_doctor(int argc, char **argv)
{
	struct doctor_ctx ctx = { .socket = PKGGUARD_CONTROL_SOCKET };
	bool json = false;

	int rc = control_cli_options(argc, argv, doctor_usage, &json, &ctx.socket);
	if (rc >= 0)
		return rc;
	ctx.test_root = getenv("PKGGUARD_DOCTOR_TEST_ROOT");
	if (ctx.test_root && !*ctx.test_root)
		ctx.test_root = NULL;
	ctx.sandbox = self_sibling("pkgguard-sandbox");

	json_object *checks = json ? json_object_new_array() : NULL;
	size_t failed = 0, warned = 0, total = 0;
	doctor_check_fn *const *lists[] = { doctor_kernel_checks, doctor_setup_checks };
	for (size_t k = 0; k < 2; k++)
		for (doctor_check_fn *const *fn = lists[k]; *fn; fn++) {
			struct doctor_line line = { .check = "?", .status = DOCTOR_FAIL };
			(*fn)(&ctx, &line);
			/* Each line as it comes: a slow check (npm) shows progress. */
			if (json)
				json_object_array_add(checks, line_json(&line));
			else
				print_text(&line);
			fflush(stdout);
			failed += line.status == DOCTOR_FAIL;
			warned += line.status == DOCTOR_WARN;
			total++;
		}
	free(ctx.sandbox);
	if (json) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "schema", json_object_new_int(1));
		json_object_object_add(o, "ok", json_object_new_boolean(failed == 0));
		json_object_object_add(o, "checks", checks);
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else {
		printf("%zu checks: %zu failed, %zu warnings\n", total, failed, warned);
	}
	if (fflush(stdout) != 0) {
		log_fail(errno, "doctor: write to stdout");
		return CMD_FAIL;
	}
	return failed ? CMD_FAIL : CMD_OK;
}
