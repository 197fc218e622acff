/* records_cmd.c — `pkgguard records [--since TIME] [--suspicious]` lists
 * the tripwire's records kept in the user's state directory (state_dir.h):
 * the runs `pkgguard run` kept and the scripts pkgguardd reparsed;
 * `pkgguard report FILE` renders a saved `pkgguard run --report` (schema 1
 * or 2) as the run's table, with every finding of each script. */
#include "commands.h"
#include "log.h"
#include "records.h"
#include "report.h"
#include "state_dir.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

struct listed {
	char *path;
	time_t mtime;
	struct script_row row;
};

struct listing {
	struct listed *v;
	size_t n, cap;
	time_t since;
	bool suspicious_only;
};

/* "2h", "30m", "7d", "45s" ago; "@EPOCH"; "YYYY-MM-DD[ HH:MM[:SS]]" (or
 * with a T), local time. Returns 0 or -EINVAL. */
static int parse_since(const char *s, time_t *out)
{
	char *end;
	struct tm tm;

	if (s[0] == '@') {
		long long v = strtoll(s + 1, &end, 10);
		if (end == s + 1 || *end)
			return -EINVAL;
		*out = (time_t)v;
		return 0;
	}
	if (isdigit((unsigned char)s[0])) {
		long long v = strtoll(s, &end, 10);
		long long unit = *end == 's' ? 1 : *end == 'm' ? 60 : *end == 'h' ? 3600 : *end == 'd' ? 86400 : 0;
		if (unit && end[1] == '\0' && v >= 0) {
			*out = time(NULL) - (time_t)(v * unit);
			return 0;
		}
	}
	static const char *const formats[] = { "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M",
					       "%Y-%m-%dT%H:%M", "%Y-%m-%d" };
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		memset(&tm, 0, sizeof(tm));
		end = strptime(s, formats[i], &tm);
		if (end && *end == '\0') {
			tm.tm_isdst = -1;
			*out = mktime(&tm);
			return 0;
		}
	}
	return -EINVAL;
}

static int is_json(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".json") == 0;
}

/* Adds the records of one directory that pass the filters. */
static int list_dir(struct listing *l, const char *dir)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, is_json, alphasort);
	int rc = 0;

	if (n < 0)
		return errno == ENOENT ? 0 : log_fail(errno, "records: read %s", dir);
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;
		int len = snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		free(names[i]);
		if (rc || len < 0 || (size_t)len >= sizeof(path) || stat(path, &st) != 0 || st.st_mtime < l->since)
			continue;
		struct json_object *o = json_object_from_file(path);
		struct script_row row;
		if (!o || record_row_parse(o, &row, dir) != 0) {
			if (o)
				record_row_free(&row);
			json_object_put(o);
			log_warn("records: %s is not a record; skipped", path);
			continue;
		}
		json_object_put(o);
		if (l->suspicious_only && !(row.verdict && strcmp(row.verdict, "suspicious") == 0)) {
			record_row_free(&row);
			continue;
		}
		if (l->n == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 32;
			struct listed *v = realloc(l->v, cap * sizeof(*v));
			if (!v) {
				record_row_free(&row);
				rc = log_fail(ENOMEM, "records");
				continue;
			}
			l->v = v;
			l->cap = cap;
		}
		l->v[l->n] = (struct listed){ .path = strdup(path), .mtime = st.st_mtime, .row = row };
		l->n++;
	}
	free(names);
	return rc;
}

/* The runs `pkgguard run` kept: one directory each. */
static int list_runs(struct listing *l, const char *runs)
{
	struct dirent *de;
	DIR *d = opendir(runs);
	int rc = 0;

	if (!d)
		return errno == ENOENT ? 0 : log_fail(errno, "records: read %s", runs);
	while (rc == 0 && (de = readdir(d))) {
		char sub[4096];
		if (strncmp(de->d_name, "run-", 4) != 0 ||
		    (size_t)snprintf(sub, sizeof(sub), "%s/%s", runs, de->d_name) >= sizeof(sub))
			continue;
		rc = list_dir(l, sub);
	}
	closedir(d);
	return rc;
}

static int by_mtime(const void *a, const void *b)
{
	const struct listed *x = a, *y = b;
	return x->mtime < y->mtime ? -1 : x->mtime > y->mtime;
}

/* Package names and reasons come from packages: no control characters. */
static void put_clean(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : "-"); *p; p++)
		putchar(*p < 0x20 || *p == 0x7f ? '?' : *p);
}

int cmd_records(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "suspicious", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct listing l = { 0 };
	char runs[4096], records[4096];
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (parse_since(optarg, &l.since) != 0) {
				log_fail_plain(EINVAL, "records: --since %s: use 2h, 30m, 7d, @EPOCH or YYYY-MM-DD[ HH:MM[:SS]]", optarg);
				return CMD_USAGE;
			}
			break;
		case 'S': l.suspicious_only = true; break;
		case 'h':
			puts("usage: pkgguard records [--since TIME] [--suspicious]");
			return CMD_OK;
		default: return CMD_USAGE;
		}
	}
	if (optind != argc) {
		log_fail_plain(EINVAL, "records: unexpected argument \"%s\"", argv[optind]);
		return CMD_USAGE;
	}
	if (state_dir_path("runs", 0, runs, sizeof(runs)) != 0 || state_dir_path("records", 0, records, sizeof(records)) != 0) {
		log_fail_plain(ENOENT, "records: no state directory (set HOME or XDG_STATE_HOME)");
		return CMD_FAIL;
	}
	rc = list_runs(&l, runs);
	if (rc == 0)
		rc = list_dir(&l, records);
	qsort(l.v, l.n, sizeof(*l.v), by_mtime);
	for (size_t i = 0; i < l.n; i++) {
		const struct script_row *r = &l.v[i].row;
		char when[32];
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime(&l.v[i].mtime));
		printf("%s  %-10s  ", when, r->verdict ? r->verdict : "-");
		put_clean(r->package ? r->package : "(project)");
		putchar('@');
		put_clean(r->version ? r->version : "?");
		putchar(' ');
		put_clean(r->event);
		printf("  exit %d", r->exit_status);
		if (r->reason) {
			fputs("  ", stdout);
			put_clean(r->reason);
		}
		putchar('\n');
		printf("    %s\n", l.v[i].path);
		if (r->quarantine)
			printf("    kept: %s\n", r->quarantine);
	}
	if (l.n == 0)
		printf("no records%s%s\n", l.suspicious_only ? " of suspicious scripts" : "", l.since ? " since then" : "");
	for (size_t i = 0; i < l.n; i++) {
		free(l.v[i].path);
		record_row_free(&l.v[i].row);
	}
	free(l.v);
	return rc ? CMD_FAIL : CMD_OK;
}

/* ---- pkgguard report FILE ---- */

static char *str_of(struct json_object *o, const char *key)
{
	struct json_object *v;
	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
		       ? strdup(json_object_get_string(v))
		       : NULL;
}

static int int_of(struct json_object *o, const char *key)
{
	struct json_object *v;
	return json_object_object_get_ex(o, key, &v) ? json_object_get_int(v) : 0;
}

static void print_findings(const struct script_row *r)
{
	size_t n = r->findings ? json_object_array_length(r->findings) : 0;
	if (!n)
		return;
	fputs("  ", stdout);
	put_clean(r->package ? r->package : "(project)");
	putchar(' ');
	put_clean(r->event);
	printf(": %s\n", r->verdict ? r->verdict : "-");
	for (size_t i = 0; i < n; i++) {
		struct json_object *f = json_object_array_get_idx(r->findings, i);
		char *sev = str_of(f, "severity"), *sum = str_of(f, "summary"), *sha = str_of(f, "sha256");
		char *q = str_of(f, "quarantine");
		int count = int_of(f, "count");
		printf("    [%s] ", sev ? sev : "?");
		put_clean(sum);
		if (count > 1)
			printf(" (x%d)", count);
		if (sha)
			printf("\n        sha256 %s", sha);
		if (q && r->quarantine && strchr(q, '/')) {
			fputs("\n        kept as ", stdout);
			put_clean(r->quarantine);
			put_clean(strrchr(q, '/'));
		}
		putchar('\n');
		free(sev);
		free(sum);
		free(sha);
		free(q);
	}
}

int cmd_report(int argc, char **argv)
{
	struct run_report rep = { 0 };
	struct json_object *o, *v;
	char **command = NULL;
	int rc = CMD_FAIL;

	if (argc != 2 || argv[1][0] == '-') {
		fputs("usage: pkgguard report FILE.json   (a report `pkgguard run --report` saved)\n",
		      argc == 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr);
		return argc == 2 && strcmp(argv[1], "--help") == 0 ? CMD_OK : CMD_USAGE;
	}
	if (!(o = json_object_from_file(argv[1]))) {
		log_fail_plain(EBADMSG, "report: %s: not a readable JSON file", argv[1]);
		return CMD_FAIL;
	}
	int schema = int_of(o, "schema");
	if (schema != 1 && schema != 2) {
		log_fail_plain(EBADMSG, "report: %s: schema %d (this pkgguard reads 1 and 2)", argv[1], schema);
		goto out;
	}
	char *pm = str_of(o, "package_manager"), *mode = str_of(o, "mode");
	rep.package_manager = pm ? pm : "?";
	rep.mode = mode ? mode : "?";
	rep.pm_status = int_of(o, "package_manager_exit_status");
	rep.replay_status = int_of(o, "replay_exit_status");
	if (json_object_object_get_ex(o, "command", &v) && json_object_is_type(v, json_type_array)) {
		size_t n = json_object_array_length(v);
		command = calloc(n + 1, sizeof(char *));
		for (size_t i = 0; command && i < n; i++)
			command[i] = (char *)json_object_get_string(json_object_array_get_idx(v, i));
		rep.command = command;
	}
	size_t ns = json_object_object_get_ex(o, "scripts", &v) && json_object_is_type(v, json_type_array)
			    ? json_object_array_length(v) : 0;
	rep.scripts.v = calloc(ns + 1, sizeof(*rep.scripts.v));
	for (size_t i = 0; rep.scripts.v && i < ns; i++) {
		if (record_row_parse(json_object_array_get_idx(v, i), &rep.scripts.v[rep.scripts.n], NULL) != 0) {
			record_row_free(&rep.scripts.v[rep.scripts.n]);
			log_fail_plain(EBADMSG, "report: %s: script %zu is incomplete", argv[1], i + 1);
			goto done;
		}
		rep.scripts.n++;
	}
	size_t nk = json_object_object_get_ex(o, "skipped", &v) && json_object_is_type(v, json_type_array)
			    ? json_object_array_length(v) : 0;
	rep.skipped = calloc(nk + 1, sizeof(*rep.skipped));
	for (size_t i = 0; rep.skipped && i < nk; i++) {
		struct json_object *s = json_object_array_get_idx(v, i);
		rep.skipped[i] = (struct skipped_script){ .package = str_of(s, "package"), .version = str_of(s, "version"),
							  .pkg_dir = str_of(s, "pkg_dir"), .events = str_of(s, "events") };
		rep.n_skipped++;
	}
	printf("pkgguard report %s\n", argv[1]);
	report_print(stdout, &rep);
	if (report_suspicious(&rep) || schema == 2)
		putchar('\n');
	for (size_t i = 0; i < rep.scripts.n; i++)
		print_findings(&rep.scripts.v[i]);
	rc = CMD_OK;
done:
	records_free(&rep.scripts);
	report_free_skipped(&rep);
	free(command);
	free(pm);
	free(mode);
out:
	json_object_put(o);
	return rc;
}
