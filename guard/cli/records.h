/* records.h — the per-script records pkgguard-sandbox left in a run's
 * record directory (sandbox/record.h), read back for the report. */
#ifndef PKGGUARD_RECORDS_H
#define PKGGUARD_RECORDS_H

#include <stddef.h>
#include <stdint.h>

struct json_object;

struct script_row {
	char *package, *version, *pkg_dir, *event, *command, *profile, *override, *override_refused, *confinement,
		*outcome;
	char *resolved, *integrity; /* from the lockfile (pkgtree.c), or NULL */
	/* The tripwire's (record version 2); NULL in older records. */
	char *verdict, *reason, *tripwire;
	char *quarantine;           /* absolute path of the kept copies, or NULL */
	struct json_object *findings; /* the record's array, a reference */
	int exit_status;
	uint64_t duration_ms;
};

struct script_rows {
	struct script_row *v;
	size_t n;
};

/* Loads every record of dir, oldest first. A record that cannot be parsed
 * is an error (-EBADMSG, reported): it would otherwise hide a script. */
int records_load(const char *dir, struct script_rows *out);
/* One record (or a report's script entry) into row; dir: the record's
 * directory, which its quarantine is relative to (NULL: a report, whose
 * quarantine is absolute). -EBADMSG when a required field is missing. */
int record_row_parse(struct json_object *o, struct script_row *row, const char *dir);
void record_row_free(struct script_row *r);
void records_free(struct script_rows *rows);

#endif
