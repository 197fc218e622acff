/* helper_trust.h — whether a file a package manager executes may run as
 * one of its helpers (git, pip's uname and lsb_release), unsandboxed.
 *
 * A name is not an identity: a venv's bin/ or node_modules/.bin first in
 * PATH holds whatever an earlier install left there, under any name. A
 * helper is trusted only as a file that the caller cannot have put or
 * changed: a regular file owned by root, writable by no one else, in a
 * directory owned by root and writable by no one else (resolved path,
 * the file itself identified by the exec event's fd, not by its path).
 * Root can write anywhere, so for a root caller a helper listed by name
 * must also lie in a system binary directory (/usr/bin, /bin, /usr/sbin,
 * /sbin), where no package manager installs; a profile may name a helper
 * by absolute path instead (then only the ownership rule applies). */
#ifndef PKGGUARD_HELPER_TRUST_H
#define PKGGUARD_HELPER_TRUST_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

/* file: the executed file's stat (fstat of the event fd, or of
 * /proc/PID/exe); path: its resolved path in the daemon's view; caller:
 * the effective uid of the process that executes it; by_path: the profile
 * names this exact path. True when it may run as a helper. */
bool helper_trusted(const struct stat *file, const char *path, uid_t caller, bool by_path);

/* The effective uid of pid (the owner of /proc/PID), or -errno. */
int helper_caller_uid(pid_t pid, uid_t *out);

#endif
