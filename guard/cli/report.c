/* report.c — the run's report: table and JSON (report.h). */
#include "report.h"
#include "atomic_file.h"
#include "log.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

size_t report_suspicious(const struct run_report *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->scripts.n; i++)
		n += r->scripts.v[i].verdict && strcmp(r->scripts.v[i].verdict, "suspicious") == 0;
	return n;
}

size_t report_count(const struct run_report *r, const char *outcome)
{
	size_t n = 0;
	for (size_t i = 0; i < r->scripts.n; i++)
		n += strcmp(r->scripts.v[i].outcome, outcome) == 0;
	return n;
}

/* Names and commands come from packages: print them without control
 * characters, so a hostile name cannot rewrite the terminal. */
static void print_clean(FILE *out, const char *s, int width)
{
	int n = 0;
	for (const unsigned char *p = (const unsigned char *)(s ? s : "-"); *p && (width <= 0 || n < width); p++, n++)
		fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, out);
	for (; n < width; n++)
		fputc(' ', out);
}

static const char *verdict(const struct script_row *row)
{
	if (strcmp(row->outcome, "ok") == 0)
		return "ok";
	if (strcmp(row->outcome, "timeout") == 0)
		return "killed: timeout";
	if (strcmp(row->outcome, "setup-error") == 0)
		return "sandbox setup failed";
	return "script failed";
}

void report_print(FILE *out, const struct run_report *r)
{
	char who[512];

	fprintf(out, "\npkgguard: %zu install script%s ran sandboxed (%s)\n", r->scripts.n,
		r->scripts.n == 1 ? "" : "s", r->mode);
	if (r->scripts.n)
		fprintf(out, "  %-36s %-12s %5s %8s  %s\n", "package", "event", "exit", "time", "verdict");
	for (size_t i = 0; i < r->scripts.n; i++) {
		const struct script_row *row = &r->scripts.v[i];
		snprintf(who, sizeof(who), "%s@%s", row->package ? row->package : "(project)",
			 row->version ? row->version : "?");
		fputs("  ", out);
		print_clean(out, who, 36);
		fputc(' ', out);
		print_clean(out, row->event, 12);
		fprintf(out, " %5d %6llums  %s%s%s", row->exit_status, (unsigned long long)row->duration_ms,
			verdict(row), row->override ? ", override " : "", row->override ? row->override : "");
		if (row->verdict && strcmp(row->verdict, "suspicious") == 0) {
			fputs(", SUSPICIOUS: ", out);
			print_clean(out, row->reason, 0);
		}
		fputc('\n', out);
		if (row->override_refused) {
			fputs("    ", out);
			print_clean(out, row->override_refused, 0);
			fputc('\n', out);
		}
	}
	if (r->n_skipped) {
		fprintf(out, "  not run by %s (not approved, or scripts disabled):\n", r->package_manager);
		for (size_t i = 0; i < r->n_skipped; i++) {
			snprintf(who, sizeof(who), "%s@%s", r->skipped[i].package, r->skipped[i].version ? r->skipped[i].version : "?");
			fputs("    ", out);
			print_clean(out, who, 34);
			fputc(' ', out);
			print_clean(out, r->skipped[i].events, 0);
			fputc('\n', out);
		}
	}
	fprintf(out, "pkgguard: %zu ok, %zu failed, %zu timed out, %zu setup errors, %zu skipped, %zu suspicious; %s exited %d\n",
		report_count(r, "ok"), report_count(r, "failed"), report_count(r, "timeout"),
		report_count(r, "setup-error"), r->n_skipped, report_suspicious(r), r->package_manager, r->pm_status);
	/* Said once here: the sandbox does not warn per script when it writes
	 * a record for this run. */
	size_t fallback = 0;
	for (size_t i = 0; i < r->scripts.n; i++)
		fallback += r->scripts.v[i].confinement && strcmp(r->scripts.v[i].confinement, "fallback") == 0;
	if (fallback)
		fprintf(out, "pkgguard: user namespaces are refused here (a container?): %zu of %zu scripts ran in the "
			"fallback — Landlock, seccomp, no network, private $HOME; weaker: no pid namespace or "
			"private /proc, no mount namespace, every AF_UNIX socket refused (pkgguard doctor says why)\n",
			fallback, r->scripts.n);
	for (size_t i = 0; i < r->scripts.n; i++)
		if (r->scripts.v[i].quarantine) {
			fputs("pkgguard: files kept from ", out);
			print_clean(out, r->scripts.v[i].package ? r->scripts.v[i].package : "(project)", 0);
			fputs(": ", out);
			print_clean(out, r->scripts.v[i].quarantine, 0);
			fputc('\n', out);
		}
}

static struct json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static struct json_object *report_json(const struct run_report *r)
{
	struct json_object *o = json_object_new_object(), *cmd = json_object_new_array();
	struct json_object *scripts = json_object_new_array(), *skipped = json_object_new_array();
	struct json_object *totals = json_object_new_object();

	json_object_object_add(o, "schema", json_object_new_int(2));
	json_object_object_add(o, "package_manager", jstr(r->package_manager));
	for (char *const *a = r->command; a && *a; a++)
		json_object_array_add(cmd, json_object_new_string(*a));
	json_object_object_add(o, "command", cmd);
	json_object_object_add(o, "mode", jstr(r->mode));
	json_object_object_add(o, "package_manager_exit_status", json_object_new_int(r->pm_status));
	json_object_object_add(o, "replay_exit_status", json_object_new_int(r->replay_status));
	for (size_t i = 0; i < r->scripts.n; i++) {
		const struct script_row *row = &r->scripts.v[i];
		struct json_object *s = json_object_new_object();
		json_object_object_add(s, "package", jstr(row->package));
		json_object_object_add(s, "version", jstr(row->version));
		json_object_object_add(s, "pkg_dir", jstr(row->pkg_dir));
		json_object_object_add(s, "resolved", jstr(row->resolved));
		json_object_object_add(s, "integrity", jstr(row->integrity));
		json_object_object_add(s, "event", jstr(row->event));
		json_object_object_add(s, "command", jstr(row->command));
		json_object_object_add(s, "profile", jstr(row->profile));
		json_object_object_add(s, "override", jstr(row->override));
		json_object_object_add(s, "override_refused", jstr(row->override_refused));
		json_object_object_add(s, "confinement", jstr(row->confinement));
		json_object_object_add(s, "outcome", jstr(row->outcome));
		json_object_object_add(s, "exit_status", json_object_new_int(row->exit_status));
		json_object_object_add(s, "duration_ms", json_object_new_int64((int64_t)row->duration_ms));
		json_object_object_add(s, "verdict", jstr(row->verdict));
		json_object_object_add(s, "reason", jstr(row->reason));
		json_object_object_add(s, "tripwire", jstr(row->tripwire));
		json_object_object_add(s, "quarantine", jstr(row->quarantine));
		json_object_object_add(s, "findings", row->findings ? json_object_get(row->findings) : json_object_new_array());
		json_object_array_add(scripts, s);
	}
	json_object_object_add(o, "scripts", scripts);
	for (size_t i = 0; i < r->n_skipped; i++) {
		struct json_object *s = json_object_new_object();
		json_object_object_add(s, "package", jstr(r->skipped[i].package));
		json_object_object_add(s, "version", jstr(r->skipped[i].version));
		json_object_object_add(s, "pkg_dir", jstr(r->skipped[i].pkg_dir));
		json_object_object_add(s, "events", jstr(r->skipped[i].events));
		json_object_object_add(s, "reason", json_object_new_string("not run by the package manager (not approved, or scripts disabled)"));
		json_object_array_add(skipped, s);
	}
	json_object_object_add(o, "skipped", skipped);
	json_object_object_add(totals, "scripts", json_object_new_int64((int64_t)r->scripts.n));
	json_object_object_add(totals, "ok", json_object_new_int64((int64_t)report_count(r, "ok")));
	json_object_object_add(totals, "failed", json_object_new_int64((int64_t)report_count(r, "failed")));
	json_object_object_add(totals, "timeout", json_object_new_int64((int64_t)report_count(r, "timeout")));
	json_object_object_add(totals, "setup_error", json_object_new_int64((int64_t)report_count(r, "setup-error")));
	json_object_object_add(totals, "skipped", json_object_new_int64((int64_t)r->n_skipped));
	json_object_object_add(totals, "suspicious", json_object_new_int64((int64_t)report_suspicious(r)));
	json_object_object_add(o, "totals", totals);
	return o;
}

int report_write_json(const char *path, const struct run_report *r)
{
	struct json_object *o = report_json(r);
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	struct atomic_file f;
	int rc = atomic_file_open(&f, path);

	if (rc == 0)
		rc = atomic_file_write(&f, text, strlen(text));
	if (rc == 0)
		rc = atomic_file_write(&f, "\n", 1);
	if (rc == 0)
		rc = atomic_file_commit(&f, 0644);
	json_object_put(o);
	return rc;
}

void report_free_skipped(struct run_report *r)
{
	for (size_t i = 0; i < r->n_skipped; i++) {
		free(r->skipped[i].package);
		free(r->skipped[i].version);
		free(r->skipped[i].pkg_dir);
		free(r->skipped[i].events);
	}
	free(r->skipped);
	r->skipped = NULL;
	r->n_skipped = 0;
}
