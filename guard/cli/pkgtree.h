/* pkgtree.h — the installed package tree of a project, read from disk:
 * every package under PROJECT/node_modules (npm/yarn flat and nested
 * layouts, pnpm's node_modules/.pnpm store), its lifecycle scripts, its
 * dependencies, and what the lockfile says about it. Owns reading and
 * ordering only; running scripts is replay.c's job.
 *
 * Names are untrusted input: a package's name is taken from its place under
 * node_modules, never from its package.json, and a name that could build a
 * path outside the tree is refused. */
#ifndef PKGGUARD_PKGTREE_H
#define PKGGUARD_PKGTREE_H

#include <stdbool.h>
#include <stddef.h>

enum pkg_event {
	PKG_PREINSTALL = 0,
	PKG_INSTALL,
	PKG_POSTINSTALL,
	PKG_EVENT_COUNT,
};

/* "preinstall", "install", "postinstall". */
const char *pkg_event_name(enum pkg_event e);

struct pkg {
	char *name;          /* from the path: "a" or "@s/a" */
	char *dir;           /* absolute real path of the package directory */
	char *path;          /* absolute path where it sits in the tree (differs
	                      * from dir only for a linked package) */
	unsigned long long dev, ino; /* of dir when it was listed: replay runs a
	                      * script only in that very directory */
	char *lock_key;      /* path relative to the project: "node_modules/a/node_modules/b" */
	char *version;       /* package.json "version" as claimed, or NULL */
	char *claimed_name;  /* package.json "name", or NULL */
	bool name_differs;   /* claimed_name is set and is not name */
	bool linked;         /* a symlink to a directory outside PROJECT/node_modules */
	bool has_binding_gyp;
	bool implicit_install; /* scripts[PKG_INSTALL] is npm's implicit "node-gyp rebuild" */
	bool optional;       /* installed only as an optional dependency */
	char *scripts[PKG_EVENT_COUNT]; /* NULL when absent */
	char **deps;         /* dependencies + optionalDependencies names */
	bool *deps_optional; /* per entry of deps: listed in optionalDependencies */
	size_t ndeps;
	size_t *edges;       /* indices of the installed packages deps resolve to */
	bool *edges_optional; /* per edge: through optionalDependencies */
	size_t nedges;
	char *resolved;      /* package-lock.json "resolved", or NULL */
	char *integrity;     /* package-lock.json "integrity", or NULL */
};

struct pkgtree {
	char *project;       /* absolute real path */
	struct pkg *pkgs;    /* sorted by path */
	size_t n;
	bool has_lockfile;   /* package-lock.json (or shrinkwrap, or the hidden one) read */
};

/* Reads PROJECT's installed tree into out (zeroed first). A project without
 * node_modules gives an empty tree. Packages that cannot be read are skipped
 * with a warning. Returns 0 or -errno. */
int pkgtree_load(const char *project, struct pkgtree *out);
void pkgtree_free(struct pkgtree *t);

/* The project itself as a package (its own preinstall, install or implicit
 * gyp build, postinstall), named by its package.json. Returns 0 or -errno
 * (-ENOENT: no package.json). Free with pkgtree_pkg_free. */
int pkgtree_read_project(const char *project, struct pkg *out);
void pkgtree_pkg_free(struct pkg *p);

/* The package.json part of reading a package, from its text (len bytes):
 * p's name and dir are set (dir for messages), and has_binding_gyp says
 * whether a binding.gyp sits next to it; fills the claimed name, version,
 * scripts (npm's implicit gyp install included) and dependencies (safe
 * names only, sorted, each once). Pure. 0, -EINVAL (not a JSON object),
 * -EFBIG, -ENOMEM; on an error p may hold what was read so far (freed by
 * pkgtree_pkg_free). */
int pkgtree_parse_manifest(struct pkg *p, const char *json, size_t len);

/* Index of the package at absolute path or real dir, or -1. */
long pkgtree_find(const struct pkgtree *t, const char *dir);

/* A dependency order of all packages: each one after every installed
 * package it depends on. Cycles are broken deterministically (the edge that
 * closes the cycle is dropped, with a warning). *order is malloc'd (n
 * indices into t->pkgs). Returns 0 or -errno. */
int pkgtree_order(const struct pkgtree *t, size_t **order, size_t *n);

/* 1 when name is a safe package name ("a", "@s/a"): no control characters,
 * no "..", no leading '.', at most one '/', and only after an '@' scope. */
bool pkgtree_name_ok(const char *name);

#endif
