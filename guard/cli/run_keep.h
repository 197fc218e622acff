/* run_keep.h — what `pkgguard run` keeps of a run's records (README.md, the tripwire).
 * The records are written into a temporary directory during the run; when
 * the tripwire found a script suspicious or kept copies of files it left,
 * the records and the quarantine move to the user's state directory
 * (state_dir.h, "runs"), made only then: a clean install leaves nothing. */
#ifndef PKGGUARD_RUN_KEEP_H
#define PKGGUARD_RUN_KEEP_H

#include <stdbool.h>
#include <stddef.h>

#include "records.h"

/* True when the run has something to keep. */
bool run_keep_wanted(const struct script_rows *rows);
/* Moves every record and quarantine of tmp_dir to a new run-XXXXXX
 * directory of the state directory, named into kept[len], and points the
 * rows' quarantine paths there. Returns 0 or -errno (reported; the records
 * then stay in tmp_dir). */
int run_keep_move(const char *tmp_dir, struct script_rows *rows, char *kept, size_t len);

#endif
