/* report.h — what a `pkgguard run` tells the user: a short table on stderr
 * (one row per script, the scripts the package manager skipped, a total)
 * and, with --report, the same as JSON (schema in README.md), written
 * atomically. */
#ifndef PKGGUARD_CLI_REPORT_H
#define PKGGUARD_CLI_REPORT_H

#include <stdio.h>

#include "records.h"

struct skipped_script {
	char *package, *version, *pkg_dir;
	char *events;    /* "preinstall,postinstall", "install (node-gyp rebuild)" */
};

struct run_report {
	const char *package_manager;
	char *const *command;        /* the package manager's argv */
	const char *mode;            /* "routed" or "replayed" */
	int pm_status;               /* the package manager's exit status */
	int replay_status;           /* replay's (0 when not replayed) */
	struct script_rows scripts;
	struct skipped_script *skipped;
	size_t n_skipped;
};

void report_print(FILE *out, const struct run_report *r);
/* Writes the JSON report to path, atomically and durably (atomic_file.h). */
int report_write_json(const char *path, const struct run_report *r);
void report_free_skipped(struct run_report *r);
/* Counts of scripts by outcome. */
size_t report_count(const struct run_report *r, const char *outcome);
/* Scripts whose record's verdict is "suspicious" (the tripwire's). */
size_t report_suspicious(const struct run_report *r);

#endif
