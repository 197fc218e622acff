/* profile_paths.h — expansion and path rules of profile entries, shared by
 * the loader and its tests (profile_paths.c). */
#ifndef PKGGUARD_PROFILE_PATHS_H
#define PKGGUARD_PROFILE_PATHS_H

#include <stdbool.h>
#include <stddef.h>

#include "profile.h"

/* profile_expand() that also writes why it failed into why. */
int profile_expand_why(const char *s, const struct profile_vars *vars, char **out, char *why,
		       size_t whylen);
/* Normalises an absolute path in place ("//", "/./", trailing "/");
 * -EINVAL for a ".." component. */
int path_normalise(char *path);
/* True when path lies strictly below dir (both normalised). */
bool path_is_under(const char *path, const char *dir);
/* True when path is dir or lies below it. */
bool path_at_or_under(const char *path, const char *dir);
/* True for a system or credential directory that must never be writable. */
bool rw_is_refused(const char *path, const char *home);
/* Why PATH cannot be a package directory (writable to the script), by the
 * rules of a profile's read_write entries: a short reason ("is /", "is or
 * contains $HOME", "is a system or credential directory"), or NULL. */
const char *pkg_dir_refusal(const char *path, const char *home);
/* True for a credential or start-up tree under home ($HOME/.ssh, .aws,
 * .config, ...), or a path inside one: never writable, never shown. */
bool path_is_home_secret(const char *path, const char *home);

#endif
