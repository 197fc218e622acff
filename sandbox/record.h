/* record.h — the per-script record pkgguard-sandbox leaves for a caller
 * that asked for one (environment PKGGUARD_RECORD_DIR, set by `pkgguard
 * run`): one JSON object per file, <dir>/<pid>-<ns>.json, written
 * atomically. The caller reads them back (guard/cli/records.c) for its report.
 * The forensic record (destinations tried, writes refused, processes
 * killed at teardown) will extend this object. */
#ifndef PKGGUARD_RECORD_H
#define PKGGUARD_RECORD_H

#include <stdint.h>

struct script_record {
	const char *package;      /* from the path under node_modules, may be NULL */
	const char *version;      /* npm_package_version from the package manager, or NULL */
	const char *pkg_dir;
	const char *event;        /* npm_lifecycle_event, or NULL */
	const char *command;      /* the shell command or argv[0] */
	const char *profile;
	const char *override;     /* "FILE:LINE" of a per-package override, or NULL */
	const char *confinement;  /* "namespaces" or "fallback" */
	int exit_status;          /* what pkgguard-sandbox exits with */
	const char *outcome;      /* "ok", "failed", "timeout", "setup-error" */
	uint64_t duration_ms;
};

/* Writes r into dir. Returns 0 or -errno (reported on stderr). */
int record_write(const char *dir, const struct script_record *r);

#endif
