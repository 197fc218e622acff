/* records.c — reads the record directory of a `pkgguard run` with json-c. */
#include "records.h"
#include "log.h"
#include "package_name.h"

#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_field(struct json_object *o, const char *key)
{
	struct json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || json_object_get_type(v) != json_type_string)
		return NULL;
	return strdup(json_object_get_string(v));
}

static int64_t int_field(struct json_object *o, const char *key)
{
	struct json_object *v;
	if (!json_object_object_get_ex(o, key, &v))
		return -1;
	return json_object_get_int64(v);
}

int record_row_parse(struct json_object *o, struct script_row *row, const char *dir)
{
	struct json_object *v;

	memset(row, 0, sizeof(*row));
	row->package = dup_field(o, "package");
	row->version = dup_field(o, "version");
	row->pkg_dir = dup_field(o, "pkg_dir");
	row->event = dup_field(o, "event");
	row->command = dup_field(o, "command");
	row->profile = dup_field(o, "profile");
	row->override = dup_field(o, "override");
	row->override_refused = dup_field(o, "override_refused");
	row->confinement = dup_field(o, "confinement");
	row->outcome = dup_field(o, "outcome");
	row->exit_status = (int)int_field(o, "exit_status");
	int64_t ms = int_field(o, "duration_ms");
	row->duration_ms = ms > 0 ? (uint64_t)ms : 0;
	/* A record without a name (an older sandbox, or one started without
	 * --package outside -c mode) is named by its directory, by the same
	 * rule as everywhere else. */
	char name[512];
	if (!row->package && row->pkg_dir && package_name_from_path(row->pkg_dir, name, sizeof(name)) == 0)
		row->package = strdup(name);
	row->verdict = dup_field(o, "verdict");
	row->reason = dup_field(o, "reason");
	row->tripwire = dup_field(o, "tripwire");
	char *q = dup_field(o, "quarantine");
	/* A record names its quarantine inside its own directory only; a
	 * report (dir NULL) has the absolute path already. */
	if (q && dir && !strchr(q, '/') && q[0] != '.' && asprintf(&row->quarantine, "%s/%s", dir, q) < 0)
		row->quarantine = NULL;
	if (q && !dir && q[0] == '/')
		row->quarantine = strdup(q);
	free(q);
	if (json_object_object_get_ex(o, "findings", &v) && json_object_get_type(v) == json_type_array)
		row->findings = json_object_get(v);
	return row->outcome && row->command ? 0 : -EBADMSG;
}

void record_row_free(struct script_row *r)
{
	free(r->package);
	free(r->version);
	free(r->pkg_dir);
	free(r->event);
	free(r->command);
	free(r->profile);
	free(r->override);
	free(r->override_refused);
	free(r->confinement);
	free(r->outcome);
	free(r->resolved);
	free(r->integrity);
	free(r->verdict);
	free(r->reason);
	free(r->tripwire);
	free(r->quarantine);
	json_object_put(r->findings);
}

void records_free(struct script_rows *rows)
{
	for (size_t i = 0; i < rows->n; i++)
		record_row_free(&rows->v[i]);
	free(rows->v);
	rows->v = NULL;
	rows->n = 0;
}

/* Record files are named <pid>-<nanoseconds>.json: sort by the time. */
static int by_time(const struct dirent **a, const struct dirent **b)
{
	const char *x = strchr((*a)->d_name, '-'), *y = strchr((*b)->d_name, '-');
	return strcmp(x ? x : (*a)->d_name, y ? y : (*b)->d_name);
}

static int is_record(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".json") == 0;
}

int records_load(const char *dir, struct script_rows *out)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, is_record, by_time);
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (n < 0)
		return log_fail(errno, "report: read records in %s", dir);
	out->v = calloc((size_t)n + 1, sizeof(*out->v));
	if (!out->v)
		rc = log_fail(ENOMEM, "report: records");
	for (int i = 0; i < n && rc == 0; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		struct json_object *o = json_object_from_file(path);
		if (!o || record_row_parse(o, &out->v[out->n], dir) != 0) {
			if (o)
				record_row_free(&out->v[out->n]);
			rc = log_fail_plain(EBADMSG, "report: unreadable script record %s", path);
		} else {
			out->n++;
		}
		json_object_put(o);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (rc)
		records_free(out);
	return rc;
}
