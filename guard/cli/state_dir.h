/* state_dir.h — where `pkgguard run` keeps its records and the tripwire's
 * quarantine (issue 13): the installing user's own state directory,
 * $XDG_STATE_HOME/pkgguard/runs, else root's /var/lib/pkgguard/runs, else
 * ~/.local/state/pkgguard/runs; mode 0700, made when missing. A run's
 * directory is kept only when the tripwire found something to keep
 * (a suspicious script, or quarantined files). */
#ifndef PKGGUARD_STATE_DIR_H
#define PKGGUARD_STATE_DIR_H

#include <stddef.h>

/* Writes the runs directory into buf, made if needed. Returns 0 or -errno
 * (not reported: the caller falls back to a temporary directory). */
int state_runs_dir(char *buf, size_t len);

#endif
