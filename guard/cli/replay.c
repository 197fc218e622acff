/* replay.c — lifecycle scripts of an installed tree, run one by one inside
 * pkgguard-sandbox (see replay.h).
 *
 * Each script runs as
 *   SANDBOX --profile P [--profiles D] --pkg-dir DIR --project-dir PROJECT
 *           --package NAME -- /bin/sh -c SCRIPT
 * forked and exec'd directly (no shell of ours in between), cwd = DIR, with
 * npm 11's environment (measured, docs/PACKAGE-MANAGERS.md): the caller's plus
 * npm_lifecycle_event/_script, npm_package_name/_version/_json (and
 * _resolved/_integrity when the lockfile says), npm_config_node_gyp,
 * INIT_CWD and a PATH with every node_modules/.bin from DIR up to the
 * project, then npm's node-gyp-bin. npm walks up to "/"; replay stops at the
 * project, since nothing above it is visible inside the sandbox anyway.
 *
 * Nothing here loosens the policy: NAME is the path-derived name, and what
 * the package says about itself only ends up in npm_package_* variables. */
#include "replay.h"
#include "array_size.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "env_vec.h"
#include "log.h"
#include "policy.h"
#include "pkgtree.h"

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	char *s;
	va_list ap;
	va_start(ap, f);
	int r = vasprintf(&s, f, ap);
	va_end(ap);
	return r < 0 ? NULL : s;
}

static const char *env_get(char *const *env, const char *name)
{
	size_t n = strlen(name);
	for (; env && *env; env++)
		if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

/* Variables replay sets itself: the caller's copies are dropped (a stale
 * npm_package_* of an outer `npm run` must not leak into a dependency's). */
static bool replaced(const char *var, bool keep_node_gyp)
{
	static const char *const names[] = { "PATH=", "INIT_CWD=", "npm_lifecycle_event=",
					     "npm_lifecycle_script=" };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strncmp(var, names[i], strlen(names[i])) == 0)
			return true;
	if (!keep_node_gyp && strncmp(var, "npm_config_node_gyp=", 20) == 0)
		return true;
	return strncmp(var, "npm_package_", 12) == 0;
}

/* PATH: DIR/node_modules/.bin, then each ancestor's up to the project (a
 * linked package outside the project gets its own, then the project's). */
static char *build_path(const char *project, const struct pkg *p, const char *gyp_bin, const char *base_path)
{
	char dir[PATH_MAX];
	char *path = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&path, &len);
	if (!m)
		return NULL;
	if (snprintf(dir, sizeof(dir), "%s", p->dir) >= (int)sizeof(dir)) {
		fclose(m);
		free(path);
		return NULL;
	}
	size_t plen = strlen(project);
	bool inside = strncmp(dir, project, plen) == 0 && (dir[plen] == '/' || dir[plen] == '\0');
	for (;;) {
		fprintf(m, "%s/node_modules/.bin:", dir);
		char *slash = strrchr(dir, '/');
		if (!inside || strlen(dir) <= plen || !slash || slash == dir)
			break;
		*slash = '\0';
	}
	if (!inside)
		fprintf(m, "%s/node_modules/.bin:", project);
	if (gyp_bin)
		fprintf(m, "%s:", gyp_bin);
	fputs(base_path ? base_path : "/usr/local/bin:/usr/bin:/bin", m);
	if (fclose(m) != 0) {
		free(path);
		return NULL;
	}
	return path;
}

char **replay_env(char *const *base, const char *project, const struct pkg *p, int event,
		  const char *node_gyp, const char *gyp_bin)
{
	struct strlist s = { 0 };
	bool keep_gyp = env_get(base, "npm_config_node_gyp") != NULL;
	const char *script = p->scripts[event];
	int r = 0;
	for (char *const *e = base; e && *e && !r; e++)
		if (!replaced(*e, keep_gyp))
			r = strlist_take(&s, strdup(*e));
	char *path = build_path(project, p, gyp_bin, env_get(base, "PATH"));
	if (!r)
		r = strlist_take(&s, path ? fmt("PATH=%s", path) : NULL);
	free(path);
	if (!r)
		r = strlist_take(&s, fmt("npm_lifecycle_event=%s", pkg_event_name((enum pkg_event)event)));
	if (!r)
		r = strlist_take(&s, fmt("npm_lifecycle_script=%s", script ? script : ""));
	if (!r)
		r = strlist_take(&s, fmt("npm_package_name=%s", p->name));
	if (!r)
		r = strlist_take(&s, fmt("npm_package_version=%s", p->version ? p->version : ""));
	if (!r)
		r = strlist_take(&s, fmt("npm_package_json=%s/package.json", p->dir));
	if (!r && p->resolved)
		r = strlist_take(&s, fmt("npm_package_resolved=%s", p->resolved));
	if (!r && p->integrity)
		r = strlist_take(&s, fmt("npm_package_integrity=%s", p->integrity));
	if (!r)
		r = strlist_take(&s, fmt("npm_package_optional=%s", p->optional ? "true" : ""));
	if (!r && !keep_gyp && node_gyp)
		r = strlist_take(&s, fmt("npm_config_node_gyp=%s", node_gyp));
	if (!r)
		r = strlist_take(&s, fmt("INIT_CWD=%s", project));
	if (r) {
		env_free(s.v);
		return NULL;
	}
	return s.v;
}

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* npm's bundled node-gyp and the directory of its `node-gyp` shim, found
 * from the `npm` on the base PATH (…/npm/bin/npm-cli.js), else at the usual
 * install places. Either may stay NULL. */
static void find_node_gyp(char *const *env, char **node_gyp, char **gyp_bin)
{
	const char *path = env_get(env, "PATH");
	char *roots[8] = { 0 };
	size_t nroots = 0;
	*node_gyp = *gyp_bin = NULL;
	if (path) {
		char *copy = strdup(path), *save = NULL;
		for (char *d = copy ? strtok_r(copy, ":", &save) : NULL; d; d = strtok_r(NULL, ":", &save)) {
			char cand[PATH_MAX], *real;
			if (d[0] != '/' || snprintf(cand, sizeof(cand), "%s/npm", d) >= (int)sizeof(cand) ||
			    !(real = realpath(cand, NULL)))
				continue;
			/* real = ROOT/bin/npm-cli.js */
			for (int up = 0; up < 2; up++) {
				char *slash = strrchr(real, '/');
				if (slash && slash != real)
					*slash = '\0';
			}
			roots[nroots++] = real;
			break;
		}
		free(copy);
	}
	static const char *const usual[] = { "/usr/lib/node_modules/npm", "/usr/local/lib/node_modules/npm",
					     "/usr/share/nodejs/npm" };
	for (size_t i = 0; i < ARRAY_SIZE(usual); i++)
		roots[nroots++] = strdup(usual[i]);
	for (size_t i = 0; i < nroots && !*node_gyp; i++) {
		char *js = roots[i] ? fmt("%s/node_modules/node-gyp/bin/node-gyp.js", roots[i]) : NULL;
		char *shim = roots[i] ? fmt("%s/node_modules/@npmcli/run-script/lib/node-gyp-bin/node-gyp", roots[i]) : NULL;
		if (js && is_file(js)) {
			*node_gyp = js;
			js = NULL;
			if (shim && is_file(shim)) {
				*strrchr(shim, '/') = '\0';
				*gyp_bin = shim;
				shim = NULL;
			}
		}
		free(js);
		free(shim);
	}
	for (size_t i = 0; i < nroots; i++)
		free(roots[i]);
}

static bool allowed(const struct replay_opts *o, const char *name)
{
	if (!o->allow)
		return true;
	for (const char *const *g = o->allow; *g; g++)
		if (fnmatch(*g, name, 0) == 0)
			return true;
	return false;
}

/* Progress text: what a package claims (version, script) may hold
 * terminal escapes; only printable ASCII reaches the output. */
static void put_clean(FILE *out, const char *s, size_t max)
{
	size_t i = 0;
	for (; s && s[i] && i < max; i++)
		fputc((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f ? s[i] : '?', out);
	if (s && s[i])
		fputs("...", out);
}

static void progress(const struct replay_opts *o, const struct pkg *p, const char *what, const char *text)
{
	if (!o->out)
		return;
	fprintf(o->out, "pkgguard: %s@", p->name);
	put_clean(o->out, p->version ? p->version : "?", 64);
	fprintf(o->out, " %s", what);
	if (text) {
		fputs(": ", o->out);
		put_clean(o->out, text, 200);
	}
	fputc('\n', o->out);
	fflush(o->out);
}

/* Runs one script in the sandbox; returns its exit status or -errno. */
static int run_script(const struct replay_opts *o, const char *project, const struct pkg *p, char **envp,
		      const char *script)
{
	const char *argv[20];
	int a = 0;
	argv[a++] = o->sandbox;
	argv[a++] = "--profile";
	argv[a++] = o->profile;
	if (o->profiles_dir) {
		argv[a++] = "--profiles";
		argv[a++] = o->profiles_dir;
	}
	argv[a++] = "--pkg-dir";
	argv[a++] = p->dir;
	argv[a++] = "--project-dir";
	argv[a++] = project;
	argv[a++] = "--package";
	argv[a++] = p->name;
	argv[a++] = "--";
	argv[a++] = "/bin/sh";
	argv[a++] = "-c";
	argv[a++] = script;
	argv[a] = NULL;

	/* The directory listed, not what its path leads to by now (an earlier
	 * script may have replaced it with a link: the sandbox refuses a link
	 * under node_modules itself; this also covers a linked package). */
	struct stat now;
	if (p->ino && (stat(p->dir, &now) != 0 || (unsigned long long)now.st_dev != p->dev ||
		       (unsigned long long)now.st_ino != p->ino)) {
		log_fail_plain(EPERM, "replay: %s: %s is no longer the directory that was listed (device and inode): "
			       "its script is not run", p->name, p->dir);
		return 125;
	}
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0)
		return log_fail(errno, "fork for %s", p->name);
	if (pid == 0) {
		if (chdir(p->dir) != 0) {
			log_fail(errno, "chdir %s", p->dir);
			_exit(125);
		}
		execve(o->sandbox, (char *const *)argv, envp);
		log_fail(errno, "execve %s", o->sandbox);
		_exit(errno == ENOENT ? 127 : 126);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return log_fail(errno, "waitpid %d", (int)pid);
	}
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

/* The events of one package; 0, a script's failure status, or -errno. */
static int replay_pkg(const struct replay_opts *o, const struct pkgtree *t, const struct pkg *p,
		      const char *node_gyp, const char *gyp_bin)
{
	for (int e = 0; e < PKG_EVENT_COUNT; e++) {
		const char *script = p->scripts[e];
		if (!script)
			continue;
		progress(o, p, pkg_event_name((enum pkg_event)e), script);
		char **envp = replay_env(o->env, t->project, p, e, node_gyp, gyp_bin);
		if (!envp)
			return log_fail(ENOMEM, "environment for %s", p->name);
		int r = run_script(o, t->project, p, envp, script);
		env_free(envp);
		if (r != 0)
			return r;
	}
	return 0;
}

int replay_run(const struct replay_opts *o)
{
	struct pkgtree t;
	size_t *order = NULL, n = 0;
	char *node_gyp = NULL, *gyp_bin = NULL;
	int r;

	if (!o->project || !o->sandbox || o->sandbox[0] != '/' || !o->profile)
		return log_fail_plain(EINVAL, "replay: project, absolute sandbox path and profile are required");
	if ((r = pkgtree_load(o->project, &t)) != 0)
		return r;
	if ((r = pkgtree_order(&t, &order, &n)) != 0)
		goto out;
	find_node_gyp(o->env, &node_gyp, &gyp_bin);
	for (size_t i = 0; i < n && r == 0; i++) {
		const struct pkg *p = &t.pkgs[order[i]];
		bool any = p->scripts[PKG_PREINSTALL] || p->scripts[PKG_INSTALL] || p->scripts[PKG_POSTINSTALL];
		if (!any)
			continue;
		if (!allowed(o, p->name)) {
			progress(o, p, "skipped, not in the allowed list", NULL);
			continue;
		}
		if (p->name_differs && o->out) {
			fprintf(o->out, "pkgguard: warning: %s calls itself \"", p->name);
			put_clean(o->out, p->claimed_name, 100);
			fputs("\" in its package.json\n", o->out);
		}
		r = replay_pkg(o, &t, p, node_gyp, gyp_bin);
		if (r > 0 && p->optional) {
			log_warn("optional dependency %s failed (exit %d), continuing", p->name, r);
			progress(o, p, "failed, optional: continuing", NULL);
			r = 0;
		} else if (r > 0) {
			progress(o, p, "failed", NULL);
		}
	}
out:
	free(order);
	free(node_gyp);
	free(gyp_bin);
	pkgtree_free(&t);
	return r;
}

int replay_project(const struct replay_opts *o)
{
	struct pkgtree t = { 0 };
	struct pkg p;
	char *node_gyp = NULL, *gyp_bin = NULL;
	int r = pkgtree_read_project(o->project, &p);

	if (r == -ENOENT)
		return 0;
	if (r)
		return log_fail(-r, "replay: read %s/package.json", o->project);
	t.project = p.dir;
	find_node_gyp(o->env, &node_gyp, &gyp_bin);
	r = replay_pkg(o, &t, &p, node_gyp, gyp_bin);
	if (r > 0)
		progress(o, &p, "failed", NULL);
	free(node_gyp);
	free(gyp_bin);
	pkgtree_pkg_free(&p);
	return r;
}
