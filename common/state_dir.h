/* state_dir.h — where the tripwire's records and quarantine are kept
 * (README.md, the tripwire): the installing user's own state directory,
 * $XDG_STATE_HOME/pkgguard/SUB, else root's /var/lib/pkgguard/SUB, else
 * ~/.local/state/pkgguard/SUB; mode 0700, made when missing. SUB is "runs"
 * (`pkgguard run`: a directory per run, kept only when the tripwire found
 * something to keep) or "records" (scripts pkgguardd reparsed, whose
 * pkgguard-sandbox was given --record). */
#ifndef PKGGUARD_STATE_DIR_H
#define PKGGUARD_STATE_DIR_H

#include <stddef.h>

/* Writes the directory into buf, made if needed (make = 0: only named).
 * Returns 0 or -errno (not reported: the caller decides). */
int state_dir_path(const char *sub, int make, char *buf, size_t len);

#endif
