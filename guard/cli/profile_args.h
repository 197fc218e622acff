/* profile_args.h — profile paths typed by the user, made absolute where
 * they were typed (profile_args.c). The sandbox runs in a package's
 * directory and refuses relative paths: a relative "profiles" there would
 * be the package's own. */
#ifndef PKGGUARD_PROFILE_ARGS_H
#define PKGGUARD_PROFILE_ARGS_H

#include <stdbool.h>
#include <stddef.h>

/* Rewrites PKGGUARD_PROFILE_PATH in this process's environment with every
 * relative entry made absolute against cwd. 0 or -errno (logged). */
int profile_env_make_absolute(const char *cwd);

/* *arg (a --profiles DIR, or a --profile FILE when is_path) made absolute
 * against cwd; *arg is replaced by a malloc'd string stored in *owned.
 * A NAME (not is_path) is left as it is. 0 or -errno (logged). */
int profile_arg_make_absolute(const char **arg, bool is_path, const char *cwd, char **owned);

/* True when PKGGUARD_PROFILE_PATH has a relative entry; the first one is
 * copied to first (size len). */
bool profile_env_has_relative(char *first, size_t len);

#endif
