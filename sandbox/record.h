/* record.h — the per-script record pkgguard-sandbox leaves for a caller
 * that asked for one (environment PKGGUARD_RECORD_DIR, set by `pkgguard
 * run`): one JSON object per file, <dir>/<pid>-<ns>.json, written
 * atomically. The caller reads them back (guard/cli/records.c) for its report.
 * Version 2 (record_version) adds the tripwire's findings (findings.h),
 * the verdict and where the quarantined copies are (README.md, "Records").
 * The record is written by pkgguard-sandbox's parent process, outside the
 * sandbox, into a directory the script cannot see. */
#ifndef PKGGUARD_RECORD_H
#define PKGGUARD_RECORD_H

#include <stdint.h>
#include <stdio.h>

#include "findings.h"

#define RECORD_VERSION 2

struct script_record {
	const char *package;      /* from the path under node_modules, may be NULL */
	const char *version;      /* npm_package_version from the package manager, or NULL */
	const char *pkg_dir;
	const char *event;        /* npm_lifecycle_event, or NULL */
	const char *command;      /* the shell command or argv[0] */
	const char *profile;
	const char *override;     /* "FILE:LINE" of a per-package override, or NULL */
	const char *override_refused; /* why a matching override was not used, or NULL */
	const char *confinement;  /* "namespaces" or "fallback" */
	int exit_status;          /* what pkgguard-sandbox exits with */
	const char *outcome;      /* "ok", "failed", "timeout", "setup-error" */
	uint64_t duration_ms;
	const char *name;         /* file stem "<pid>-<ns>", see record_name() */
	const struct findings *findings; /* NULL: the tripwire was off */
	const char *tripwire;     /* what the tripwire watched, or its limits */
	const char *quarantine;   /* "<stem>.quarantine" when files were kept, or NULL */
};

/* A fresh, unique file stem for a record: "<pid>-<nanoseconds>". */
void record_name(char *buf, size_t len);
/* A JSON string (quotes included); NULL becomes null. */
void record_json_string(FILE *f, const char *s);

/* Writes r into dir. Returns 0 or -errno (reported on stderr). */
int record_write(const char *dir, const struct script_record *r);

#endif
