/* profile.h — loading a policy from libconfig profiles.
 *
 * Search path (docs/ARCHITECTURE.md): --profiles DIR, then PKGGUARD_PROFILE_PATH
 * (colon-separated), then /etc/pkgguard/profiles.d, then
 * $(PREFIX)/share/pkgguard/profiles. NAME resolves to the first NAME.conf on
 * the path; a profile may `inherit` another name (the same name continues the
 * search after the current file's directory, which is how an admin drop-in
 * extends a shipped profile). Lists append, scalars override. */
#ifndef PKGGUARD_PROFILE_H
#define PKGGUARD_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "policy.h"

struct profile_vars {
	const char *pkg_dir;     /* ${PKG_DIR}; NULL: entries using it are dropped */
	const char *project_dir; /* ${PROJECT_DIR}; NULL: entries using it are dropped */
	const char *home;        /* ${HOME} */
	const char *tmpdir;      /* ${TMPDIR} */
	const char *package;     /* package name selecting a per-package override, or NULL */
	bool refuse_pkg_dir_profiles; /* the policy confines pkg_dir's script: no profile
				       * file may lie inside pkg_dir (normalised) */
	/* Asked before a matching per-package override is used, with its pins
	 * (NULL when absent): nonzero uses it; zero leaves it out, recorded in
	 * policy->override_refused with the reason written to why. NULL: every
	 * matching override is used (a preview: profile show, --check-profile). */
	int (*identity_check)(void *ctx, const char *integrity, const char *version, char *why,
			      size_t whylen);
	void *identity_ctx;
};

/* Builds the search path. cli_dir may be NULL. Relative entries (cli_dir,
 * PKGGUARD_PROFILE_PATH) are refused with -EINVAL and a one-line message in
 * err unless allow_relative (only for a caller whose working directory is
 * the user's, never a package's). Returns 0 or -errno. */
int profile_search_path(const char *cli_dir, bool allow_relative, struct strlist *out, char *err,
			size_t errlen);

/* Loads NAME (looked up on the path) or FILE (contains a '/' or ends in
 * .conf) into a checked policy. On error returns -errno and writes a one-line
 * message "FILE:LINE: what is wrong" into err. Never returns a partial policy. */
int profile_load(const char *name_or_file, const struct strlist *search,
		 const struct profile_vars *vars, struct policy **out,
		 char *err, size_t errlen);

/* True when a --profile argument names a FILE (has a '/' or ends in
 * ".conf"), not a NAME on the search path. */
bool profile_is_file_arg(const char *arg);

/* Expands ${VAR} in s. Unknown variables are an error (-EINVAL); a known but
 * unset one gives -ENOENT (the caller drops the entry). Pure. */
int profile_expand(const char *s, const struct profile_vars *vars, char **out);


#endif
