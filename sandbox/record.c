/* record.c — writes the per-script record (record.h) as one JSON object,
 * atomically: a temporary file in the same directory, then rename(), so a
 * reader never sees half a record. A tiny writer of our own: the object is
 * flat and small, and pkgguard-sandbox starts for every script, where each
 * shared library costs start-up time. */
#include "record.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A JSON string (quotes included); NULL becomes null. Control characters
 * and anything not plain ASCII-safe are escaped, so a hostile package name
 * or command cannot break the object. */
static void json_string(FILE *f, const char *s)
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
	json_string(f, value);
	fputs(last ? "\n" : ",\n", f);
}

int record_write(const char *dir, const struct script_record *r)
{
	char tmp[4096], path[4096];
	struct timespec ts;
	int fd, err;

	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(path, sizeof(path), "%s/%d-%lld%09ld.json", dir, (int)getpid(), (long long)ts.tv_sec,
		 ts.tv_nsec);
	snprintf(tmp, sizeof(tmp), "%s/.%d.tmp", dir, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return log_fail(errno, "record: create %s", tmp);
	FILE *f = fdopen(fd, "w");
	if (!f) {
		err = errno;
		close(fd);
		unlink(tmp);
		return log_fail(err, "record: fdopen %s", tmp);
	}
	fputs("{\n", f);
	json_field(f, "package", r->package, 0);
	json_field(f, "version", r->version, 0);
	json_field(f, "pkg_dir", r->pkg_dir, 0);
	json_field(f, "event", r->event, 0);
	json_field(f, "command", r->command, 0);
	json_field(f, "profile", r->profile, 0);
	json_field(f, "override", r->override, 0);
	json_field(f, "confinement", r->confinement, 0);
	json_field(f, "outcome", r->outcome, 0);
	fprintf(f, "  \"exit_status\": %d,\n  \"duration_ms\": %llu\n}\n", r->exit_status,
		(unsigned long long)r->duration_ms);
	if (fflush(f) != 0 || ferror(f)) {
		err = errno ? errno : EIO;
		fclose(f);
		unlink(tmp);
		return log_fail(err, "record: write %s", tmp);
	}
	fclose(f);
	if (rename(tmp, path) != 0) {
		err = errno;
		unlink(tmp);
		return log_fail(err, "record: rename to %s", path);
	}
	return 0;
}
