/* pkg_dir.h — the package directory a script may write, established from
 * a root the caller gives (the project, a global prefix), never from where
 * the script's working directory happens to resolve: the path the package
 * manager names is checked against the layouts (pkg_layout.h) and opened
 * component by component from the root with no symlink followed
 * (openat2 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS). The sandbox binds that
 * open directory, so a swap of the path after the check changes nothing. */
#ifndef PKGGUARD_PKG_DIR_H
#define PKGGUARD_PKG_DIR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

enum pkg_dir_place {
	PKG_DIR_OUTSIDE = 0, /* not under the root: refused */
	PKG_DIR_ROOT,        /* the root itself: the project's own script */
	PKG_DIR_PACKAGE,     /* a package directory of a known layout */
	PKG_DIR_WORKSPACE,   /* inside the root, under no node_modules (a workspace) */
	PKG_DIR_OTHER,       /* under a node_modules, but no package directory: refused */
	PKG_DIR_LINKED,      /* outside every root, named by the package manager
	                      * itself: a file: directory it linked */
};

/* Where named (absolute, as the package manager gave it) lies relative to
 * root (absolute, normalised): *rel points into named after "root/". Pure. */
enum pkg_dir_place pkg_dir_place(const char *root, const char *named, const char **rel);

struct pkg_dir_request {
	const char *const *roots;  /* absolute real paths, the project first */
	size_t nroots;
	size_t project_roots;      /* the first ones may be the script's own project */
	const char *named;         /* absolute path the package manager names */
	bool named_by_manager;     /* false: only the working directory says it */
	const struct stat *cwd;    /* must be the same directory, or NULL */
};

struct pkg_dir {
	enum pkg_dir_place place;
	char *path;      /* root + rel: symlink-free */
	char *root;      /* the root it was found under */
	int fd;          /* O_PATH | O_DIRECTORY, opened from the root without links */
	struct stat st;
};

/* Establishes the package directory. 0, or -errno with a one-line reason
 * in err naming the path and the rule (the caller exits 125). */
int pkg_dir_establish(const struct pkg_dir_request *rq, struct pkg_dir *out, char *err, size_t errlen);
void pkg_dir_release(struct pkg_dir *d);

#endif
