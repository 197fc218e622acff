/* pkgtree.c — reads the installed package tree of a project (see pkgtree.h).
 *
 * Walk: PROJECT/node_modules and every nested <pkg>/node_modules below it,
 * plus pnpm's store node_modules/.pnpm/<id>/node_modules. Entries are read
 * in sorted order so the result does not depend on readdir(). Symlinks are
 * never descended into: one that points back into node_modules (pnpm's
 * top-level links, its dependency links) is skipped because the package is
 * found at its real place; one that points elsewhere (a `file:` or `link:`
 * dependency, a workspace) is recorded once, as linked, with its real path.
 * Every path is built from readdir() names (no '/', never "." or "..") or
 * from dependency names that passed pkgtree_name_ok(). */
#include "pkgtree.h"
#include "array_size.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "log.h"
#include "package_name.h"

#define MAX_DEPTH 64                 /* nested node_modules levels */
#define MAX_JSON_BYTES (64L << 20)   /* a bigger package.json or lockfile is refused */
#define IMPLICIT_GYP "node-gyp rebuild"

struct loader {
	struct pkgtree *t;
	size_t cap;
	char *nm;       /* PROJECT/node_modules */
	char *nm_real;  /* its real path */
	struct json_object *lock_pkgs; /* "packages" of the lockfile, borrowed */
};

const char *pkg_event_name(enum pkg_event e)
{
	static const char *const names[PKG_EVENT_COUNT] = { "preinstall", "install", "postinstall" };
	return (unsigned)e < PKG_EVENT_COUNT ? names[e] : "?";
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* One path component of a name: not empty, not "." or "..", no '/', no
 * control character, no leading '.'. */
static bool component_ok(const char *s, size_t len)
{
	if (len == 0 || s[0] == '.')
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '/' || (unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

bool pkgtree_name_ok(const char *name)
{
	if (!name || !*name || strstr(name, "..") || has_control(name))
		return false;
	const char *slash = strchr(name, '/');
	if (!slash)
		return name[0] != '@' && component_ok(name, strlen(name));
	/* "@scope/name": exactly one '/', after a scope. */
	return name[0] == '@' && slash - name > 1 && !strchr(slash + 1, '/') &&
	       component_ok(name + 1, (size_t)(slash - name - 1)) && component_ok(slash + 1, strlen(slash + 1));
}

static char *join(const char *a, const char *b)
{
	char *s;
	return asprintf(&s, "%s/%s", a, b) < 0 ? NULL : s;
}

/* 1 when path is prefix itself or below it. */
static bool is_under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* Parses a JSON file of bounded size. Returns 0, -ENOENT when absent, or
 * another -errno (reported) when unreadable or malformed. */
static int read_json(const char *path, struct json_object **out)
{
	struct stat st;
	*out = NULL;
	if (stat(path, &st) != 0)
		return errno == ENOENT || errno == ENOTDIR ? -ENOENT : log_fail(errno, "stat %s", path);
	if (!S_ISREG(st.st_mode) || st.st_size > MAX_JSON_BYTES)
		return log_fail_plain(EFBIG, "%s: not a regular file of at most %ld bytes", path, MAX_JSON_BYTES);
	*out = json_object_from_file(path);
	if (!*out) {
		const char *why = json_util_get_last_err();
		return log_fail_plain(EINVAL, "%s: %.*s", path, why ? (int)strcspn(why, "\n") : 0, why ? why : "");
	}
	return 0;
}

static const char *json_str(struct json_object *o, const char *key)
{
	struct json_object *v;
	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int dup_opt(char **dst, const char *s)
{
	*dst = NULL;
	if (s && !(*dst = strdup(s)))
		return -ENOMEM;
	return 0;
}

void pkgtree_pkg_free(struct pkg *p)
{
	free(p->name);
	free(p->dir);
	free(p->path);
	free(p->lock_key);
	free(p->version);
	free(p->claimed_name);
	for (int e = 0; e < PKG_EVENT_COUNT; e++)
		free(p->scripts[e]);
	for (size_t i = 0; i < p->ndeps; i++)
		free(p->deps[i]);
	free(p->deps);
	free(p->deps_optional);
	free(p->edges);
	free(p->edges_optional);
	free(p->resolved);
	free(p->integrity);
}

void pkgtree_free(struct pkgtree *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		pkgtree_pkg_free(&t->pkgs[i]);
	free(t->pkgs);
	free(t->project);
	memset(t, 0, sizeof(*t));
}

/* Appends one dependency name (duplicates are merged once all are in:
 * finish_deps). Capacity doubles: a package.json may list many. */
static int add_dep(struct pkg *p, const char *name, bool optional, size_t *cap)
{
	if (p->ndeps == *cap) {
		size_t n = *cap ? *cap * 2 : 8;
		char **d = realloc(p->deps, n * sizeof(*d));
		if (!d)
			return -ENOMEM;
		p->deps = d;
		bool *o = realloc(p->deps_optional, n * sizeof(*o));
		if (!o)
			return -ENOMEM;
		p->deps_optional = o;
		*cap = n;
	}
	if (!(p->deps[p->ndeps] = strdup(name)))
		return -ENOMEM;
	p->deps_optional[p->ndeps++] = optional;
	return 0;
}

static int read_deps(struct pkg *p, struct json_object *obj, const char *field, bool optional, size_t *cap)
{
	struct json_object *deps;
	if (!json_object_object_get_ex(obj, field, &deps) || !json_object_is_type(deps, json_type_object))
		return 0;
	json_object_object_foreach(deps, key, val) {
		(void)val;
		if (!pkgtree_name_ok(key)) {
			log_warn("%s: %s: dependency name refused (unsafe characters or path)", p->dir, field);
			continue;
		}
		int r = add_dep(p, key, optional, cap);
		if (r)
			return r;
	}
	return 0;
}

struct dep_entry {
	char *name;
	bool optional;
};

static int cmp_dep(const void *a, const void *b)
{
	return strcmp(((const struct dep_entry *)a)->name, ((const struct dep_entry *)b)->name);
}

/* Deps sorted by name (a deterministic order) and each name once, optional
 * when any listing of it is: O(n log n), whatever the package lists. */
static int finish_deps(struct pkg *p)
{
	struct dep_entry *v;
	size_t k = 0;

	if (p->ndeps < 2)
		return 0;
	if (!(v = calloc(p->ndeps, sizeof(*v))))
		return -ENOMEM;
	for (size_t i = 0; i < p->ndeps; i++)
		v[i] = (struct dep_entry){ p->deps[i], p->deps_optional[i] };
	qsort(v, p->ndeps, sizeof(*v), cmp_dep);
	for (size_t i = 0; i < p->ndeps; i++) {
		if (k && strcmp(p->deps[k - 1], v[i].name) == 0) {
			p->deps_optional[k - 1] = p->deps_optional[k - 1] || v[i].optional;
			free(v[i].name);
			continue;
		}
		p->deps[k] = v[i].name;
		p->deps_optional[k++] = v[i].optional;
	}
	p->ndeps = k;
	free(v);
	return 0;
}

/* Fills p (name and dir set) from its package.json, parsed into obj. */
static int manifest_from_json(struct pkg *p, struct json_object *obj)
{
	static const char *const fields[PKG_EVENT_COUNT] = { "preinstall", "install", "postinstall" };
	struct json_object *scripts = NULL, *gypfile = NULL;
	size_t cap = 0;
	int r;

	if (!json_object_is_type(obj, json_type_object))
		return log_fail_plain(EINVAL, "%s/package.json: not a JSON object", p->dir);
	if ((r = dup_opt(&p->claimed_name, json_str(obj, "name"))) ||
	    (r = dup_opt(&p->version, json_str(obj, "version"))))
		return r;
	p->name_differs = p->claimed_name && strcmp(p->claimed_name, p->name) != 0;
	if (json_object_object_get_ex(obj, "scripts", &scripts) && json_object_is_type(scripts, json_type_object)) {
		for (int e = 0; e < PKG_EVENT_COUNT; e++) {
			const char *s = json_str(scripts, fields[e]);
			/* npm ignores empty scripts. */
			if (s && *s && (r = dup_opt(&p->scripts[e], s)))
				return r;
		}
	}
	/* npm's rule (@npmcli/package-json, normalize "gypfile"): binding.gyp
	 * and neither install nor preinstall gives install "node-gyp rebuild",
	 * unless "gypfile": false. */
	bool no_gyp = json_object_object_get_ex(obj, "gypfile", &gypfile) &&
		      json_object_is_type(gypfile, json_type_boolean) && !json_object_get_boolean(gypfile);
	if (p->has_binding_gyp && !no_gyp && !p->scripts[PKG_INSTALL] && !p->scripts[PKG_PREINSTALL]) {
		if ((r = dup_opt(&p->scripts[PKG_INSTALL], IMPLICIT_GYP)))
			return r;
		p->implicit_install = true;
	}
	if ((r = read_deps(p, obj, "dependencies", false, &cap)) ||
	    (r = read_deps(p, obj, "optionalDependencies", true, &cap)))
		return r;
	return finish_deps(p);
}

int pkgtree_parse_manifest(struct pkg *p, const char *json, size_t len)
{
	struct json_tokener *tok;
	struct json_object *obj;
	int r;

	if (len > MAX_JSON_BYTES)
		return log_fail_plain(EFBIG, "%s/package.json: more than %ld bytes", p->dir, MAX_JSON_BYTES);
	if (!(tok = json_tokener_new()))
		return -ENOMEM;
	obj = json_tokener_parse_ex(tok, json, (int)len);
	if (!obj || json_tokener_get_error(tok) != json_tokener_success) {
		r = log_fail_plain(EINVAL, "%s/package.json: %s", p->dir,
				   json_tokener_error_desc(json_tokener_get_error(tok)));
	} else {
		r = manifest_from_json(p, obj);
	}
	json_object_put(obj);
	json_tokener_free(tok);
	return r;
}

/* Fills p from DIR/package.json. -ENOENT: not a package (no package.json). */
static int read_manifest(struct pkg *p)
{
	struct json_object *obj = NULL;
	char *file = join(p->dir, "package.json");
	char gyp[PATH_MAX];
	int r = file ? read_json(file, &obj) : -ENOMEM;

	free(file);
	if (r)
		return r;
	snprintf(gyp, sizeof(gyp), "%s/binding.gyp", p->dir);
	p->has_binding_gyp = access(gyp, F_OK) == 0;
	r = manifest_from_json(p, obj);
	json_object_put(obj);
	return r;
}

static void read_lock_entry(struct loader *ld, struct pkg *p)
{
	struct json_object *e, *opt;
	if (!ld->lock_pkgs || !json_object_object_get_ex(ld->lock_pkgs, p->lock_key, &e) ||
	    !json_object_is_type(e, json_type_object))
		return;
	/* Allocation failures here only lose report details. */
	dup_opt(&p->resolved, json_str(e, "resolved"));
	dup_opt(&p->integrity, json_str(e, "integrity"));
	if (json_object_object_get_ex(e, "optional", &opt) && json_object_get_boolean(opt))
		p->optional = true;
}

static bool dir_recorded(const struct pkgtree *t, const char *real)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->pkgs[i].dir, real) == 0)
			return true;
	return false;
}

/* Records the package at path (real directory real). Takes real over.
 * Returns 0 (also when skipped) or -ENOMEM. Sets *added. */
static int add_pkg(struct loader *ld, const char *path, char *real, bool linked, bool *added)
{
	struct pkgtree *t = ld->t;
	char name[2 * NAME_MAX + 2];
	*added = false;
	/* Its name is its place (common/package_name.h), as for the sandbox
	 * and the daemon. */
	if (package_name_from_path(path, name, sizeof(name)) != 0 || !pkgtree_name_ok(name)) {
		log_warn("%s: skipped (no package name from its path)", path);
		free(real);
		return 0;
	}
	if (t->n == ld->cap) {
		size_t cap = ld->cap ? ld->cap * 2 : 64;
		struct pkg *v = realloc(t->pkgs, cap * sizeof(*v));
		if (!v) {
			free(real);
			return -ENOMEM;
		}
		t->pkgs = v;
		ld->cap = cap;
	}
	struct pkg *p = &t->pkgs[t->n];
	memset(p, 0, sizeof(*p));
	p->dir = real;
	p->linked = linked;
	struct stat st;
	if (stat(real, &st) == 0) {
		p->dev = (unsigned long long)st.st_dev;
		p->ino = (unsigned long long)st.st_ino;
	}
	if (!(p->name = strdup(name)) || !(p->path = strdup(path)) ||
	    !(p->lock_key = strdup(path + strlen(t->project) + 1))) {
		pkgtree_pkg_free(p);
		return -ENOMEM;
	}
	int r = read_manifest(p);
	if (r == -ENOMEM) {
		pkgtree_pkg_free(p);
		return r;
	}
	if (r) {
		/* No package.json: not a package (a leftover directory); a bad one
		 * has been reported. Either way nothing of it runs. */
		if (r != -ENOENT)
			log_warn("%s: skipped (unreadable package.json)", path);
		pkgtree_pkg_free(p);
		return 0;
	}
	read_lock_entry(ld, p);
	t->n++;
	*added = true;
	return 0;
}

static int scan_nm(struct loader *ld, const char *nm, int depth);

/* One entry of a node_modules directory, its name already checked. */
static int scan_entry(struct loader *ld, const char *path, int depth)
{
	struct stat st;
	bool added;
	if (lstat(path, &st) != 0)
		return 0; /* vanished */
	if (S_ISLNK(st.st_mode)) {
		char *real = realpath(path, NULL);
		if (!real || stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
			log_debug("%s: dangling or not a directory, skipped", path);
			free(real);
			return 0;
		}
		/* pnpm's links into its store: the package is found there. */
		if (is_under(real, ld->nm_real) || dir_recorded(ld->t, real)) {
			free(real);
			return 0;
		}
		/* A link out of node_modules: recorded, never walked. */
		return add_pkg(ld, path, real, true, &added);
	}
	if (!S_ISDIR(st.st_mode))
		return 0;
	char *real = realpath(path, NULL);
	if (!real)
		return errno == ENOMEM ? -ENOMEM : 0;
	int r = add_pkg(ld, path, real, false, &added);
	if (r || !added)
		return r;
	char *sub = join(path, "node_modules");
	if (!sub)
		return -ENOMEM;
	if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
		r = scan_nm(ld, sub, depth + 1);
	else if (S_ISLNK(st.st_mode))
		log_warn("%s: a symlink, not walked", sub);
	free(sub);
	return r;
}

static int skip_dots(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Sorted entries of dir that do not start with '.', or -errno. */
static int list_dir(const char *dir, struct dirent ***list)
{
	int n = scandir(dir, list, skip_dots, alphasort);
	if (n < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : log_fail(errno, "scandir %s", dir);
	return n;
}

static void free_list(struct dirent **list, int n)
{
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* A scope directory node_modules/@s: its entries are "@s/<name>". */
static int scan_scope(struct loader *ld, const char *scope, const char *path, int depth)
{
	struct stat st;
	struct dirent **list = NULL;
	if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return 0;
	int n = list_dir(path, &list), r = 0;
	if (n < 0)
		return n;
	for (int i = 0; i < n && !r; i++) {
		const char *e = list[i]->d_name;
		char name[2 * NAME_MAX + 2], *sub;
		snprintf(name, sizeof(name), "%s/%s", scope, e);
		if (!pkgtree_name_ok(name)) {
			log_warn("%s: package name refused (unsafe characters)", path);
			continue;
		}
		if (!(sub = join(path, e))) {
			r = -ENOMEM;
			break;
		}
		r = scan_entry(ld, sub, depth);
		free(sub);
	}
	free_list(list, n);
	return r;
}

static int scan_nm(struct loader *ld, const char *nm, int depth)
{
	struct dirent **list = NULL;
	if (depth > MAX_DEPTH) {
		log_warn("%s: more than %d nested node_modules, not walked", nm, MAX_DEPTH);
		return 0;
	}
	int n = list_dir(nm, &list), r = 0;
	if (n < 0)
		return n;
	for (int i = 0; i < n && !r; i++) {
		const char *e = list[i]->d_name;
		char *sub = join(nm, e);
		if (!sub) {
			r = -ENOMEM;
			break;
		}
		if (e[0] == '@' && component_ok(e + 1, strlen(e + 1)))
			r = scan_scope(ld, e, sub, depth);
		else if (pkgtree_name_ok(e))
			r = scan_entry(ld, sub, depth);
		else
			log_warn("%s: package name refused (unsafe characters)", nm);
		free(sub);
	}
	free_list(list, n);
	return r;
}

/* pnpm's store: node_modules/.pnpm/<id>/node_modules holds the package itself
 * (a directory) and links to its dependencies (skipped: they point back
 * into the store). */
static int scan_pnpm(struct loader *ld)
{
	struct dirent **list = NULL;
	char *store = join(ld->nm, ".pnpm");
	if (!store)
		return -ENOMEM;
	struct stat st;
	if (lstat(store, &st) != 0 || !S_ISDIR(st.st_mode)) {
		free(store);
		return 0;
	}
	int n = list_dir(store, &list), r = 0;
	for (int i = 0; i < n && !r; i++) {
		const char *id = list[i]->d_name;
		char *nm;
		if (strcmp(id, "node_modules") == 0) /* pnpm's hoisted links */
			continue;
		if (has_control(id)) {
			log_warn("%s: store entry refused (control characters)", store);
			continue;
		}
		if (asprintf(&nm, "%s/%s/node_modules", store, id) < 0) {
			r = -ENOMEM;
			break;
		}
		if (lstat(nm, &st) == 0 && S_ISDIR(st.st_mode))
			r = scan_nm(ld, nm, 1);
		free(nm);
	}
	free_list(list, n > 0 ? n : 0);
	free(store);
	return n < 0 ? n : r;
}

static int load_lockfile(struct loader *ld, struct json_object **lock)
{
	/* npm's order: shrinkwrap, then package-lock, then the hidden lockfile
	 * npm keeps in node_modules. */
	static const char *const names[] = { "npm-shrinkwrap.json", "package-lock.json",
					     "node_modules/.package-lock.json" };
	*lock = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char *f = join(ld->t->project, names[i]);
		if (!f)
			return -ENOMEM;
		int r = read_json(f, lock);
		free(f);
		if (r == -ENOENT)
			continue;
		if (r) {
			log_warn("%s: lockfile ignored", names[i]);
			return 0;
		}
		struct json_object *pk;
		if (json_object_object_get_ex(*lock, "packages", &pk) && json_object_is_type(pk, json_type_object)) {
			ld->lock_pkgs = pk;
			ld->t->has_lockfile = true;
		}
		return 0;
	}
	return 0;
}

/* Real directory → package index, for resolving dependencies. */
struct dir_index {
	const char *dir;
	size_t idx;
};

static int cmp_index(const void *a, const void *b)
{
	return strcmp(((const struct dir_index *)a)->dir, ((const struct dir_index *)b)->dir);
}

static long lookup(const struct dir_index *ix, size_t n, const char *candidate)
{
	char *real = realpath(candidate, NULL);
	if (!real)
		return -1;
	struct dir_index key = { real, 0 };
	const struct dir_index *hit = bsearch(&key, ix, n, sizeof(*ix), cmp_index);
	free(real);
	return hit ? (long)hit->idx : -1;
}

/* Where Node would find dependency name for a package at path: path's own
 * node_modules, then each ancestor's (skipping directories that are
 * themselves node_modules), up to the project. */
static long resolve_dep(const struct pkgtree *t, const struct dir_index *ix, const struct pkg *p, const char *name)
{
	char dir[PATH_MAX], cand[PATH_MAX];
	size_t plen = strlen(t->project);
	long hit;
	if (p->linked && (size_t)snprintf(cand, sizeof(cand), "%s/node_modules/%s", p->dir, name) < sizeof(cand) &&
	    (hit = lookup(ix, t->n, cand)) >= 0)
		return hit;
	if (snprintf(dir, sizeof(dir), "%s", p->path) >= (int)sizeof(dir))
		return -1;
	for (;;) {
		const char *base = strrchr(dir, '/');
		if (base && strcmp(base + 1, "node_modules") != 0 &&
		    (size_t)snprintf(cand, sizeof(cand), "%s/node_modules/%s", dir, name) < sizeof(cand) &&
		    (hit = lookup(ix, t->n, cand)) >= 0)
			return hit;
		if (strlen(dir) <= plen || !base)
			return -1;
		*(char *)base = '\0';
	}
}

static int resolve_edges(struct pkgtree *t)
{
	struct dir_index *ix = calloc(t->n ? t->n : 1, sizeof(*ix));
	if (!ix)
		return -ENOMEM;
	for (size_t i = 0; i < t->n; i++)
		ix[i] = (struct dir_index){ t->pkgs[i].dir, i };
	qsort(ix, t->n, sizeof(*ix), cmp_index);
	for (size_t i = 0; i < t->n; i++) {
		struct pkg *p = &t->pkgs[i];
		p->edges = calloc(p->ndeps ? p->ndeps : 1, sizeof(*p->edges));
		p->edges_optional = calloc(p->ndeps ? p->ndeps : 1, sizeof(*p->edges_optional));
		if (!p->edges || !p->edges_optional) {
			free(ix);
			return -ENOMEM;
		}
		for (size_t d = 0; d < p->ndeps; d++) {
			long hit = resolve_dep(t, ix, p, p->deps[d]);
			if (hit < 0 || (size_t)hit == i)
				continue;
			p->edges_optional[p->nedges] = p->deps_optional[d];
			p->edges[p->nedges++] = (size_t)hit;
		}
	}
	free(ix);
	return 0;
}

/* A package is optional when every way to it from the project passes an
 * optionalDependencies entry (npm's "optional" in the lockfile means the
 * same). Mark what the project reaches through required edges only; the
 * project's own dependencies count as required. Extraneous packages, not
 * reached at all, stay required: their failure is not excused. */
static int mark_optional(struct pkgtree *t)
{
	struct json_object *root = NULL;
	char *file = join(t->project, "package.json");
	if (!file)
		return -ENOMEM;
	int r = read_json(file, &root);
	free(file);
	if (r == -ENOMEM)
		return r;
	if (r || !json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return 0; /* no root manifest: keep the lockfile's word only */
	}
	char *seen = calloc(t->n ? t->n : 1, 3); /* [0,n): required, [n,2n): reached */
	size_t *stack = calloc(t->n ? t->n : 1, sizeof(*stack));
	size_t top = 0;
	if (!seen || !stack) {
		r = -ENOMEM;
		goto out;
	}
	static const char *const fields[] = { "dependencies", "devDependencies", "peerDependencies",
					      "optionalDependencies" };
	/* Two passes: required edges only, then every edge. */
	for (int pass = 0; pass < 2; pass++) {
		char *mark = seen + (size_t)pass * t->n;
		for (size_t f = 0; f < 4; f++) {
			struct json_object *deps;
			if (pass == 0 && f == 3)
				continue;
			if (!json_object_object_get_ex(root, fields[f], &deps) ||
			    !json_object_is_type(deps, json_type_object))
				continue;
			json_object_object_foreach(deps, key, val) {
				(void)val;
				char cand[PATH_MAX];
				if (!pkgtree_name_ok(key) ||
				    (size_t)snprintf(cand, sizeof(cand), "%s/node_modules/%s", t->project, key) >= sizeof(cand))
					continue;
				long i = pkgtree_find(t, cand);
				if (i >= 0 && !mark[i]) {
					mark[i] = 1;
					stack[top++] = (size_t)i;
				}
			}
		}
		while (top) {
			const struct pkg *p = &t->pkgs[stack[--top]];
			for (size_t e = 0; e < p->nedges; e++) {
				size_t j = p->edges[e];
				if (mark[j] || (pass == 0 && p->edges_optional[e]))
					continue;
				mark[j] = 1;
				stack[top++] = j;
			}
		}
	}
	for (size_t i = 0; i < t->n; i++)
		if (!seen[i] && seen[t->n + i])
			t->pkgs[i].optional = true;
out:
	free(seen);
	free(stack);
	json_object_put(root);
	return r;
}

static int cmp_pkg_path(const void *a, const void *b)
{
	return strcmp(((const struct pkg *)a)->path, ((const struct pkg *)b)->path);
}

long pkgtree_find(const struct pkgtree *t, const char *dir)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->pkgs[i].path, dir) == 0 || strcmp(t->pkgs[i].dir, dir) == 0)
			return (long)i;
	return -1;
}

int pkgtree_load(const char *project, struct pkgtree *out)
{
	struct loader ld = { .t = out };
	struct json_object *lock = NULL;
	struct stat st;
	int r;

	memset(out, 0, sizeof(*out));
	if (!(out->project = realpath(project, NULL)))
		return log_fail(errno, "project directory %s", project);
	if (!(ld.nm = join(out->project, "node_modules"))) {
		r = -ENOMEM;
		goto fail;
	}
	if (stat(ld.nm, &st) != 0 || !S_ISDIR(st.st_mode)) {
		free(ld.nm);
		return 0; /* nothing installed */
	}
	if (!(ld.nm_real = realpath(ld.nm, NULL))) {
		r = log_fail(errno, "realpath %s", ld.nm);
		goto fail;
	}
	if ((r = load_lockfile(&ld, &lock)) || (r = scan_nm(&ld, ld.nm, 0)) || (r = scan_pnpm(&ld)))
		goto fail;
	qsort(out->pkgs, out->n, sizeof(*out->pkgs), cmp_pkg_path);
	if ((r = resolve_edges(out)) || (r = mark_optional(out)))
		goto fail;
	json_object_put(lock);
	free(ld.nm);
	free(ld.nm_real);
	return 0;
fail:
	if (r == -ENOMEM)
		log_fail(ENOMEM, "reading the package tree of %s", project);
	json_object_put(lock);
	free(ld.nm);
	free(ld.nm_real);
	pkgtree_free(out);
	return r;
}

int pkgtree_order(const struct pkgtree *t, size_t **order, size_t *n)
{
	/* Iterative depth-first search, packages in path order, each one
	 * emitted after its dependencies (post-order). An edge to a package
	 * still on the stack closes a cycle: it is dropped. */
	enum { WHITE = 0, GRAY, BLACK };
	unsigned char *color = calloc(t->n ? t->n : 1, 1);
	size_t *stack = calloc(t->n ? t->n : 1, sizeof(*stack));
	size_t *next = calloc(t->n ? t->n : 1, sizeof(*next));
	size_t *out = calloc(t->n ? t->n : 1, sizeof(*out));
	size_t nout = 0;
	*order = NULL;
	*n = 0;
	if (!color || !stack || !next || !out) {
		free(color);
		free(stack);
		free(next);
		free(out);
		return log_fail(ENOMEM, "dependency order");
	}
	for (size_t s = 0; s < t->n; s++) {
		size_t top = 0;
		if (color[s] != WHITE)
			continue;
		stack[top++] = s;
		color[s] = GRAY;
		while (top) {
			size_t u = stack[top - 1];
			const struct pkg *p = &t->pkgs[u];
			if (next[u] < p->nedges) {
				size_t v = p->edges[next[u]++];
				if (color[v] == WHITE) {
					color[v] = GRAY;
					stack[top++] = v;
				} else if (color[v] == GRAY) {
					log_warn("dependency cycle: %s depends on %s, which depends back on it; %s runs first",
						 p->name, t->pkgs[v].name, p->name);
				}
				continue;
			}
			color[u] = BLACK;
			out[nout++] = u;
			top--;
		}
	}
	free(color);
	free(stack);
	free(next);
	*order = out;
	*n = nout;
	return 0;
}

int pkgtree_read_project(const char *project, struct pkg *out)
{
	memset(out, 0, sizeof(*out));
	char *real = realpath(project, NULL);
	if (!real)
		return -errno;
	out->dir = real;
	out->path = strdup(real);
	struct stat st;
	if (stat(real, &st) == 0) {
		out->dev = (unsigned long long)st.st_dev;
		out->ino = (unsigned long long)st.st_ino;
	}
	/* The project's own name is the user's, not a dependency's claim. */
	out->name = strdup("(project)");
	int r = out->path && out->name ? read_manifest(out) : -ENOMEM;
	if (r == 0 && out->claimed_name && pkgtree_name_ok(out->claimed_name)) {
		free(out->name);
		out->name = strdup(out->claimed_name);
		out->name_differs = false;
		if (!out->name)
			r = -ENOMEM;
	}
	if (r)
		pkgtree_pkg_free(out);
	return r;
}
