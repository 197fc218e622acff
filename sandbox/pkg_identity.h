/* pkg_identity.h — is the package in a directory really the package an
 * override names? (pkg_identity.c)
 *
 * The directory name under node_modules is chosen by the *depending*
 * package ("puppeteer": "npm:evil@1", a file: tarball, a nested alias), so
 * a per-package override keyed by it applies only when every record of the
 * package's identity agrees: the directory name, the "name" in its own
 * package.json, and each source that records where it came from — npm's
 * own npm_package_resolved/_integrity (npm 7+ sets them for the script),
 * the project's npm lockfiles (packages["node_modules/…"]), pnpm's store
 * directory (.pnpm/<name>@<version>/…) and yarn.lock. A resolved URL must
 * be a registry tarball (…/<name>/-/<name>-<version>.tgz) of that name,
 * under the registry the script's environment configures for the name
 * (npm_config_@scope:registry, npm_config_registry, YARN_REGISTRY, else
 * registry.npmjs.org = registry.yarnpkg.com), and
 * at least one such record must exist (names alone prove nothing: a file:
 * tarball's package.json says what it likes).
 * Optional pins: the integrity must be one a source records, the version
 * the one package.json says. */
#ifndef PKGGUARD_PKG_IDENTITY_H
#define PKGGUARD_PKG_IDENTITY_H

#include <stddef.h>

struct pkg_identity_in {
	const char *pkg_dir;      /* real, absolute; NULL: nothing can be checked */
	int pkg_dir_fd;           /* the same directory, O_PATH (pkg_dir.h), or -1 */
	const char *project_dir;  /* real, absolute, or NULL */
	const char *dir_name;     /* the name from the path ("@s/n" for a scope) */
	char *const *envp;        /* the script's environment (npm's variables) */
};

/* Bounds on what is read: package.json is the package's own (hostile),
 * lockfiles are the project's. */
#define PKG_IDENTITY_MANIFEST_MAX (1 << 20)
#define PKG_IDENTITY_LOCK_MAX (64 << 20)

/* 1 when the identity agrees (and the pins hold), 0 when it does not, with
 * a one-line reason naming both names in why. Never an error: whatever
 * cannot be read or checked is a "does not agree". integrity and version
 * may be NULL (no pin). */
int pkg_identity_agrees(const struct pkg_identity_in *in, const char *integrity, const char *version,
			char *why, size_t whylen);

/* The registry package name of a tarball URL, into out; 0, or -EINVAL when
 * url is not a registry tarball of the form …/NAME/-/BASENAME-VERSION.tgz
 * (scoped: …/@SCOPE/NAME/-/NAME-VERSION.tgz, "/" possibly "%2f"). Pure. */
int pkg_identity_registry_name(const char *url, char *out, size_t outlen);

#endif
