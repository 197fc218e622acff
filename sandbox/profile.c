/* profile.c — loads a checked policy from libconfig profiles (profile.h).
 *
 * Owns: the search path, the inherit chain (depth, cycles, same-name
 * drop-ins), the schema (every key, type and value is checked: a typo in a
 * security policy must never be silently ignored) and per-package overrides.
 * Does not own: ${VAR} expansion and the path rules (profile_paths.c),
 * whether paths exist (mount layer), applying the policy (the layer files),
 * printing it and the string lists (policy.c). */
#include "profile.h"
#include "array_size.h"
#include "profile_paths.h"

#include <errno.h>
#include <fnmatch.h>
#include <libconfig.h>
#include <limits.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef PKGGUARD_PREFIX
#define PKGGUARD_PREFIX "/usr/local"
#endif

#define PROFILE_MAX_CHAIN 8
#define PROFILE_VERSION 1
#define CTX_MAX 256

static void one_line(char *s);

/* ------------------------------------------------------------------ */
/* Search path                                                         */

/* Appends the non-empty entries of PKGGUARD_PROFILE_PATH. secure_getenv:
 * should pkgguard-sandbox ever run set-id, the caller must not be able to
 * pick the policy through the environment. A relative entry is refused
 * unless allowed: the sandbox runs in the package's directory, where
 * "profiles" would name the package's own profiles (its own policy). */
static int push_env_path(struct strlist *out, bool allow_relative, char *err, size_t errlen)
{
	const char *env = secure_getenv("PKGGUARD_PROFILE_PATH");
	char *copy, *save = NULL;
	int r = 0;

	if (!env)
		return 0;
	copy = strdup(env);
	if (!copy)
		return -ENOMEM;
	/* strtok_r skips empty fields ("a::b", leading or trailing ':'). */
	for (char *dir = strtok_r(copy, ":", &save); dir && !r; dir = strtok_r(NULL, ":", &save)) {
		if (dir[0] != '/' && !allow_relative) {
			if (err && errlen)
				snprintf(err, errlen,
				 "PKGGUARD_PROFILE_PATH: relative entry \"%s\" refused (entries must be absolute: "
				 "here it would name a directory inside the package; pkgguard run makes them absolute)",
				 dir);
			if (err && errlen)
				one_line(err);
			r = -EINVAL;
		} else {
			r = strlist_push(out, dir);
		}
	}
	free(copy);
	return r;
}

int profile_search_path(const char *cli_dir, bool allow_relative, struct strlist *out, char *err,
			size_t errlen)
{
	int r = 0;

	memset(out, 0, sizeof(*out));
	if (err && errlen)
		snprintf(err, errlen, "profile search path: %s", strerror(ENOMEM));
	if (cli_dir && *cli_dir && cli_dir[0] != '/' && !allow_relative) {
		if (err && errlen) {
			snprintf(err, errlen, "--profiles: relative directory \"%s\" refused (give an absolute path)",
				 cli_dir);
			one_line(err);
		}
		return -EINVAL;
	}
	if (cli_dir && *cli_dir)
		r = strlist_push(out, cli_dir);
	if (!r)
		r = push_env_path(out, allow_relative, err, errlen);
	if (!r)
		r = strlist_push(out, "/etc/pkgguard/profiles.d");
	if (!r)
		r = strlist_push(out, PKGGUARD_PREFIX "/share/pkgguard/profiles");
	if (r)
		strlist_free(out);
	return r;
}

/* ------------------------------------------------------------------ */
/* Loader state and errors                                             */

struct link {                /* one file of the inherit chain */
	config_t cfg;
	bool cfg_live;
	char *path;          /* "DIR/NAME.conf", or the FILE given */
	char *name;          /* NAME, or FILE's basename without ".conf" */
	int dir_index;       /* its directory's place on the search path, -1 if none */
	dev_t dev;
	ino_t ino;
};

struct loader {
	const struct strlist *search;
	const struct profile_vars *vars;
	char *home;          /* vars->home normalised; NULL if unset or relative */
	char *err;
	size_t errlen;
	const char *cur_path; /* file being read, for settings without a source */
	struct link chain[PROFILE_MAX_CHAIN]; /* [0] requested, [n-1] oldest parent */
	size_t n;
};

/* Error messages are one line: control characters (from a quoted value)
 * would break that, and could forge a second line in a log. */
static void one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

static int vfail_at(struct loader *ld, const char *file, unsigned line, int err,
		    const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
static int vfail_at(struct loader *ld, const char *file, unsigned line, int err,
		    const char *fmt, va_list ap)
{
	int n;

	if (!ld->err || ld->errlen == 0)
		return err;
	if (line)
		n = snprintf(ld->err, ld->errlen, "%s:%u: ", file, line);
	else
		n = snprintf(ld->err, ld->errlen, "%s: ", file);
	if (n >= 0 && (size_t)n < ld->errlen)
		vsnprintf(ld->err + n, ld->errlen - (size_t)n, fmt, ap);
	one_line(ld->err);
	return err;
}

static int fail_at(struct loader *ld, const char *file, unsigned line, int err,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int fail_at(struct loader *ld, const char *file, unsigned line, int err,
		   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err = vfail_at(ld, file, line, err, fmt, ap);
	va_end(ap);
	return err;
}

/* "FILE:LINE: ..." of the setting s. */
static int fail(struct loader *ld, const config_setting_t *s, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(struct loader *ld, const config_setting_t *s, int err, const char *fmt, ...)
{
	const char *file = s ? config_setting_source_file(s) : NULL;
	va_list ap;

	if (!file)
		file = ld->cur_path ? ld->cur_path : "(profile)";
	va_start(ap, fmt);
	err = vfail_at(ld, file, s ? config_setting_source_line(s) : 0, err, fmt, ap);
	va_end(ap);
	return err;
}

/* A message without a file (nothing has been read yet). */
static int fail_plain(struct loader *ld, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail_plain(struct loader *ld, int err, const char *fmt, ...)
{
	va_list ap;

	if (!ld->err || ld->errlen == 0)
		return err;
	va_start(ap, fmt);
	vsnprintf(ld->err, ld->errlen, fmt, ap);
	va_end(ap);
	one_line(ld->err);
	return err;
}

static int fail_oom(struct loader *ld)
{
	return fail_plain(ld, -ENOMEM, "out of memory while loading the profile");
}

/* "ctx.key" (or "key" at the top), for messages. */
static void key_path(char *buf, size_t len, const char *ctx, const char *key)
{
	int n = snprintf(buf, len, "%s%s%s", ctx, *ctx ? "." : "", key);

	if (n < 0 || (size_t)n >= len)
		buf[len - 1] = '\0';
}

/* ------------------------------------------------------------------ */
/* List entries                                                        */

enum entry_kind {
	E_READ_ONLY,
	E_READ_ONLY_OPTIONAL,
	E_READ_WRITE,
	E_HOME_READ_ONLY,
	E_HIDDEN,
	E_PATTERN,   /* environment.keep / strip: fnmatch patterns, taken as is */
	E_SET,       /* environment.set: NAME=value */
	E_SYSCALL,   /* seccomp.deny */
	E_NAME,      /* match.commands / helpers: a program's basename */
};

/* Lists append across the chain; an entry already there is not repeated. */
static int push_unique(struct loader *ld, struct strlist *l, const char *s)
{
	if (strlist_has(l, s))
		return 0;
	return strlist_push(l, s) ? fail_oom(ld) : 0;
}

/* set_env is a map: a later NAME=value replaces the earlier value in place,
 * so the order of first appearance is kept and each NAME occurs once. */
static int set_replace(struct loader *ld, struct strlist *l, const char *entry)
{
	size_t n = strcspn(entry, "=") + 1;

	for (size_t i = 0; i < l->n; i++) {
		char *copy;

		if (strncmp(l->v[i], entry, n) != 0)
			continue;
		copy = strdup(entry);
		if (!copy)
			return fail_oom(ld);
		free(l->v[i]);
		l->v[i] = copy;
		return 0;
	}
	return push_unique(ld, l, entry);
}

/* Checks an expanded, normalised path against the rules of its list.
 * Returns 0 to keep it, 1 to drop it, or a negative error. */
static int check_path_rules(struct loader *ld, const config_setting_t *e, const char *what,
			    enum entry_kind kind, const char *path)
{
	/* The root is always the sandbox's own: showing the host's "/" would
	 * show $HOME, /run and everything a profile hides. */
	if (strcmp(path, "/") == 0)
		return fail(ld, e, -EINVAL, "%s: \"/\" cannot be %s", what,
			    kind == E_READ_WRITE ? "writable" : kind == E_HIDDEN ? "hidden" : "shown");
	if (kind == E_READ_WRITE && rw_is_refused(path, ld->home))
		return fail(ld, e, -EINVAL, "%s: \"%s\" is a system or credential directory and must not be writable",
			    what, path);
	if (kind == E_READ_WRITE && ld->home &&
	    (strcmp(path, ld->home) == 0 || path_is_under(ld->home, path)))
		return fail(ld, e, -EINVAL, "%s: \"%s\" contains $HOME (%s) and must not be writable",
			    what, path, ld->home);
	if (kind == E_HOME_READ_ONLY && !ld->home)
		return 1; /* no home to show anything of */
	if (kind == E_HOME_READ_ONLY && !path_is_under(path, ld->home))
		return fail(ld, e, -EINVAL, "%s: \"%s\" is not under $HOME (%s)", what, path, ld->home);
	return 0;
}

static int apply_path(struct loader *ld, const config_setting_t *e, const char *what,
		      enum entry_kind kind, struct strlist *l, const char *raw)
{
	char why[256], *path = NULL;
	int r = profile_expand_why(raw, ld->vars, &path, why, sizeof(why));

	if (r == -ENOENT)
		return 0; /* its variable is unset here: the entry does not apply */
	if (r == -EINVAL)
		return fail(ld, e, r, "%s: \"%s\": %s", what, raw, why);
	if (r)
		return fail_oom(ld);
	if (path[0] != '/')
		r = fail(ld, e, -EINVAL, "%s: relative path \"%s\" (paths must be absolute)", what, path);
	else if (path_normalise(path) < 0)
		r = fail(ld, e, -EINVAL, "%s: \"..\" in path \"%s\" is not allowed", what, raw);
	else
		r = check_path_rules(ld, e, what, kind, path);
	if (r == 0)
		r = push_unique(ld, l, path);
	free(path);
	return r < 0 ? r : 0;
}

static bool env_name_valid(const char *s, size_t n)
{
	if (n == 0 || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

static int apply_set(struct loader *ld, const config_setting_t *e, const char *what,
		     struct strlist *l, const char *raw)
{
	const char *eq = strchr(raw, '=');
	char why[256], *val = NULL, *entry = NULL;
	int r;

	if (!eq || !env_name_valid(raw, (size_t)(eq - raw)))
		return fail(ld, e, -EINVAL,
			    "%s: bad set entry \"%s\" (expected NAME=value, NAME of letters, digits and '_')",
			    what, raw);
	r = profile_expand_why(eq + 1, ld->vars, &val, why, sizeof(why));
	if (r == -ENOENT)
		return 0; /* value refers to an unset variable: do not set it at all */
	if (r == -EINVAL)
		return fail(ld, e, r, "%s: \"%s\": %s", what, raw, why);
	if (r || asprintf(&entry, "%.*s=%s", (int)(eq - raw), raw, val) < 0) {
		free(val);
		return fail_oom(ld);
	}
	r = set_replace(ld, l, entry);
	free(val);
	free(entry);
	return r;
}

static int apply_entry(struct loader *ld, const config_setting_t *e, const char *what,
		       enum entry_kind kind, struct strlist *l)
{
	const char *raw = config_setting_get_string(e);

	if (config_setting_type(e) != CONFIG_TYPE_STRING || !raw)
		return fail(ld, e, -EINVAL, "%s: wrong type, expected a string", what);
	switch (kind) {
	case E_PATTERN:
		if (!*raw || strchr(raw, '='))
			return fail(ld, e, -EINVAL, "%s: bad variable name pattern \"%s\"", what, raw);
		return push_unique(ld, l, raw);
	case E_SET:
		return apply_set(ld, e, what, l, raw);
	case E_NAME:
		if (!*raw || strchr(raw, '/'))
			return fail(ld, e, -EINVAL, "%s: bad program name \"%s\" (a non-empty basename, no '/')",
				    what, raw);
		return push_unique(ld, l, raw);
	case E_SYSCALL:
		if (seccomp_syscall_resolve_name(raw) == __NR_SCMP_ERROR)
			return fail(ld, e, -EINVAL, "%s: unknown syscall \"%s\"", what, raw);
		return push_unique(ld, l, raw);
	default:
		return apply_path(ld, e, what, kind, l, raw);
	}
}

static int apply_list(struct loader *ld, const config_setting_t *s, const char *what,
		      enum entry_kind kind, struct strlist *l)
{
	char elem[CTX_MAX];
	int r = 0;

	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return fail(ld, s, -EINVAL, "%s: wrong type, expected a list of strings [ \"...\", ... ]", what);
	for (int i = 0; i < config_setting_length(s) && !r; i++) {
		int n = snprintf(elem, sizeof(elem), "%s[%d]", what, i);

		if (n < 0 || (size_t)n >= sizeof(elem))
			elem[sizeof(elem) - 1] = '\0';
		r = apply_entry(ld, config_setting_get_elem(s, (unsigned)i), elem, kind, l);
	}
	return r;
}

/* ------------------------------------------------------------------ */
/* Sections                                                            */

struct list_key {
	const char *name;
	enum entry_kind kind;
	size_t off; /* of the struct strlist in struct policy */
};

struct section {
	const char *name;
	const struct list_key *keys;
	size_t nkeys;
	const char *expected; /* for the unknown-key message */
};

static const struct list_key fs_keys[] = {
	{ "read_only", E_READ_ONLY, offsetof(struct policy, read_only) },
	{ "read_only_optional", E_READ_ONLY_OPTIONAL, offsetof(struct policy, read_only_optional) },
	{ "read_write", E_READ_WRITE, offsetof(struct policy, read_write) },
	{ "home_read_only", E_HOME_READ_ONLY, offsetof(struct policy, home_read_only) },
	{ "hidden", E_HIDDEN, offsetof(struct policy, hidden) },
	{ "protected_dirs", E_HIDDEN, offsetof(struct policy, protected_dirs) },
	{ "protected_files", E_HIDDEN, offsetof(struct policy, protected_files) },
	{ "shown_to_project", E_HIDDEN, offsetof(struct policy, shown_to_project) },
};
static const struct list_key env_keys[] = {
	{ "keep", E_PATTERN, offsetof(struct policy, env_keep) },
	{ "strip", E_PATTERN, offsetof(struct policy, env_strip) },
	{ "set", E_SET, offsetof(struct policy, set_env) },
};
static const struct list_key seccomp_keys[] = {
	{ "deny", E_SYSCALL, offsetof(struct policy, seccomp_deny_extra) },
};

static const struct list_key match_keys[] = {
	{ "commands", E_NAME, offsetof(struct policy, match_commands) },
	{ "helpers", E_NAME, offsetof(struct policy, match_helpers) },
};

static const struct section sec_filesystem = {
	"filesystem", fs_keys, ARRAY_SIZE(fs_keys),
	"read_only, read_only_optional, read_write, home_read_only, hidden, protected_dirs, protected_files, "
	"shown_to_project"
};
static const struct section sec_environment = {
	"environment", env_keys, ARRAY_SIZE(env_keys), "keep, strip, set"
};
static const struct section sec_seccomp = {
	"seccomp", seccomp_keys, ARRAY_SIZE(seccomp_keys), "deny"
};

static const struct section sec_match = {
	"match", match_keys, ARRAY_SIZE(match_keys), "commands, helpers"
};

/* A group of lists: filesystem, environment, seccomp or match. */
static int apply_list_section(struct loader *ld, struct policy *p, const config_setting_t *g,
			      const char *what, const struct section *sec)
{
	char key[CTX_MAX];
	int r = 0;

	if (!config_setting_is_group(g))
		return fail(ld, g, -EINVAL, "%s: wrong type, expected a group { ... }", what);
	for (int i = 0; i < config_setting_length(g) && !r; i++) {
		const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(s);
		const struct list_key *k = NULL;

		for (size_t j = 0; j < sec->nkeys && !k; j++)
			if (strcmp(name, sec->keys[j].name) == 0)
				k = &sec->keys[j];
		key_path(key, sizeof(key), what, name);
		if (!k)
			return fail(ld, s, -EINVAL, "unknown key \"%s\" (%s takes: %s)", key, what, sec->expected);
		r = apply_list(ld, s, key, k->kind, (struct strlist *)((char *)p + k->off));
	}
	return r;
}

struct limit_key {
	const char *name;
	size_t off;     /* in struct limits */
	bool is_uint;   /* an unsigned (timeout_s), else a uint64_t */
	uint64_t max;
};

/* *_mb limits are turned into bytes by the layers: keep that from wrapping. */
#define MB_MAX (UINT64_MAX >> 20)

static const struct limit_key limit_keys[] = {
	{ "timeout", offsetof(struct limits, timeout_s), true, UINT_MAX },
	{ "nproc", offsetof(struct limits, nproc), false, INT64_MAX },
	{ "nofile", offsetof(struct limits, nofile), false, INT64_MAX },
	{ "fsize_mb", offsetof(struct limits, fsize_mb), false, MB_MAX },
	{ "data_mb", offsetof(struct limits, data_mb), false, MB_MAX },
	{ "as_mb", offsetof(struct limits, as_mb), false, MB_MAX },
	{ "cpu_s", offsetof(struct limits, cpu_s), false, INT64_MAX },
	{ "tmp_mb", offsetof(struct limits, tmp_mb), false, MB_MAX },
	{ "shm_mb", offsetof(struct limits, shm_mb), false, MB_MAX },
	{ "home_mb", offsetof(struct limits, home_mb), false, MB_MAX },
};

static const struct limit_key *limit_key_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(limit_keys); i++)
		if (strcmp(name, limit_keys[i].name) == 0)
			return &limit_keys[i];
	return NULL;
}

static int apply_limit(struct loader *ld, struct limits *lim, const config_setting_t *s,
		       const char *what, const struct limit_key *k)
{
	int type = config_setting_type(s);
	long long v;

	if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64)
		return fail(ld, s, -EINVAL, "%s: wrong type, expected a non-negative integer", what);
	v = config_setting_get_int64(s);
	if (v < 0)
		return fail(ld, s, -EINVAL, "%s: negative value %lld, expected a non-negative integer", what, v);
	if ((unsigned long long)v > k->max)
		return fail(ld, s, -EINVAL, "%s: value %lld is too large", what, v);
	if (k->is_uint)
		*(unsigned *)((char *)lim + k->off) = (unsigned)v;
	else
		*(uint64_t *)((char *)lim + k->off) = (uint64_t)v;
	return 0;
}

static int apply_limits(struct loader *ld, struct policy *p, const config_setting_t *g,
			const char *what)
{
	char key[CTX_MAX];
	int r = 0;

	if (!config_setting_is_group(g))
		return fail(ld, g, -EINVAL, "%s: wrong type, expected a group { ... }", what);
	for (int i = 0; i < config_setting_length(g) && !r; i++) {
		const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		const struct limit_key *k = limit_key_find(config_setting_name(s));

		key_path(key, sizeof(key), what, config_setting_name(s));
		if (!k)
			return fail(ld, s, -EINVAL,
				    "unknown key \"%s\" (%s takes: timeout, nproc, nofile, fsize_mb, data_mb, as_mb, cpu_s, tmp_mb, shm_mb, home_mb)",
				    key, what);
		r = apply_limit(ld, &p->limits, s, key, k);
	}
	return r;
}

static int apply_network(struct loader *ld, struct policy *p, const config_setting_t *s,
			 const char *what)
{
	const char *v = config_setting_get_string(s);

	if (config_setting_type(s) != CONFIG_TYPE_STRING || !v)
		return fail(ld, s, -EINVAL, "%s: wrong type, expected a string (\"none\" or \"host\")", what);
	if (strcmp(v, "none") == 0)
		p->network = NETWORK_NONE;
	else if (strcmp(v, "host") == 0)
		p->network = NETWORK_HOST;
	else
		return fail(ld, s, -EINVAL, "%s: unknown value \"%s\" (expected \"none\" or \"host\")", what, v);
	return 0;
}

/* What sethostname() accepts and a shell prompt shows sanely. */
static bool hostname_valid(const char *v)
{
	size_t n = strlen(v);

	if (n == 0 || n > 64 || v[0] == '-' || v[0] == '.')
		return false;
	return strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") == n;
}

static int apply_hostname(struct loader *ld, struct policy *p, const config_setting_t *s,
			  const char *what)
{
	const char *v = config_setting_get_string(s);
	char *copy;

	if (config_setting_type(s) != CONFIG_TYPE_STRING || !v)
		return fail(ld, s, -EINVAL, "%s: wrong type, expected a string", what);
	if (!hostname_valid(v))
		return fail(ld, s, -EINVAL,
			    "%s: bad hostname \"%s\" (1-64 letters, digits, '-' and '.')", what, v);
	copy = strdup(v);
	if (!copy)
		return fail_oom(ld);
	free(p->hostname);
	p->hostname = copy;
	return 0;
}

/* The keys a profile and a package entry share. Returns 1 when name is not
 * one of them (the caller knows which other keys it allows). */
static int apply_policy_key(struct loader *ld, struct policy *p, const config_setting_t *s,
			    const char *ctx)
{
	const char *name = config_setting_name(s);
	char what[CTX_MAX];

	key_path(what, sizeof(what), ctx, name);
	if (strcmp(name, "network") == 0)
		return apply_network(ld, p, s, what);
	if (strcmp(name, "hostname") == 0)
		return apply_hostname(ld, p, s, what);
	if (strcmp(name, "filesystem") == 0)
		return apply_list_section(ld, p, s, what, &sec_filesystem);
	if (strcmp(name, "environment") == 0)
		return apply_list_section(ld, p, s, what, &sec_environment);
	if (strcmp(name, "seccomp") == 0)
		return apply_list_section(ld, p, s, what, &sec_seccomp);
	if (strcmp(name, "limits") == 0)
		return apply_limits(ld, p, s, what);
	return 1;
}

#define TOP_KEYS "version, description, inherit, network, hostname, filesystem, environment, limits, seccomp, match, packages"
#define PACKAGE_KEYS "name, integrity, version, network, hostname, filesystem, environment, limits, seccomp"

/* Applies one file's top-level policy keys (its packages come later). */
static int apply_file(struct loader *ld, struct policy *p, const struct link *l)
{
	const config_setting_t *root = config_root_setting(&l->cfg);
	int r = 0;

	ld->cur_path = l->path;
	for (int i = 0; i < config_setting_length(root) && !r; i++) {
		const config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
		const char *name = config_setting_name(s);

		/* Checked when the chain was read / applied in apply_packages(). */
		if (strcmp(name, "version") == 0 || strcmp(name, "description") == 0 ||
		    strcmp(name, "inherit") == 0 || strcmp(name, "packages") == 0)
			continue;
		/* match describes the package manager, not a package: top level only. */
		if (strcmp(name, "match") == 0)
			r = apply_list_section(ld, p, s, "match", &sec_match);
		else
			r = apply_policy_key(ld, p, s, "");
		if (r == 1)
			r = fail(ld, s, -EINVAL, "unknown key \"%s\" (a profile takes: %s)", name, TOP_KEYS);
	}
	return r;
}

/* ------------------------------------------------------------------ */
/* Per-package overrides                                               */

static int package_entry_name(struct loader *ld, const config_setting_t *e, int i,
			      const char **name)
{
	const config_setting_t *n;

	if (!config_setting_is_group(e))
		return fail(ld, e, -EINVAL, "packages[%d]: wrong type, expected a group { name = \"...\"; ... }", i);
	n = config_setting_get_member(e, "name");
	if (!n)
		return fail(ld, e, -EINVAL, "packages[%d]: missing required key \"name\"", i);
	*name = config_setting_get_string(n);
	if (config_setting_type(n) != CONFIG_TYPE_STRING || !*name)
		return fail(ld, n, -EINVAL, "packages[%d].name: wrong type, expected a string", i);
	if (!**name)
		return fail(ld, n, -EINVAL, "packages[%d].name: empty package name pattern", i);
	return 0;
}

/* The optional pins of an entry: integrity = "sha512-<base64>" (as npm's
 * lockfile writes it), version = "1.2.3". NULL when absent. */
static int package_entry_pins(struct loader *ld, const config_setting_t *e, const char *pattern,
			      const char **integrity, const char **version)
{
	const config_setting_t *i = config_setting_get_member(e, "integrity");
	const config_setting_t *v = config_setting_get_member(e, "version");
	static const char *const algos[] = { "sha512-", "sha384-", "sha256-", "sha1-" };
	bool known = false;

	*integrity = i ? config_setting_get_string(i) : NULL;
	*version = v ? config_setting_get_string(v) : NULL;
	if (i && (config_setting_type(i) != CONFIG_TYPE_STRING || !*integrity))
		return fail(ld, i, -EINVAL, "packages[%s].integrity: wrong type, expected a string \"sha512-...\"",
			    pattern);
	for (size_t k = 0; *integrity && k < sizeof(algos) / sizeof(algos[0]); k++)
		known = known || (strncmp(*integrity, algos[k], strlen(algos[k])) == 0 &&
				  (*integrity)[strlen(algos[k])] != '\0');
	if (*integrity && (!known || strpbrk(*integrity, " \t")))
		return fail(ld, i, -EINVAL,
			    "packages[%s].integrity: \"%s\" is not one integrity \"sha512-<base64>\" (as in package-lock.json)",
			    pattern, *integrity);
	if (v && (config_setting_type(v) != CONFIG_TYPE_STRING || !*version || !**version))
		return fail(ld, v, -EINVAL, "packages[%s].version: wrong type, expected a version string", pattern);
	return 0;
}

/* An override whose pattern matches is used only when the package's
 * identity agrees (vars->identity_check, pkg_identity.h); otherwise it is
 * recorded as not used, with why. 1 used, 0 not, <0 error. */
static int override_allowed(struct loader *ld, struct policy *p, const config_setting_t *e,
			    const char *pattern)
{
	const char *integrity, *version;
	char why[512] = "";
	char *note;
	int r = package_entry_pins(ld, e, pattern, &integrity, &version);

	if (r)
		return r;
	if (!ld->vars->identity_check)
		return 1;
	if (ld->vars->identity_check(ld->vars->identity_ctx, integrity, version, why, sizeof(why)))
		return 1;
	if (asprintf(&note, "override packages[%s] at %s:%u not used: %s", pattern,
		     config_setting_source_file(e) ? config_setting_source_file(e) : ld->cur_path,
		     config_setting_source_line(e), why) < 0)
		return fail_oom(ld);
	free(p->override_refused);
	p->override_refused = note;
	return 0;
}

static int apply_package_entry(struct loader *ld, struct policy *p, const config_setting_t *e,
			       const char *pattern)
{
	char ctx[CTX_MAX];
	int r = 0, n = snprintf(ctx, sizeof(ctx), "packages[%s]", pattern);

	if (n < 0 || (size_t)n >= sizeof(ctx))
		ctx[sizeof(ctx) - 1] = '\0';
	for (int i = 0; i < config_setting_length(e) && !r; i++) {
		const config_setting_t *s = config_setting_get_elem(e, (unsigned)i);

		if (strcmp(config_setting_name(s), "name") == 0 || strcmp(config_setting_name(s), "integrity") == 0 ||
		    strcmp(config_setting_name(s), "version") == 0)
			continue; /* checked by package_entry_pins() */
		r = apply_policy_key(ld, p, s, ctx);
		if (r == 1)
			r = fail(ld, s, -EINVAL, "unknown key \"%s.%s\" (a package entry takes: %s)",
				 ctx, config_setting_name(s), PACKAGE_KEYS);
	}
	return r;
}

static int record_override(struct loader *ld, struct policy *p, const config_setting_t *e,
			   const struct link *l)
{
	const char *file = config_setting_source_file(e);
	char *src;

	if (asprintf(&src, "%s:%u", file ? file : l->path, config_setting_source_line(e)) < 0)
		return fail_oom(ld);
	free(p->override_source);
	p->override_source = src;
	return 0;
}

/* Two entries with one pattern in one file: which one wins would depend on
 * their order, which nobody reading the second one would guess. */
static int check_duplicate_pattern(struct loader *ld, const config_setting_t *pk, int i,
				   const char *name)
{
	for (int j = 0; j < i; j++) {
		const config_setting_t *pe = config_setting_get_elem(pk, (unsigned)j);
		const char *prev = NULL;

		config_setting_lookup_string(pe, "name", &prev);
		if (prev && strcmp(prev, name) == 0)
			return fail(ld, config_setting_get_elem(pk, (unsigned)i), -EINVAL,
				    "packages[%d]: duplicate package pattern \"%s\" (first at line %u)",
				    i, name, config_setting_source_line(pe));
	}
	return 0;
}

/* Every entry is checked; the ones whose pattern matches vars->package are
 * merged into p, the others into scratch (so a typo in an entry for another
 * package is still an error). */
static int apply_packages(struct loader *ld, struct policy *p, struct policy *scratch,
			  const struct link *l)
{
	const config_setting_t *pk = config_setting_get_member(config_root_setting(&l->cfg), "packages");
	const char *pkg = ld->vars->package;
	int r = 0;

	ld->cur_path = l->path;
	if (!pk)
		return 0;
	if (!config_setting_is_list(pk))
		return fail(ld, pk, -EINVAL, "packages: wrong type, expected a list ( { name = \"...\"; ... }, ... )");
	for (int i = 0; i < config_setting_length(pk) && !r; i++) {
		const config_setting_t *e = config_setting_get_elem(pk, (unsigned)i);
		const char *name = NULL;
		bool match;

		r = package_entry_name(ld, e, i, &name);
		if (!r)
			r = check_duplicate_pattern(ld, pk, i, name);
		if (r)
			break;
		/* No FNM_PATHNAME: '*' must also match across the '/' of a scoped
		 * name ("@types/node"). Case matters: npm names differing only in
		 * case are different packages. */
		match = pkg && fnmatch(name, pkg, 0) == 0;
		if (match) {
			r = override_allowed(ld, p, e, name);
			match = r == 1;
			r = r < 0 ? r : 0;
		} else {
			const char *pin_integrity, *pin_version;

			r = package_entry_pins(ld, e, name, &pin_integrity, &pin_version);
		}
		if (!r)
			r = apply_package_entry(ld, match ? p : scratch, e, name);
		if (!r && match)
			r = record_override(ld, p, e, l);
	}
	return r;
}

/* ------------------------------------------------------------------ */
/* The inherit chain                                                   */

static bool name_valid(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && s[0] != '.' &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

bool profile_is_file_arg(const char *s)
{
	size_t n = strlen(s);

	return strchr(s, '/') || (n >= 5 && strcmp(s + n - 5, ".conf") == 0);
}

/* Position of path's directory on the search path (by device and inode, so
 * "profiles" and "./profiles/" agree), or -1. */
static int dir_index_of(const struct loader *ld, const char *path)
{
	char *dir = strdup(path), *slash;
	struct stat d, st;
	int idx = -1;

	if (!dir)
		return -1;
	slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &d) == 0)
		for (size_t i = 0; i < ld->search->n && idx < 0; i++)
			if (stat(ld->search->v[i], &st) == 0 && st.st_dev == d.st_dev && st.st_ino == d.st_ino)
				idx = (int)i;
	free(dir);
	return idx;
}

/* "a, b, c" of the search path from index start, for "not found". */
static void searched_dirs(const struct loader *ld, size_t start, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = start; i < ld->search->n && used < len; i++) {
		int n = snprintf(buf + used, len - used, "%s%s", i > start ? ", " : "", ld->search->v[i]);

		if (n < 0)
			break;
		used += (size_t)n;
	}
	if (start >= ld->search->n)
		snprintf(buf, len, "no directory left");
}

/* Finds NAME.conf on the search path from index start, passing over the
 * file `self` (a directory listed twice must not make a drop-in inherit
 * itself). Returns 0, -ENOENT (not found, no message yet) or another error
 * (message written). */
static int resolve_name(struct loader *ld, const char *name, size_t start,
			const struct link *self, char **path, int *idx)
{
	for (size_t i = start; i < ld->search->n; i++) {
		struct stat st;
		char *p;

		if (asprintf(&p, "%s/%s.conf", ld->search->v[i], name) < 0)
			return fail_oom(ld);
		if (stat(p, &st) == 0) {
			if (self && st.st_dev == self->dev && st.st_ino == self->ino) {
				free(p);
				continue;
			}
			*path = p;
			*idx = (int)i;
			return 0;
		}
		/* Anything but "not there" must not silently skip an admin's
		 * drop-in: an unreadable override is an error, not a fallback. */
		if (errno != ENOENT && errno != ENOTDIR) {
			int err = errno;

			fail_plain(ld, -err, "%s: %s", p, strerror(err));
			free(p);
			return -err;
		}
		free(p);
	}
	return -ENOENT;
}

/* "a.conf -> b.conf -> a.conf" for the cycle message. */
static void chain_text(const struct loader *ld, const char *last, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ld->n && used < len; i++) {
		int n = snprintf(buf + used, len - used, "%s -> ", ld->chain[i].path);

		if (n < 0)
			break;
		used += (size_t)n;
	}
	if (used < len)
		snprintf(buf + used, len - used, "%s", last);
}

/* Line of the first "@include" in path, for the message refusing it. */
static unsigned include_line(const char *path)
{
	FILE *f = fopen(path, "re");
	char line[512];
	unsigned n = 0, found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		n++;
		if (strncmp(line + strspn(line, " \t"), "@include", 8) == 0)
			found = n;
	}
	fclose(f);
	return found;
}

static int include_dir_of(config_t *cfg, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");

	if (!dir)
		return -ENOMEM;
	config_set_include_dir(cfg, dir); /* libconfig keeps its own copy */
	free(dir);
	return 0;
}

/* The message for a failed config_read_file(). */
static int parse_error(struct loader *ld, const struct link *l)
{
	const char *file = config_error_file(&l->cfg);
	const char *text = config_error_text(&l->cfg);

	if (config_error_type(&l->cfg) == CONFIG_ERR_FILE_IO)
		return fail_at(ld, l->path, 0, -EIO, "cannot read the profile");
	if (!text)
		text = "unknown error";
	/* libconfig's text is often just "syntax error": say it once. */
	return fail_at(ld, file ? file : l->path, (unsigned)config_error_line(&l->cfg), -EINVAL,
		       "%s%s", strstr(text, "syntax error") ? "" : "syntax error: ", text);
}

static int parse_file(struct loader *ld, struct link *l)
{
	/* libconfig's own I/O error has no errno: try the open first. */
	FILE *f = fopen(l->path, "re");

	if (!f) {
		int err = errno;

		return fail_at(ld, l->path, 0, -err, "cannot read the profile: %s", strerror(err));
	}
	fclose(f);
	config_init(&l->cfg);
	l->cfg_live = true;
	/* Relative to the profile, not to the caller's cwd, so an @include
	 * reaches the refusal below instead of a confusing "cannot open". */
	if (include_dir_of(&l->cfg, l->path) < 0)
		return fail_oom(ld);
	if (!config_read_file(&l->cfg, l->path))
		return parse_error(ld, l);
	/* Includes would bypass the inherit/drop-in model and report their
	 * settings under a name relative to nothing in particular. */
	if (l->cfg.num_filenames > 1)
		return fail_at(ld, l->path, include_line(l->path), -EINVAL,
			       "@include is not allowed in profiles (use inherit)");
	return 0;
}

/* A profile that a package could have shipped or written never confines
 * it: none under a node_modules (any package's files), none inside the
 * package directory when the policy is for a package's script. Judged on
 * the real path, so a symlink into either is refused too. */
static int check_not_in_package(struct loader *ld, const char *path)
{
	char *real = realpath(path, NULL);
	bool refused;

	if (!real) {
		int err = errno;

		return fail_at(ld, path, 0, -err, "cannot read the profile: %s", strerror(err));
	}
	refused = strstr(real, "/node_modules/") != NULL;
	if (refused)
		fail_at(ld, path, 0, -EPERM, "refused: the profile is under a node_modules directory (%s)", real);
	else if (ld->vars->refuse_pkg_dir_profiles && ld->vars->pkg_dir &&
		 path_is_under(real, ld->vars->pkg_dir)) {
		refused = true;
		fail_at(ld, path, 0, -EPERM, "refused: the profile is inside the package directory %s",
			ld->vars->pkg_dir);
	}
	free(real);
	return refused ? -EPERM : 0;
}

/* Reads chain[ld->n] from path; `from` is the inherit setting that named it
 * (NULL for the requested profile). */
static int read_link(struct loader *ld, char *path, const char *name, int dir_index,
		     const config_setting_t *from)
{
	struct link *l = &ld->chain[ld->n];
	struct stat st;
	int r;

	l->path = path;
	l->dir_index = dir_index;
	l->name = strdup(name);
	ld->n++;
	if (!l->name)
		return fail_oom(ld);
	if (stat(path, &st) < 0) {
		int err = errno;

		return fail_at(ld, path, 0, -err, "cannot read the profile: %s", strerror(err));
	}
	if (!S_ISREG(st.st_mode))
		return fail_at(ld, path, 0, -EINVAL, "not a regular file");
	r = check_not_in_package(ld, path);
	if (r)
		return r;
	l->dev = st.st_dev;
	l->ino = st.st_ino;
	for (size_t i = 0; i + 1 < ld->n; i++) {
		char text[1024];

		if (ld->chain[i].dev != st.st_dev || ld->chain[i].ino != st.st_ino)
			continue;
		ld->n--; /* the cycle's text lists each file once before the repeat */
		chain_text(ld, path, text, sizeof(text));
		ld->n++;
		return fail(ld, from, -ELOOP, "inherit cycle: %s", text);
	}
	ld->cur_path = path;
	return parse_file(ld, l);
}

/* version, description and inherit: returns the parent's name or NULL. */
static int check_header(struct loader *ld, const config_setting_t *root, const char **inherit)
{
	const config_setting_t *s;

	*inherit = NULL;
	s = config_setting_get_member(root, "version");
	if (s && config_setting_type(s) != CONFIG_TYPE_INT && config_setting_type(s) != CONFIG_TYPE_INT64)
		return fail(ld, s, -EINVAL, "version: wrong type, expected the integer %d", PROFILE_VERSION);
	if (s && config_setting_get_int64(s) != PROFILE_VERSION)
		return fail(ld, s, -EINVAL, "version: unsupported version %lld (this pkgguard reads %d)",
			    config_setting_get_int64(s), PROFILE_VERSION);
	s = config_setting_get_member(root, "description");
	if (s && config_setting_type(s) != CONFIG_TYPE_STRING)
		return fail(ld, s, -EINVAL, "description: wrong type, expected a string");
	s = config_setting_get_member(root, "inherit");
	if (!s)
		return 0;
	*inherit = config_setting_get_string(s);
	if (config_setting_type(s) != CONFIG_TYPE_STRING || !*inherit)
		return fail(ld, s, -EINVAL, "inherit: wrong type, expected a profile name");
	if (!name_valid(*inherit))
		return fail(ld, s, -EINVAL,
			    "inherit: bad profile name \"%s\" (letters, digits, '_', '.', '-', not starting with '.')",
			    *inherit);
	return 0;
}

/* Resolves the parent named by the inherit setting of chain[ld->n - 1]. */
static int read_parent(struct loader *ld, const char *parent, const config_setting_t *from)
{
	const struct link *child = &ld->chain[ld->n - 1];
	bool same = strcmp(parent, child->name) == 0;
	size_t start = 0;
	char *path = NULL, dirs[1024];
	int idx = -1, r;

	if (ld->n == PROFILE_MAX_CHAIN)
		return fail(ld, from, -ELOOP, "inherit: chain deeper than %d profiles", PROFILE_MAX_CHAIN);
	/* Same name: a drop-in extends the profile it shadows, found further
	 * down the search path. */
	if (same && child->dir_index >= 0)
		start = (size_t)child->dir_index + 1;
	r = resolve_name(ld, parent, start, same ? child : NULL, &path, &idx);
	if (r == -ENOENT) {
		searched_dirs(ld, start, dirs, sizeof(dirs));
		return fail(ld, from, r, "inherit: profile \"%s\" not found (searched: %s)", parent, dirs);
	}
	if (r)
		return r;
	return read_link(ld, path, parent, idx, from);
}

/* The requested profile: a FILE, or NAME on the search path. */
static int read_top(struct loader *ld, const char *arg)
{
	char *path, dirs[1024];
	const char *base;
	int idx = -1, r;

	if (profile_is_file_arg(arg)) {
		char *name;

		path = strdup(arg);
		base = strrchr(arg, '/');
		name = strdup(base ? base + 1 : arg);
		if (!path || !name) {
			free(path);
			free(name);
			return fail_oom(ld);
		}
		if (strlen(name) > 5 && strcmp(name + strlen(name) - 5, ".conf") == 0)
			name[strlen(name) - 5] = '\0';
		r = read_link(ld, path, name, dir_index_of(ld, arg), NULL);
		free(name);
		return r;
	}
	if (!name_valid(arg))
		return fail_plain(ld, -EINVAL,
				  "bad profile name \"%s\" (letters, digits, '_', '.', '-', not starting with '.')", arg);
	r = resolve_name(ld, arg, 0, NULL, &path, &idx);
	if (r == -ENOENT) {
		searched_dirs(ld, 0, dirs, sizeof(dirs));
		return fail_plain(ld, r, "profile \"%s\" not found (searched: %s): install pkgguard's profiles "
				  "(make install) or name their directory in PKGGUARD_PROFILE_PATH", arg, dirs);
	}
	return r ? r : read_link(ld, path, arg, idx, NULL);
}

static int read_chain(struct loader *ld, const char *arg)
{
	int r = read_top(ld, arg);

	while (!r) {
		const config_setting_t *root = config_root_setting(&ld->chain[ld->n - 1].cfg);
		const char *parent;

		ld->cur_path = ld->chain[ld->n - 1].path;
		r = check_header(ld, root, &parent);
		if (r || !parent)
			break;
		r = read_parent(ld, parent, config_setting_get_member(root, "inherit"));
	}
	return r;
}

/* ------------------------------------------------------------------ */
/* profile_load                                                        */

static char *strdup_or_null(const char *s, bool *oom)
{
	char *c = s ? strdup(s) : NULL;

	if (s && !c)
		*oom = true;
	return c;
}

/* Built-in defaults, before any file (profile.h). */
static int policy_defaults(struct policy *p)
{
	p->network = NETWORK_NONE;
	p->limits = (struct limits){
		.timeout_s = 900, .nproc = 1024, .nofile = 4096, .fsize_mb = 2048,
		.data_mb = 8192, .as_mb = 0, .cpu_s = 0, .tmp_mb = 1024, .shm_mb = 64,
		.home_mb = 64,
	};
	p->hostname = strdup("pkgguard");
	p->pkg_dir_fd = -1;
	return p->hostname ? 0 : -ENOMEM;
}

static int fill_identity(struct loader *ld, struct policy *p)
{
	const struct link *top = &ld->chain[0];
	bool oom = false;

	p->name = strdup_or_null(top->name, &oom);
	p->source = strdup_or_null(top->path, &oom);
	p->package = p->override_source ? strdup_or_null(ld->vars->package, &oom) : NULL;
	p->pkg_dir = strdup_or_null(ld->vars->pkg_dir, &oom);
	p->project_dir = strdup_or_null(ld->vars->project_dir, &oom);
	p->home = strdup_or_null(ld->vars->home, &oom);
	p->tmpdir = strdup_or_null(ld->vars->tmpdir ? ld->vars->tmpdir : "/tmp", &oom);
	return oom ? fail_oom(ld) : 0;
}

/* $HOME as the path rules compare it; an unusable one counts as unset. */
static int loader_home(struct loader *ld)
{
	const char *h = ld->vars->home;

	if (!h || h[0] != '/')
		return 0;
	ld->home = strdup(h);
	if (!ld->home)
		return fail_oom(ld);
	if (path_normalise(ld->home) < 0) {
		free(ld->home);
		ld->home = NULL;
	}
	return 0;
}

/* Parents first, then every file's package entries, parents first. */
static int build_policy(struct loader *ld, struct policy *p)
{
	struct policy *scratch = calloc(1, sizeof(*scratch));
	int r = scratch ? policy_defaults(p) : -ENOMEM;

	if (r)
		r = fail_oom(ld);
	for (size_t i = ld->n; i-- > 0 && !r;)
		r = apply_file(ld, p, &ld->chain[i]);
	for (size_t i = ld->n; i-- > 0 && !r;)
		r = apply_packages(ld, p, scratch, &ld->chain[i]);
	if (!r)
		r = fill_identity(ld, p);
	policy_free(scratch);
	return r;
}

static void loader_release(struct loader *ld)
{
	for (size_t i = 0; i < ld->n; i++) {
		if (ld->chain[i].cfg_live)
			config_destroy(&ld->chain[i].cfg);
		free(ld->chain[i].path);
		free(ld->chain[i].name);
	}
	free(ld->home);
}

int profile_load(const char *name_or_file, const struct strlist *search,
		 const struct profile_vars *vars, struct policy **out,
		 char *err, size_t errlen)
{
	static const struct strlist no_dirs;
	static const struct profile_vars no_vars;
	struct loader ld = {
		.search = search ? search : &no_dirs,
		.vars = vars ? vars : &no_vars,
		.err = err,
		.errlen = errlen,
	};
	struct policy *p = NULL;
	int r;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	if (!name_or_file || !*name_or_file)
		return fail_plain(&ld, -EINVAL, "no profile given");
	r = loader_home(&ld);
	if (!r)
		r = read_chain(&ld, name_or_file);
	if (!r) {
		p = calloc(1, sizeof(*p));
		r = p ? build_policy(&ld, p) : fail_oom(&ld);
	}
	loader_release(&ld);
	if (r) {
		policy_free(p); /* never a partial policy */
		return r;
	}
	*out = p;
	return 0;
}
