/* record.c — writes the per-script record (record.h) as one JSON object,
 * atomically and durably (common/atomic_file.h), so a reader never sees
 * half a record. A tiny writer of our own: the object is
 * flat and small, and pkgguard-sandbox starts for every script, where each
 * shared library costs start-up time. */
#include "record.h"
#include "atomic_file.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A JSON string (quotes included); NULL becomes null. Control characters
 * and anything not plain ASCII-safe are escaped, so a hostile package name
 * or command cannot break the object. */
void record_json_string(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void json_field(FILE *f, const char *key, const char *value, int last)
{
	fprintf(f, "  \"%s\": ", key);
	record_json_string(f, value);
	fputs(last ? "\n" : ",\n", f);
}

void record_name(char *buf, size_t len)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(buf, len, "%d-%lld%09ld", (int)getpid(), (long long)ts.tv_sec, ts.tv_nsec);
}

int record_write(const char *dir, const struct script_record *r)
{
	char path[4096], stem[64], reason[512];
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (r->name)
		snprintf(stem, sizeof(stem), "%s", r->name);
	else
		record_name(stem, sizeof(stem));
	if ((size_t)snprintf(path, sizeof(path), "%s/%s.json", dir, stem) >= sizeof(path))
		return log_fail(ENAMETOOLONG, "record: %s", dir);
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return log_fail(errno, "record: open_memstream");
	fprintf(f, "{\n  \"record_version\": %d,\n", RECORD_VERSION);
	json_field(f, "package", r->package, 0);
	json_field(f, "version", r->version, 0);
	json_field(f, "pkg_dir", r->pkg_dir, 0);
	json_field(f, "event", r->event, 0);
	json_field(f, "command", r->command, 0);
	json_field(f, "profile", r->profile, 0);
	json_field(f, "override", r->override, 0);
	json_field(f, "override_refused", r->override_refused, 0);
	json_field(f, "confinement", r->confinement, 0);
	json_field(f, "outcome", r->outcome, 0);
	json_field(f, "tripwire", r->tripwire, 0);
	if (r->findings) {
		findings_reason(r->findings, reason, sizeof(reason));
		json_field(f, "verdict", findings_suspicious(r->findings) ? "suspicious" : "clean", 0);
		json_field(f, "reason", reason[0] ? reason : NULL, 0);
		json_field(f, "quarantine", r->quarantine, 0);
		fprintf(f, "  \"findings_dropped\": %zu,\n  \"findings\": ", r->findings->dropped);
		findings_write_json(f, r->findings);
		fputs(",\n", f);
	}
	fprintf(f, "  \"exit_status\": %d,\n  \"duration_ms\": %llu\n}\n", r->exit_status,
		(unsigned long long)r->duration_ms);
	if (fclose(f) != 0 || !text) {
		free(text);
		return log_fail(ENOMEM, "record: %s", path);
	}
	rc = atomic_file_replace(path, text, len, 0600);
	free(text);
	return rc;
}
