/* pkg_identity.c — whether a package directory holds the package an
 * override names (pkg_identity.h). Reads the package's package.json (its
 * own, hostile: bounded, no symlink, from the package directory's fd) and
 * the project's lockfiles (bounded, no symlink). json-c is linked
 * statically into the sandbox: measured, a static json-c adds no start-up
 * time, a shared one a dynamic load for every script (README,
 * Performance), and this runs only when an override's pattern matches. */
#include "pkg_identity.h"
#include "file_read.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#define MAX_EVIDENCE 6

/* One record of where the package came from. Strings are owned. */
struct evidence {
	char source[48];
	char *name;        /* the name it records, or NULL */
	char *version;
	char *resolved;    /* a URL or spec, or NULL */
	char *integrity;   /* space-separated "algo-base64" tokens, or NULL */
	bool not_registry; /* known not to come from a registry (pnpm file:, link) */
};

struct check {
	const struct pkg_identity_in *in;
	char *name, *version;  /* from package.json */
	struct evidence ev[MAX_EVIDENCE];
	size_t n;
	char *why;
	size_t whylen;
};

static int say(struct check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int say(struct check *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->why, c->whylen, fmt, ap);
	va_end(ap);
	for (char *s = c->why; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
	return 0;
}

/* ---- reading ------------------------------------------------------------ */

/* A copy of the string member key of o, or NULL. */
static char *member(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return strdup(json_object_get_string(v));
}

static struct evidence *new_evidence(struct check *c, const char *source)
{
	struct evidence *e;

	if (c->n == MAX_EVIDENCE)
		return NULL;
	e = &c->ev[c->n++];
	memset(e, 0, sizeof(*e));
	snprintf(e->source, sizeof(e->source), "%s", source);
	return e;
}

/* ---- the sources ---------------------------------------------------------- */

static const char *env_get(char *const *envp, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; envp && envp[i]; i++)
		if (strncmp(envp[i], name, n) == 0 && envp[i][n] == '=')
			return envp[i] + n + 1;
	return NULL;
}

/* npm 7+ (arborist) sets npm_package_resolved and _integrity for a
 * dependency's script from its tree, not from the package's package.json
 * (whose fields npm maps only to name, version, config_*, engines_*,
 * bin_*). Other package managers map every package.json field to
 * npm_package_*: trusted only when npm runs the script, and only for the
 * package whose package.json npm names. */
static void from_npm_env(struct check *c)
{
	const char *agent = env_get(c->in->envp, "npm_config_user_agent");
	const char *json = env_get(c->in->envp, "npm_package_json");
	const char *resolved = env_get(c->in->envp, "npm_package_resolved");
	const char *integrity = env_get(c->in->envp, "npm_package_integrity");
	char want[4096];
	struct evidence *e;

	if (!agent || strncmp(agent, "npm/", 4) != 0 || !json || (!resolved && !integrity))
		return;
	snprintf(want, sizeof(want), "%s/package.json", c->in->pkg_dir);
	if (strcmp(json, want) != 0 || !(e = new_evidence(c, "npm (npm_package_resolved)")))
		return;
	e->resolved = resolved && *resolved ? strdup(resolved) : NULL;
	e->integrity = integrity && *integrity ? strdup(integrity) : NULL;
}

/* pkg_dir relative to the project ("node_modules/a/node_modules/b"), or
 * NULL when it is not inside it. */
static const char *relative_to_project(const struct check *c)
{
	const char *p = c->in->project_dir;
	size_t n = p ? strlen(p) : 0;

	if (!p || strncmp(c->in->pkg_dir, p, n) != 0 || c->in->pkg_dir[n] != '/')
		return NULL;
	return c->in->pkg_dir + n + 1;
}

/* npm-shrinkwrap.json, package-lock.json and npm's hidden lockfile:
 * packages["<path>"] with name (an alias's real name), version, resolved,
 * integrity, link. */
static void from_npm_lock(struct check *c, int projfd, const char *file)
{
	const char *key = relative_to_project(c);
	struct json_object *lock, *pkgs, *entry, *link;
	struct evidence *e;

	if (!key || !(lock = file_read_json(projfd, file, PKG_IDENTITY_LOCK_MAX)))
		return;
	if (json_object_object_get_ex(lock, "packages", &pkgs) && json_object_is_type(pkgs, json_type_object) &&
	    json_object_object_get_ex(pkgs, key, &entry) && json_object_is_type(entry, json_type_object) &&
	    (e = new_evidence(c, file))) {
		e->name = member(entry, "name");
		e->version = member(entry, "version");
		e->resolved = member(entry, "resolved");
		e->integrity = member(entry, "integrity");
		e->not_registry = json_object_object_get_ex(entry, "link", &link) && json_object_get_boolean(link);
	}
	json_object_put(lock);
}

/* pnpm runs a script in its store layout, node_modules/.pnpm/<id>/
 * node_modules/<name>, where pnpm names <id> "<name>@<version>" ('/' of a
 * scope as '+', peers after '_' or '(') for a registry package and
 * otherwise after the source (file+…, link, a URL). */
static void from_pnpm_path(struct check *c)
{
	const char *at = strstr(c->in->pkg_dir, "/node_modules/.pnpm/"), *id, *end, *ver;
	struct evidence *e;
	char name[512];

	if (!at || !(e = new_evidence(c, "pnpm store directory")))
		return;
	id = at + strlen("/node_modules/.pnpm/");
	end = id + strcspn(id, "/");
	ver = id + (*id == '@'); /* a scope's own '@' */
	ver += strcspn(ver, "@");
	if (ver >= end || (size_t)(ver - id) >= sizeof(name)) {
		e->not_registry = true;
		e->resolved = strndup(id, (size_t)(end - id));
		return;
	}
	snprintf(name, sizeof(name), "%.*s", (int)(ver - id), id);
	for (char *s = name; *s; s++)
		if (*s == '+')
			*s = '/';
	e->name = strdup(name);
	ver++;
	e->version = strndup(ver, strcspn(ver, "_(/"));
	/* A version with '+' (file+…, https+…) is not a registry id. */
	e->not_registry = strncmp(id, "file+", 5) == 0 || strncmp(id, "link+", 5) == 0 ||
			  strchr(e->version ? e->version : "", '+') != NULL;
	if (e->not_registry)
		e->resolved = strndup(id, (size_t)(end - id));
}

/* Does the yarn.lock header line (without the final ':') have a spec for
 * dir_name ("puppeteer@^1", "puppeteer@npm:evil@1")? */
static bool yarn_header_names(const char *line, size_t len, const char *dir_name)
{
	size_t n = strlen(dir_name);

	for (size_t i = 0; i < len;) {
		while (i < len && (line[i] == ' ' || line[i] == ',' || line[i] == '"'))
			i++;
		if (len - i > n && strncmp(line + i, dir_name, n) == 0 && line[i + n] == '@')
			return true;
		while (i < len && line[i] != ',')
			i++;
	}
	return false;
}

/* The value of `  key "value"` or `  key value` in a yarn.lock block line. */
static char *yarn_value(const char *line, size_t len, const char *key)
{
	size_t k = strlen(key);
	const char *v;
	size_t vlen;

	if (len < 2 + k + 1 || strncmp(line, "  ", 2) != 0 || line[2] == ' ' ||
	    strncmp(line + 2, key, k) != 0 || line[2 + k] != ' ')
		return NULL;
	v = line + 3 + k;
	vlen = len - (size_t)(v - line);
	if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
		v++;
		vlen -= 2;
	}
	return strndup(v, vlen);
}

/* yarn classic's yarn.lock: the block for dir_name at package.json's
 * version (a name may be locked at several versions). */
static void from_yarn_lock(struct check *c, int projfd)
{
	char *buf, *version = NULL, *resolved = NULL, *integrity = NULL;
	bool in_block = false, found = false;
	size_t len;

	if (!c->version || file_read_bounded(projfd, "yarn.lock", PKG_IDENTITY_LOCK_MAX, &buf, &len) != 0)
		return;
	for (char *line = buf; line && *line && !found;) {
		char *nl = strchr(line, '\n');
		size_t l = nl ? (size_t)(nl - line) : strlen(line);
		char *v;

		if (l > 0 && line[0] != ' ' && line[0] != '#' && line[l - 1] == ':') {
			in_block = yarn_header_names(line, l - 1, c->in->dir_name);
		} else if (in_block && l == 0) {
			found = version && strcmp(version, c->version) == 0;
			in_block = false;
		} else if (in_block) {
			if ((v = yarn_value(line, l, "version"))) {
				free(version);
				version = v;
			} else if ((v = yarn_value(line, l, "resolved"))) {
				free(resolved);
				resolved = v;
			} else if ((v = yarn_value(line, l, "integrity"))) {
				free(integrity);
				integrity = v;
			}
		}
		if (!in_block && !found) {
			free(version);
			free(resolved);
			free(integrity);
			version = resolved = integrity = NULL;
		}
		line = nl ? nl + 1 : NULL;
	}
	found = found || (in_block && version && strcmp(version, c->version) == 0);
	struct evidence *e = found ? new_evidence(c, "yarn.lock") : NULL;
	if (e) {
		e->version = version;
		e->resolved = resolved;
		e->integrity = integrity;
	} else {
		free(version);
		free(resolved);
		free(integrity);
	}
	free(buf);
}

/* ---- the checks ----------------------------------------------------------- */

static bool is_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

int pkg_identity_registry_name(const char *url, char *out, size_t outlen)
{
	const char *path, *dash = NULL, *seg, *file;
	char name[512];
	size_t end, unscoped, o = 0;

	if (strncmp(url, "https://", 8) == 0)
		path = strchr(url + 8, '/');
	else if (strncmp(url, "http://", 7) == 0)
		path = strchr(url + 7, '/');
	else
		return -EINVAL;
	if (!path)
		return -EINVAL;
	end = strcspn(path, "?#");
	for (const char *s = strstr(path, "/-/"); s && (size_t)(s - path) < end; s = strstr(s + 1, "/-/"))
		dash = s;
	if (!dash || dash == path)
		return -EINVAL;
	file = dash + 3;
	/* The name: the last segment, or the last two when the one before is a
	 * scope; "%2f" (and "%40") as npm may write a scoped name. */
	seg = dash;
	while (seg > path && seg[-1] != '/')
		seg--;
	if (seg - 1 > path && seg[0] != '@') {
		const char *prev = seg - 1;

		while (prev > path && prev[-1] != '/')
			prev--;
		if (prev[0] == '@')
			seg = prev;
	}
	for (const char *s = seg; s < dash && o + 1 < sizeof(name); s++) {
		if (s[0] == '%' && is_hex(s[1]) && is_hex(s[2])) {
			char hex[3] = { s[1], s[2], 0 };

			name[o++] = (char)strtol(hex, NULL, 16);
			s += 2;
		} else {
			name[o++] = *s;
		}
	}
	name[o] = '\0';
	if (o == 0 || strchr(name, '%') || strstr(name, "..") || (name[0] == '@' && !strchr(name, '/')))
		return -EINVAL;
	/* The tarball is <unscoped name>-<version>.tgz. */
	const char *base = strchr(name, '/') ? strchr(name, '/') + 1 : name;
	unscoped = strlen(base);
	end -= (size_t)(file - path);
	if (end < unscoped + 5 || strncmp(file, base, unscoped) != 0 || file[unscoped] != '-' ||
	    strncmp(file + end - 4, ".tgz", 4) != 0 || memchr(file, '/', end))
		return -EINVAL;
	if (snprintf(out, outlen, "%s", name) >= (int)outlen)
		return -ENAMETOOLONG;
	return 0;
}

/* Whether the registry tarball url (of the package name) is
 * <unscoped name>-<version>.tgz. */
static bool tarball_has_version(const char *url, const char *name, const char *version)
{
	const char *base = strchr(name, '/') ? strchr(name, '/') + 1 : name, *file = NULL;
	size_t end = strcspn(url, "?#"), b = strlen(base), v = strlen(version);

	for (const char *s = strstr(url, "/-/"); s && (size_t)(s - url) < end; s = strstr(s + 1, "/-/"))
		file = s + 3;
	if (!file)
		return false;
	end -= (size_t)(file - url);
	return end == b + 1 + v + 4 && strncmp(file, base, b) == 0 && file[b] == '-' &&
	       strncmp(file + b + 1, version, v) == 0 && strncmp(file + b + 1 + v, ".tgz", 4) == 0;
}

/* The public registry under either of its names: yarn classic sets
 * npm_config_registry to registry.yarnpkg.com, npm's default (which npm 11
 * does not export) is registry.npmjs.org; both serve the same packages. */
static const char *const default_registries[] = { "https://registry.npmjs.org/", "https://registry.yarnpkg.com/" };

/* Whether url starts with the registry prefix reg (a missing trailing '/'
 * added): scheme, host, port and path compared exactly. */
static bool under_registry(const char *url, const char *reg)
{
	size_t n = strlen(reg);

	if (n == 0 || strncmp(url, reg, n) != 0)
		return false;
	if (reg[n - 1] == '/')
		return true;
	return url[n] == '/';
}

static bool is_default_registry(const char *reg)
{
	for (size_t i = 0; i < sizeof(default_registries) / sizeof(*default_registries); i++) {
		size_t n = strlen(default_registries[i]);

		if (strncmp(reg, default_registries[i], n - 1) == 0 && (reg[n - 1] == '\0' || strcmp(reg + n - 1, "/") == 0))
			return true;
	}
	return false;
}

/* Whether a registry tarball URL of the package name comes from the
 * registry configured for it in the script's environment: for "@scope/…"
 * npm_config_@scope:registry when set, else npm_config_registry and
 * YARN_REGISTRY (what npm and yarn classic export), else the default. The
 * path shape alone is anyone's: a dependency can declare
 * "https://attacker/puppeteer/-/puppeteer-2.0.0.tgz". */
static bool from_configured_registry(const struct check *c, const char *url, const char *name)
{
	const char *regs[2] = { NULL, NULL };
	size_t n = 0;

	if (strstr(url, "/..") || strstr(url, "/%2e") || strstr(url, "/%2E"))
		return false;
	if (name[0] == '@' && strchr(name, '/')) {
		char key[300];

		snprintf(key, sizeof(key), "npm_config_%.*s:registry", (int)(strchr(name, '/') - name), name);
		regs[0] = env_get(c->in->envp, key);
		n = regs[0] ? 1 : 0;
	}
	if (n == 0) {
		regs[0] = env_get(c->in->envp, "npm_config_registry");
		regs[1] = env_get(c->in->envp, "YARN_REGISTRY");
		n = 2;
	}
	bool any = false;

	for (size_t i = 0; i < n; i++) {
		if (!regs[i] || !*regs[i])
			continue;
		any = true;
		if (under_registry(url, regs[i]))
			return true;
		if (is_default_registry(regs[i]))
			for (size_t d = 0; d < sizeof(default_registries) / sizeof(*default_registries); d++)
				if (under_registry(url, default_registries[d]))
					return true;
	}
	if (!any)
		for (size_t d = 0; d < sizeof(default_registries) / sizeof(*default_registries); d++)
			if (under_registry(url, default_registries[d]))
				return true;
	return false;
}

/* The override's name against one source. 1 agrees, 0 not (why set). */
static int evidence_agrees(struct check *c, const struct evidence *e)
{
	const char *dir = c->in->dir_name;
	char reg[512];

	if (e->name && strcmp(e->name, dir) != 0)
		return say(c, "directory name \"%s\" but %s records the package \"%s\"", dir, e->source, e->name);
	if (e->version && c->version && strcmp(e->version, c->version) != 0)
		return say(c, "%s records version %s, package.json says %s (not this package)", e->source,
			   e->version, c->version);
	if (e->not_registry)
		return say(c, "directory name \"%s\": %s says it is not from a registry (%s)", dir, e->source,
			   e->resolved ? e->resolved : "link");
	if (!e->resolved)
		return 1;
	if (pkg_identity_registry_name(e->resolved, reg, sizeof(reg)) != 0)
		return say(c, "directory name \"%s\": %s resolves it from %s, not a registry tarball", dir,
			   e->source, e->resolved);
	if (strcmp(reg, dir) != 0)
		return say(c, "directory name \"%s\" but %s resolves the registry package \"%s\"", dir, e->source,
			   reg);
	if (!from_configured_registry(c, e->resolved, reg))
		return say(c, "directory name \"%s\": %s resolves it from %s, not the registry configured for it "
			   "(npm_config_registry, npm_config_@scope:registry, YARN_REGISTRY, else registry.npmjs.org)",
			   dir, e->source, e->resolved);
	/* The tarball names its version too: a script that rewrote its own
	 * package.json (an earlier preinstall) cannot pass a version pin. */
	if (c->version && !tarball_has_version(e->resolved, reg, c->version))
		return say(c, "%s resolves \"%s\" to %s, not the version %s its package.json says", e->source, dir,
			   e->resolved, c->version);
	return 1;
}

static bool has_token(const char *list, const char *tok)
{
	size_t n = strlen(tok);

	for (const char *s = list; s && *s;) {
		size_t l = strcspn(s, " \t");

		if (l == n && strncmp(s, tok, n) == 0)
			return true;
		s += l;
		s += strspn(s, " \t");
	}
	return false;
}

static int pins_hold(struct check *c, const char *integrity, const char *version)
{
	size_t seen = 0;

	if (version && (!c->version || strcmp(c->version, version) != 0))
		return say(c, "\"%s\" is pinned to version %s, package.json says %s", c->in->dir_name, version,
			   c->version ? c->version : "none");
	for (size_t i = 0; integrity && i < c->n; i++) {
		if (!c->ev[i].integrity)
			continue;
		seen++;
		if (!has_token(c->ev[i].integrity, integrity))
			return say(c, "\"%s\" is pinned to integrity %.24s…, %s records %.24s…", c->in->dir_name,
				   integrity, c->ev[i].source, c->ev[i].integrity);
	}
	if (integrity && seen == 0)
		return say(c, "\"%s\" is pinned to an integrity, but no lockfile or package manager records "
			   "one for it here", c->in->dir_name);
	return 1;
}

static void check_free(struct check *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->ev[i].name);
		free(c->ev[i].version);
		free(c->ev[i].resolved);
		free(c->ev[i].integrity);
	}
	free(c->name);
	free(c->version);
}

int pkg_identity_agrees(const struct pkg_identity_in *in, const char *integrity, const char *version,
			char *why, size_t whylen)
{
	struct check c = { .in = in, .why = why, .whylen = whylen };
	struct json_object *manifest;
	int pkgfd, projfd = -1, r = 1;

	if (!in->pkg_dir || !in->dir_name)
		return say(&c, "no package directory: its identity cannot be checked");
	/* The directory the sandbox binds, by its fd when there is one. */
	pkgfd = in->pkg_dir_fd >= 0 ? in->pkg_dir_fd : open(in->pkg_dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	manifest = pkgfd >= 0 ? file_read_json(pkgfd, "package.json", PKG_IDENTITY_MANIFEST_MAX) : NULL;
	if (pkgfd >= 0 && pkgfd != in->pkg_dir_fd)
		close(pkgfd);
	c.name = member(manifest, "name");
	c.version = member(manifest, "version");
	json_object_put(manifest);
	if (!c.name)
		r = say(&c, "directory name \"%s\" but no readable package.json name in %s", in->dir_name,
			in->pkg_dir);
	else if (strcmp(c.name, in->dir_name) != 0)
		r = say(&c, "directory name \"%s\" but package.json names \"%s\"", in->dir_name, c.name);
	if (r) {
		from_npm_env(&c);
		from_pnpm_path(&c);
		if (in->project_dir)
			projfd = open(in->project_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (projfd >= 0) {
			from_npm_lock(&c, projfd, "npm-shrinkwrap.json");
			from_npm_lock(&c, projfd, "package-lock.json");
			from_npm_lock(&c, projfd, "node_modules/.package-lock.json");
			from_yarn_lock(&c, projfd);
			close(projfd);
		}
	}
	/* The names alone are the depender's choice and the package's own
	 * word (a file: tarball's package.json says whatever it likes): some
	 * record of where the package came from must exist and agree. */
	if (r && c.n == 0)
		r = say(&c, "nothing records where \"%s\" came from (no npm_package_resolved, lockfile entry, "
			"pnpm store directory or yarn.lock entry): its directory name is its depender's choice",
			in->dir_name);
	for (size_t i = 0; r && i < c.n; i++)
		r = evidence_agrees(&c, &c.ev[i]);
	if (r)
		r = pins_hold(&c, integrity, version);
	check_free(&c);
	return r;
}
