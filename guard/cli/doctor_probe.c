/* doctor_probe.c — the readings the doctor's checks are made of. */
#include "doctor_probe.h"
#include "pm_query.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define AA_PROFILES "/sys/kernel/security/apparmor/profiles"

static FILE *open_switch(const struct doctor_ctx *ctx, const char *path)
{
	char full[PATH_MAX];
	if (!ctx->test_root)
		return fopen(path, "re");
	snprintf(full, sizeof(full), "%s%s", ctx->test_root, path);
	return fopen(full, "re");
}

long doctor_read_long(const struct doctor_ctx *ctx, const char *path)
{
	FILE *f = open_switch(ctx, path);
	long v = -1;
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

int doctor_apparmor_loaded(const struct doctor_ctx *ctx, const char *name, char *mode, size_t len)
{
	FILE *f = open_switch(ctx, AA_PROFILES);
	char line[512];
	size_t n = strlen(name);
	int found = 0;

	if (!f)
		return -1;
	/* One profile a line: "NAME (MODE)". */
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, name, n) == 0 && line[n] == ' ' && line[n + 1] == '(') {
			found = 1;
			if (mode)
				snprintf(mode, len, "%.*s", (int)strcspn(line + n + 2, ")"), line + n + 2);
			break;
		}
	fclose(f);
	return found;
}

int doctor_sandbox_true(const char *sandbox, bool require_ns, char *first, size_t len)
{
	char dir[] = "/tmp/pkgguard-doctor.XXXXXX";
	if (!mkdtemp(dir)) {
		snprintf(first, len, "mkdtemp %s: %s", dir, strerror(errno));
		return -errno;
	}
	const char *argv[] = { sandbox, "--pkg-dir", dir, "--project-dir", dir,
			       require_ns ? "--require-namespaces" : "--", require_ns ? "--" : "/bin/true",
			       require_ns ? "/bin/true" : NULL, NULL };
	int st = command_first_line(argv, dir, 2, first, len);
	rmdir(dir);
	return st;
}
