/* pip_hook.c — the directories a pip build process (a PEP 517 hook or the
 * legacy setup.py call) needs shown in its sandbox, computed from its argv,
 * environment and the hook's input.json (see pip_hook.h). Owns recognising
 * those forms and the rules on what they may name; not the sandbox's own
 * refusal rules (sandbox/extra_paths.c), nor when it is called (reparse). */
#include "pip_hook.h"
#include "profile_paths.h"
#include "root_path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#define SHIM_MARK "<pip-setuptools-caller>"
#define MAX_TEMP_ROOTS 5

/* Python's tempfile candidates that matter here: pip creates its control
 * and build directories directly in one of them. Resolved. */
struct temp_roots {
	char *v[MAX_TEMP_ROOTS];
	size_t n;
};

struct scope {
	int rootfd;                 /* the process's root: paths are its */
	const char *const *envp;
	const char *cwd;
	struct strlist *rw, *ro;
	struct temp_roots tmp;
};

static const char *env_get(const char *const *envp, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; envp && envp[i]; i++)
		if (strncmp(envp[i], name, n) == 0 && envp[i][n] == '=')
			return envp[i] + n + 1;
	return NULL;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* realpath of an existing directory other than "/", as the process sees
 * it, or NULL. A relative path is taken from the process's cwd (pip passes
 * absolute ones). */
static char *real_dir(int rootfd, const char *cwd, const char *path)
{
	char buf[PATH_MAX], *r;
	struct stat st;

	if (!path || !*path)
		return NULL;
	if (path[0] != '/') {
		if (!cwd || cwd[0] != '/' || snprintf(buf, sizeof(buf), "%s/%s", cwd, path) >= (int)sizeof(buf))
			return NULL;
		path = buf;
	}
	r = root_realpath(rootfd, path);
	if (r && (strcmp(r, "/") == 0 || root_stat(rootfd, r, &st) != 0 || !S_ISDIR(st.st_mode))) {
		free(r);
		r = NULL;
	}
	return r;
}

static void temp_roots_free(struct temp_roots *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i]);
	t->n = 0;
}

static void temp_roots_get(int rootfd, const char *const *envp, struct temp_roots *t)
{
	const char *cand[MAX_TEMP_ROOTS] = {
		env_get(envp, "TMPDIR"), env_get(envp, "TEMP"), env_get(envp, "TMP"), "/tmp", "/var/tmp",
	};

	t->n = 0;
	for (size_t i = 0; i < MAX_TEMP_ROOTS; i++) {
		char *r;
		bool dup = false;

		if (!cand[i] || cand[i][0] != '/' || !(r = real_dir(rootfd, NULL, cand[i])))
			continue;
		for (size_t j = 0; j < t->n; j++)
			dup = dup || strcmp(t->v[j], r) == 0;
		if (dup)
			free(r);
		else
			t->v[t->n++] = r;
	}
}

/* The directory directly in a temp root that holds real (or is real), when
 * its name starts with prefix: written into out. pip names all of its
 * temporary directories "pip-<kind>-XXXX". */
static bool temp_top(const struct temp_roots *t, const char *real, const char *prefix, char *out,
		     size_t outlen)
{
	for (size_t i = 0; i < t->n; i++) {
		const char *comp;
		size_t n = strlen(t->v[i]), clen;

		if (!path_is_under(real, t->v[i]))
			continue;
		comp = real + n + 1; /* roots are never "/" (real_dir) */
		clen = strcspn(comp, "/");
		if (strncmp(comp, prefix, strlen(prefix)) != 0 || clen <= strlen(prefix))
			continue;
		if (snprintf(out, outlen, "%.*s", (int)(n + 1 + clen), real) < (int)outlen)
			return true;
	}
	return false;
}

static bool directly_in_temp(const struct temp_roots *t, const char *real)
{
	const char *slash = strrchr(real, '/');

	for (size_t i = 0; slash && i < t->n; i++)
		if (path_is_under(real, t->v[i]) && (size_t)(slash - real) == strlen(t->v[i]))
			return true;
	return false;
}

static int add_rw(struct scope *s, const char *real)
{
	return strlist_has(s->rw, real) ? 0 : strlist_push(s->rw, real);
}

/* Read-only entries inside one already added are left out (the venv holds
 * _in_process.py), and so is one that is writable already. */
static int add_ro(struct scope *s, const char *real)
{
	for (size_t i = 0; i < s->ro->n; i++)
		if (path_at_or_under(real, s->ro->v[i]))
			return 0;
	return strlist_has(s->rw, real) ? 0 : strlist_push(s->ro, real);
}

/* A directory the process names as its output (or input, !writable): only
 * one in pip's own temporary directories. Writable: that directory; read-
 * only: its whole pip-* directory. Anything else is not added. */
static int add_pip_temp(struct scope *s, const char *path, bool writable)
{
	char top[PATH_MAX];
	char *real = real_dir(s->rootfd, s->cwd, path);
	int r = 0;

	if (real && temp_top(&s->tmp, real, "pip-", top, sizeof(top)))
		r = writable ? add_rw(s, real) : add_ro(s, top);
	free(real);
	return r;
}

/* ---- PEP 517 --------------------------------------------------------- */

/* Index of _in_process.py in argv when it is the interpreter's script (only
 * options before it) followed by HOOK CONTROL_DIR, else 0. pip < 23
 * vendored it as pep517/in_process. */
static size_t hook_script_index(const char *const *argv)
{
	for (size_t i = 1; argv[i]; i++) {
		char dir[PATH_MAX];
		const char *b = base_name(argv[i]);

		if (argv[i][0] == '-')
			continue;
		if (strcmp(b, "_in_process.py") != 0 || b == argv[i])
			return 0;
		snprintf(dir, sizeof(dir), "%.*s", (int)(b - argv[i] - 1), argv[i]);
		b = base_name(dir);
		if (strcmp(b, "_in_process") != 0 && strcmp(b, "in_process") != 0)
			return 0;
		return argv[i + 1] && argv[i + 2] ? i : 0;
	}
	return 0;
}

bool pip_hook_pep517_call(const char *const *argv, const char **hook, const char **control)
{
	size_t script = argv && argv[0] ? hook_script_index(argv) : 0;

	if (!script)
		return false;
	*hook = argv[script + 1];
	*control = argv[script + 2];
	return true;
}

int pip_hook_parse_input(const char *buf, size_t len, struct json_object **out, struct json_object **kwargs)
{
	struct json_tokener *tok;

	*out = NULL;
	*kwargs = NULL;
	if (len > PIP_HOOK_INPUT_MAX)
		return -EFBIG;
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	*out = json_tokener_parse_ex(tok, buf, (int)len);
	if (!*out || json_tokener_get_error(tok) != json_tokener_success ||
	    !json_object_is_type(*out, json_type_object) ||
	    !json_object_object_get_ex(*out, "kwargs", kwargs) ||
	    !json_object_is_type(*kwargs, json_type_object)) {
		json_object_put(*out);
		*out = NULL;
		*kwargs = NULL;
		json_tokener_free(tok);
		return -EINVAL;
	}
	json_tokener_free(tok);
	return 0;
}

/* CONTROL_DIR/input.json, bounded, never a FIFO or a link: parsed, and
 * its "kwargs" object in *kwargs (owned by *out). */
static int read_input(int rootfd, const char *control, struct json_object **out,
		      struct json_object **kwargs)
{
	char path[PATH_MAX], *buf = NULL;
	struct stat st;
	ssize_t n;
	int fd, r = 0;

	if (snprintf(path, sizeof(path), "%s/input.json", control) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = root_open(rootfd, path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) != 0) {
		r = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = -EINVAL;
		goto out;
	}
	if (st.st_size > PIP_HOOK_INPUT_MAX) {
		r = -EFBIG;
		goto out;
	}
	buf = malloc(PIP_HOOK_INPUT_MAX + 1);
	if (!buf) {
		r = -ENOMEM;
		goto out;
	}
	/* One read more than the limit tells a file that grew since fstat. */
	n = pread(fd, buf, PIP_HOOK_INPUT_MAX + 1, 0);
	if (n < 0 || n > PIP_HOOK_INPUT_MAX) {
		r = n < 0 ? -errno : -EFBIG;
		goto out;
	}
	r = pip_hook_parse_input(buf, (size_t)n, out, kwargs);
out:
	free(buf);
	close(fd);
	return r;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* kwargs' *_directory values. metadata_directory is the output of
 * prepare_metadata_for_*; for build_* it is an input (the .dist-info whose
 * name the backend chose): read-only, never writable. */
static int scope_kwargs(struct scope *s, const char *hook, struct json_object *kwargs)
{
	bool metadata_out = strncmp(hook, "prepare_metadata_for_", 21) == 0;
	int r = 0;

	json_object_object_foreach(kwargs, key, val) {
		bool out;

		if (r || !ends_with(key, "_directory") || !json_object_is_type(val, json_type_string))
			continue;
		out = strcmp(key, "metadata_directory") != 0 || metadata_out;
		r = add_pip_temp(s, json_object_get_string(val), out);
	}
	return r;
}

static int add_script_dir(struct scope *s, const char *script)
{
	char dir[PATH_MAX], *real;
	const char *slash = strrchr(script, '/');
	int r = 0;

	if (!slash || slash == script ||
	    snprintf(dir, sizeof(dir), "%.*s", (int)(slash - script), script) >= (int)sizeof(dir))
		return 0;
	real = real_dir(s->rootfd, s->cwd, dir);
	if (real)
		r = add_ro(s, real);
	free(real);
	return r;
}

static int scope_pep517(struct scope *s, const char *const *argv, size_t script)
{
	struct json_object *input = NULL, *kwargs = NULL;
	const char *hook = argv[script + 1], *control = argv[script + 2];
	char *real;
	int r;

	real = real_dir(s->rootfd, s->cwd, control);
	if (!real || !directly_in_temp(&s->tmp, real)) {
		free(real);
		return -EPERM;
	}
	r = read_input(s->rootfd, real, &input, &kwargs);
	if (!r)
		r = add_rw(s, real);
	free(real);
	if (!r)
		r = scope_kwargs(s, hook, kwargs);
	json_object_put(input);
	/* The script's own directory (pip outside the venv: ~/.local). */
	if (!r)
		r = add_script_dir(s, argv[script]);
	return r;
}

/* ---- legacy setup.py --------------------------------------------------- */

/* Index of the first setup.py argument after pip's -c shim, or 0. */
static size_t legacy_args_index(const char *const *argv)
{
	for (size_t i = 1; argv[i] && argv[i][0] == '-'; i++)
		if (strcmp(argv[i], "-c") == 0)
			return argv[i + 1] && strstr(argv[i + 1], SHIM_MARK) ? i + 2 : 0;
	return 0;
}

/* VALUE of "NAME VALUE" or "NAME=VALUE" at argv[*i], or NULL. */
static const char *opt_value(const char *const *argv, size_t *i, const char *name)
{
	size_t n = strlen(name);

	if (strcmp(argv[*i], name) == 0 && argv[*i + 1])
		return argv[++*i];
	if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=' && name[1] == '-')
		return argv[*i] + n + 1;
	return NULL;
}

bool pip_hook_egg_info_call(const char *const *argv, const char **egg_base)
{
	size_t first = argv && argv[0] ? legacy_args_index(argv) : 0;
	const char *cmd = NULL;

	for (size_t i = first; first && argv[i]; i++) {
		const char *v;

		if (!cmd) {
			if (argv[i][0] != '-')
				cmd = argv[i];
			continue;
		}
		if (strcmp(cmd, "egg_info") == 0 && (v = opt_value(argv, &i, "--egg-base"))) {
			*egg_base = v;
			return true;
		}
	}
	return false;
}

/* setup.py [global options] COMMAND [options]: -d/--dist-dir of bdist_wheel
 * and --egg-base of egg_info (the only forms pip builds with). */
static int scope_legacy(struct scope *s, const char *const *argv, size_t first)
{
	const char *cmd = NULL;
	int r = 0;

	for (size_t i = first; argv[i] && !r; i++) {
		const char *v = NULL;

		if (!cmd) {
			if (argv[i][0] != '-')
				cmd = argv[i];
			continue;
		}
		if (strcmp(cmd, "bdist_wheel") == 0 &&
		    ((v = opt_value(argv, &i, "-d")) || (v = opt_value(argv, &i, "--dist-dir"))))
			r = add_pip_temp(s, v, true);
		else if (strcmp(cmd, "egg_info") == 0 && (v = opt_value(argv, &i, "--egg-base")))
			r = add_pip_temp(s, v, true);
	}
	return r;
}

/* ---- the interpreter and pip's build environment ---------------------- */

/* PREFIX of PREFIX/bin/NAME, lexically; false for another shape or a
 * PREFIX of "/". */
static bool bin_prefix(const char *path, char *out, size_t outlen)
{
	const char *slash = strrchr(path, '/');
	size_t dlen = slash ? (size_t)(slash - path) : 0;

	if (dlen <= 4 || memcmp(path + dlen - 4, "/bin", 4) != 0)
		return false;
	return snprintf(out, outlen, "%.*s", (int)(dlen - 4), path) < (int)outlen;
}

/* path names an interpreter: the venv root when the bin/ it is in (as
 * given: a venv's bin/python is a symlink out of it) sits next to a
 * pyvenv.cfg, and the prefix of the real file (/usr, a pyenv version). */
static int scope_interpreter(struct scope *s, const char *path)
{
	char prefix[PATH_MAX], cfg[PATH_MAX + 16], *root, *real;
	struct stat st;
	int r = 0;

	if (!path || path[0] != '/')
		return 0;
	if (bin_prefix(path, prefix, sizeof(prefix)) && (root = real_dir(s->rootfd, NULL, prefix))) {
		snprintf(cfg, sizeof(cfg), "%s/pyvenv.cfg", root);
		if (root_stat(s->rootfd, cfg, &st) == 0 && S_ISREG(st.st_mode))
			r = add_ro(s, root);
		free(root);
	}
	real = root_realpath(s->rootfd, path);
	if (!r && real && bin_prefix(real, prefix, sizeof(prefix)) &&
	    (root = real_dir(s->rootfd, NULL, prefix))) {
		r = add_ro(s, root);
		free(root);
	}
	free(real);
	return r;
}

/* PYTHONPATH and PATH entries in TMP/pip-build-env-*: the isolated build
 * environment pip installed the build requirements into. */
static int scope_build_env(struct scope *s, const char *var)
{
	const char *v = env_get(s->envp, var);
	char *copy, *save = NULL;
	int r = 0;

	if (!v || !(copy = strdup(v)))
		return v ? -ENOMEM : 0;
	for (char *e = strtok_r(copy, ":", &save); e && !r; e = strtok_r(NULL, ":", &save)) {
		char top[PATH_MAX], *real;

		if (e[0] != '/' || !(real = real_dir(s->rootfd, NULL, e)))
			continue;
		if (temp_top(&s->tmp, real, "pip-build-env-", top, sizeof(top)))
			r = add_ro(s, top);
		free(real);
	}
	free(copy);
	return r;
}

int pip_hook_scope_at(int rootfd, const char *const *argv, const char *const *envp, const char *cwd,
		      const char *exe, struct strlist *rw, struct strlist *ro)
{
	struct scope s = { .rootfd = rootfd, .envp = envp, .cwd = cwd, .rw = rw, .ro = ro };
	size_t script, legacy = 0;
	int r;

	if (!argv || !argv[0] || !rw || !ro)
		return 0;
	script = hook_script_index(argv);
	if (!script)
		legacy = legacy_args_index(argv);
	if (!script && !legacy)
		return 0;
	temp_roots_get(rootfd, envp, &s.tmp);
	r = scope_interpreter(&s, exe);
	if (!r && argv[0][0] == '/' && (!exe || strcmp(exe, argv[0]) != 0))
		r = scope_interpreter(&s, argv[0]);
	if (!r)
		r = script ? scope_pep517(&s, argv, script) : scope_legacy(&s, argv, legacy);
	if (!r)
		r = scope_build_env(&s, "PYTHONPATH");
	if (!r)
		r = scope_build_env(&s, "PATH");
	temp_roots_free(&s.tmp);
	return r;
}

int pip_hook_scope(const char *const *argv, const char *const *envp, const char *cwd,
		   const char *exe, struct strlist *rw, struct strlist *ro)
{
	int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), r;

	if (rootfd < 0)
		return -errno;
	r = pip_hook_scope_at(rootfd, argv, envp, cwd, exe, rw, ro);
	close(rootfd);
	return r;
}
