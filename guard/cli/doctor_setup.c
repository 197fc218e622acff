/* doctor_setup.c — the installation's side of `pkgguard doctor`: the
 * profiles, pkgguardd (running? which mode, which profile directories),
 * npm and pnpm routed by `pkgguard enable` (and not overridden by a user or
 * project setting), the package managers' versions against the ones the
 * tests ran, Node.js's headers for offline node-gyp builds. */
#include "control_client.h"
#include "doctor.h"
#include "pm_query.h"
#include "profile.h"

#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char *const shipped_profiles[] = { "default", "npm", "pnpm", "yarn", "pip" };

/* Appends the directories of the search path that exist, ", "-separated. */
static void existing_dirs(const struct strlist *dirs, char *out, size_t len)
{
	size_t off = 0;
	out[0] = '\0';
	for (size_t i = 0; i < dirs->n && off < len; i++)
		if (access(dirs->v[i], F_OK) == 0)
			off += (size_t)snprintf(out + off, len - off, "%s%s", off ? ", " : "", dirs->v[i]);
	if (!out[0])
		snprintf(out, len, "none of the profile directories exists");
}

static void check_profiles(struct doctor_ctx *ctx, struct doctor_line *l)
{
	(void)ctx;
	struct strlist search = { 0 };
	const struct profile_vars vars = { 0 };
	char err[DOCTOR_TEXT / 2], dirs[DOCTOR_TEXT / 2];

	l->check = "profiles";
	/* As the sandbox builds it: relative entries are refused there. */
	if (profile_search_path(NULL, false, &search, err, sizeof(err)) != 0) {
		doctor_set(l, DOCTOR_FAIL, "give PKGGUARD_PROFILE_PATH absolute directories",
			   "cannot build the profile search path: %s", err);
		return;
	}
	existing_dirs(&search, dirs, sizeof(dirs));
	for (size_t i = 0; i < sizeof(shipped_profiles) / sizeof(shipped_profiles[0]); i++) {
		struct policy *pol = NULL;
		if (profile_load(shipped_profiles[i], &search, &vars, &pol, err, sizeof(err)) != 0) {
			doctor_set(l, DOCTOR_FAIL,
				   "install the profiles (make install: " PKGGUARD_PREFIX "/share/pkgguard/profiles) "
				   "or point PKGGUARD_PROFILE_PATH at a directory of them",
				   "profile %s: %s (looked in: %s)", shipped_profiles[i], err, dirs);
			strlist_free(&search);
			return;
		}
		policy_free(pol);
	}
	doctor_set(l, DOCTOR_OK, NULL, "default, npm, pnpm, yarn, pip load (from %s)", dirs);
	strlist_free(&search);
}

/* The daemon's profile directories, from its status ("profile_dirs"),
 * ", "-separated. */
static void daemon_dirs(json_object *j, char *out, size_t len)
{
	json_object *a;
	size_t off = 0;
	snprintf(out, len, "(not reported)");
	if (!j || !json_object_object_get_ex(j, "profile_dirs", &a) || !json_object_is_type(a, json_type_array))
		return;
	out[0] = '\0';
	for (size_t i = 0; i < json_object_array_length(a) && off < len; i++)
		off += (size_t)snprintf(out + off, len - off, "%s%s", i ? ", " : "",
					json_object_get_string(json_object_array_get_idx(a, i)));
}

static void check_daemon(struct doctor_ctx *ctx, struct doctor_line *l)
{
	char *answer = NULL, why[DOCTOR_TEXT / 2];
	l->check = "pkgguardd";
	int r = control_request(ctx->socket, "status json\n", &answer, why, sizeof(why));
	if (r == -EACCES || r == -EPERM) {
		doctor_set(l, DOCTOR_SKIP, "run pkgguard doctor as root", "not checked: %s", why);
		return;
	}
	if (r != 0) {
		doctor_set(l, DOCTOR_FAIL,
			   "systemctl enable --now pkgguardd (without systemd: pkgguardd --foreground as root)",
			   "%s: plain installs are routed only where `pkgguard enable` was run", why);
		return;
	}
	json_object *j = json_tokener_parse(answer), *v;
	free(answer);
	const char *mode = j && json_object_object_get_ex(j, "mode", &v) ? json_object_get_string(v) : NULL;
	int pid = j && json_object_object_get_ex(j, "pid", &v) ? json_object_get_int(v) : 0;
	if (!mode) {
		doctor_set(l, DOCTOR_FAIL, "restart it: systemctl restart pkgguardd",
			   "pkgguardd on %s gave no mode in its status", ctx->socket);
		json_object_put(j);
		return;
	}
	char dirs[DOCTOR_TEXT / 2];
	daemon_dirs(j, dirs, sizeof(dirs));
	if (strcmp(mode, "enforce") != 0)
		doctor_set(l, DOCTOR_WARN, "mode = \"enforce\"; in /etc/pkgguard/pkgguardd.conf, then systemctl reload pkgguardd",
			   "running (pid %d), mode %s: escaping scripts are %s, not contained; profiles from %s",
			   pid, mode, strcmp(mode, "deny") == 0 ? "denied" : "only logged", dirs);
	else
		doctor_set(l, DOCTOR_OK, NULL, "running (pid %d), mode enforce, profiles from %s", pid, dirs);
	json_object_put(j);
}

/* ---- npm and pnpm routed ------------------------------------------------- */

static bool on_path(const char *cmd)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];
	if (!path)
		return false;
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, ":");
		if (n && snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, p, cmd) < (int)sizeof(buf) &&
		    access(buf, X_OK) == 0)
			return true;
		p += n + (p[n] == ':');
	}
	return false;
}

/* KEY's value in an ini (SEP '=') or YAML (SEP ':') file, malloc'd; NULL
 * when the file or the key is not there. Enough to say who sets it. */
static char *file_value(const char *file, const char *key, char sep)
{
	FILE *f = file ? fopen(file, "re") : NULL;
	char line[PATH_MAX + 128], *found = NULL;
	size_t n = strlen(key);
	if (!f)
		return NULL;
	while (!found && fgets(line, sizeof(line), f)) {
		char *p = line + strspn(line, " \t");
		if (strncmp(p, key, n) != 0)
			continue;
		p += n;
		p += strspn(p, " \t");
		if (*p != sep)
			continue;
		p++;
		p += strspn(p, " \t\"'");
		p[strcspn(p, "\"'\r\n")] = '\0';
		found = strdup(p);
	}
	fclose(f);
	return found;
}

/* The nearest directory at or above the current one with a package.json:
 * where npm reads a project's .npmrc. */
static bool project_dir(char *out, size_t len)
{
	char buf[PATH_MAX];
	if (!getcwd(out, len))
		return false;
	for (;;) {
		if (snprintf(buf, sizeof(buf), "%s/package.json", out) < (int)sizeof(buf) && access(buf, F_OK) == 0)
			return true;
		char *slash = strrchr(out, '/');
		if (!slash || slash == out)
			return false;
		*slash = '\0';
	}
}

struct pm_route {
	const char *name;
	const char *key;          /* `NAME config get KEY` */
	const char *file_key;     /* the key as written in its files */
	char sep;                 /* '=' ini, ':' YAML */
	const char *const env[3]; /* environment variables that set it */
	const char *project_file; /* a project's file that can set it */
	const char *user_file;    /* under $HOME, or NULL */
};

static const struct pm_route routes[] = {
	{ "npm", "script-shell", "script-shell", '=', { "npm_config_script_shell", "NPM_CONFIG_SCRIPT_SHELL", NULL },
	  ".npmrc", ".npmrc" },
	{ "pnpm", "scriptShell", "scriptShell", ':', { "PNPM_CONFIG_SCRIPT_SHELL", "pnpm_config_script_shell", NULL },
	  "pnpm-workspace.yaml", NULL },
};

/* Whether FILE sets the key; then OUT names it as LABEL FILE. */
static bool file_sets(const struct pm_route *pm, const char *file, const char *label, char *out, size_t len)
{
	char *v = file_value(file, pm->file_key, pm->sep);
	if (!v)
		return false;
	free(v);
	if (snprintf(out, len, "%s %s", label, file) >= (int)len)
		snprintf(out, len, "%s %s", label, pm->project_file);
	return true;
}

/* Who sets KEY to something else for this user in this directory. */
static void override_source(const struct pm_route *pm, char *out, size_t len)
{
	char dir[PATH_MAX], file[PATH_MAX + 32];
	for (size_t i = 0; pm->env[i]; i++)
		if (getenv(pm->env[i])) {
			snprintf(out, len, "the environment variable %s", pm->env[i]);
			return;
		}
	if (project_dir(dir, sizeof(dir)) &&
	    snprintf(file, sizeof(file), "%s/%s", dir, pm->project_file) < (int)sizeof(file) &&
	    file_sets(pm, file, "the project's", out, len))
		return;
	const char *home = getenv("HOME");
	if (pm->user_file && home && snprintf(file, sizeof(file), "%s/%s", home, pm->user_file) < (int)sizeof(file) &&
	    file_sets(pm, file, "the user's", out, len))
		return;
	snprintf(out, len, "a setting of this user or project");
}

static void check_routed(struct doctor_ctx *ctx, struct doctor_line *l, const struct pm_route *pm)
{
	const char *get[] = { pm->name, "config", "get", pm->key, NULL };
	const char *loc[] = { pm->name, "config", "get", "globalconfig", NULL };
	char cwd[PATH_MAX], src[DOCTOR_TEXT / 2], fix[DOCTOR_TEXT];

	if (!on_path(pm->name)) {
		doctor_set(l, DOCTOR_OK, NULL, "%s is not installed", pm->name);
		return;
	}
	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), "/");
	char *eff = pm_query_line(get, cwd);
	char *global = pm_query_line(loc, "/");
	char *in_global = file_value(global, pm->file_key, pm->sep);
	bool ours = ctx->sandbox && in_global && strcmp(in_global, ctx->sandbox) == 0;

	if (eff && ctx->sandbox && strcmp(eff, ctx->sandbox) == 0) {
		doctor_set(l, DOCTOR_OK, NULL, "enabled: scripts run as %s -c (%s)", eff,
			   ours ? global : "set by this user or project");
	} else if (ours) {
		override_source(pm, src, sizeof(src));
		snprintf(fix, sizeof(fix), "remove %s from %s", pm->file_key, src);
		doctor_set(l, DOCTOR_FAIL, fix,
			   "enabled in %s, but overridden here: %s %s is \"%s\", set by %s", global, pm->name,
			   pm->key, eff ? eff : "?", src);
	} else {
		snprintf(fix, sizeof(fix), "pkgguard enable %s (or install with pkgguard run -- %s ...)", pm->name,
			 pm->name);
		doctor_set(l, DOCTOR_WARN, fix,
			   "not enabled: a plain `%s install` runs scripts unconfined unless pkgguardd runs",
			   pm->name);
	}
	free(eff);
	free(global);
	free(in_global);
}

static void check_npm(struct doctor_ctx *ctx, struct doctor_line *l)
{
	l->check = "npm routed";
	check_routed(ctx, l, &routes[0]);
}

static void check_pnpm(struct doctor_ctx *ctx, struct doctor_line *l)
{
	l->check = "pnpm routed";
	check_routed(ctx, l, &routes[1]);
}

/* ---- versions ------------------------------------------------------------ */

/* What the tests ran (docs/PACKAGE-MANAGERS.md): the major versions. */
static const struct {
	const char *cmd;
	int tested_major;
} tested[] = {
	{ "node", 20 }, { "npm", 11 }, { "pnpm", 12 }, { "yarn", 1 }, { "pip3", 23 },
};

/* The first number in a --version line ("v20.20.0", "pip 23.0.1 from …"). */
static int major_of(const char *s, const char **start)
{
	while (*s && !isdigit((unsigned char)*s))
		s++;
	*start = s;
	return *s ? atoi(s) : -1;
}

static void check_versions(struct doctor_ctx *ctx, struct doctor_line *l)
{
	(void)ctx;
	char found[DOCTOR_TEXT / 2] = "", untested[DOCTOR_TEXT / 2] = "";
	size_t fo = 0, uo = 0;

	l->check = "versions";
	for (size_t i = 0; i < sizeof(tested) / sizeof(tested[0]); i++) {
		const char *argv[] = { tested[i].cmd, "--version", NULL };
		char line[256];
		const char *ver;
		if (!on_path(tested[i].cmd) || command_first_line(argv, "/", 1, line, sizeof(line)) != 0)
			continue;
		int major = major_of(line, &ver);
		int vlen = (int)strcspn(ver, " ");
		if (fo < sizeof(found))
			fo += (size_t)snprintf(found + fo, sizeof(found) - fo, "%s%s %.*s", fo ? ", " : "",
					       tested[i].cmd, vlen, ver);
		if (major != tested[i].tested_major && uo < sizeof(untested))
			uo += (size_t)snprintf(untested + uo, sizeof(untested) - uo, "%s%s %d.x", uo ? ", " : "",
					       tested[i].cmd, tested[i].tested_major);
	}
	if (!found[0])
		doctor_set(l, DOCTOR_OK, NULL, "no package manager found on PATH");
	else if (untested[0])
		doctor_set(l, DOCTOR_WARN, "check the report's confinement column after a first install",
			   "%s; untested here (tested: %s): how they run scripts may have changed", found, untested);
	else
		doctor_set(l, DOCTOR_OK, NULL, "%s (the versions tested)", found);
}

static void check_node_headers(struct doctor_ctx *ctx, struct doctor_line *l)
{
	(void)ctx;
	const char *hdr = "/usr/include/node/node_version.h";
	l->check = "Node.js headers";
	if (!on_path("node")) {
		doctor_set(l, DOCTOR_OK, NULL, "Node.js is not installed");
		return;
	}
	if (access(hdr, R_OK) != 0 || access("/usr/include/node/common.gypi", R_OK) != 0) {
		doctor_set(l, DOCTOR_WARN,
			   "install them in /usr/include/node (Debian: libnode-dev; NodeSource's nodejs ships them)",
			   "no %s: node-gyp builds of native addons fail (the sandbox has no network to "
			   "download them; the profiles set npm_config_nodedir=/usr)", hdr);
		return;
	}
	doctor_set(l, DOCTOR_OK, NULL, "/usr/include/node: node-gyp builds offline (npm_config_nodedir=/usr)");
}

doctor_check_fn *const doctor_setup_checks[] = {
	check_profiles, check_daemon, check_npm, check_pnpm, check_versions, check_node_headers, NULL,
};
