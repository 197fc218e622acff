/* fuzz_pip_hook.c — pip's hook input.json (whose *_directory values a
 * package's build backend chose in part) and a pip build process's argv and
 * environment, turned into the extra directories of its sandbox.
 * The pure parse (pip_hook_parse_input) gets part 0 as it is; then the whole
 * pip_hook_scope runs in a scratch tree S:
 *   S/tmp                   TMPDIR
 *   S/tmp/pip-ctl           the control directory: input.json = part 0
 *   S/tmp/pip-wheel-1, S/tmp/pip-meta-1/x.dist-info, S/tmp/pip-build-env-1/lib
 *   S/tmp/pip-link -> S/secret   a link out of pip's temp
 *   S/venv/bin/python (a file), S/venv/pyvenv.cfg;  S/src the cwd
 * Part 1 is the hook name, or "legacy WORDS…" for the setup.py form with
 * WORDS as its arguments; parts 2… are environment strings (before
 * TMPDIR=S/tmp, so they may override it). "@S@" in parts 1… stands for S.
 * Whatever the input, nothing but pip's own temporary directories becomes
 * writable, and S/secret (behind a link) is never added. */
#include "fuzz_common.h"

#include <json-c/json.h>

#include "pip_hook.h"
#include "policy.h"

static char *subst(const char *s, const char *dir)
{
	size_t n = 0, dl = strlen(dir);
	char *out, *o;

	for (const char *p = s; (p = strstr(p, "@S@")); p += 3)
		n++;
	out = malloc(strlen(s) + n * dl + 1);
	if (!out)
		abort();
	o = out;
	for (const char *p = s, *q; ; p = q + 3) {
		q = strstr(p, "@S@");
		if (!q) {
			strcpy(o, p);
			break;
		}
		memcpy(o, p, (size_t)(q - p));
		o += q - p;
		memcpy(o, dir, dl);
		o += dl;
	}
	return out;
}

static void setup(const char *dir)
{
	char a[4096], b[4096];

	fuzz_write(dir, "tmp/pip-wheel-1/.keep", "", 0);
	fuzz_write(dir, "tmp/pip-meta-1/x.dist-info/METADATA", "", 0);
	fuzz_write(dir, "tmp/pip-build-env-1/lib/.keep", "", 0);
	fuzz_write(dir, "secret/.keep", "", 0);
	fuzz_write(dir, "venv/bin/python", "", 0);
	fuzz_write(dir, "venv/pyvenv.cfg", "home = /usr/bin\n", 16);
	fuzz_write(dir, "venv/lib/pyproject_hooks/_in_process/_in_process.py", "", 0);
	fuzz_write(dir, "src/setup.py", "", 0);
	snprintf(a, sizeof(a), "%s/secret", dir);
	snprintf(b, sizeof(b), "%s/tmp/pip-link", dir);
	if (symlink(a, b) != 0)
		abort();
}

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = fuzz_scratch();
	struct fuzz_parts in;
	struct json_object *obj, *kwargs;
	struct strlist rw = { 0 }, ro = { 0 }, own = { 0 };
	char real[4096], tmp[4096 + 8], secret[4096 + 8], path[4096 + 64], cwd[4096 + 8], exe[4096 + 32];
	const char *argv[FUZZ_MAX_PARTS + 8] = { 0 }, *envp[FUZZ_MAX_PARTS + 2] = { 0 };
	size_t na = 0, ne = 0;

	fuzz_split(data, size, &in);
	if (pip_hook_parse_input(in.part[0], in.len[0], &obj, &kwargs) == 0) {
		if (!json_object_is_type(kwargs, json_type_object))
			abort();
		json_object_put(obj);
	} else if (obj || kwargs) {
		abort();
	}

	fuzz_clear(dir);
	setup(dir);
	if (!realpath(dir, real))
		abort();
	snprintf(tmp, sizeof(tmp), "%s/tmp", real);
	snprintf(secret, sizeof(secret), "%s/secret", real);
	snprintf(cwd, sizeof(cwd), "%s/src", real);
	snprintf(exe, sizeof(exe), "%s/venv/bin/python", real);
	fuzz_write(dir, "tmp/pip-ctl/input.json", in.part[0], in.len[0]);

	argv[na++] = exe;
	if (strncmp(fuzz_part(&in, 1, NULL), "legacy", 6) == 0) {
		char *words = subst(in.part[1] + 6, real), *save = NULL;

		if (strlist_take(&own, words))
			abort();
		argv[na++] = "-u";
		argv[na++] = "-c";
		argv[na++] = "import sys; exec(compile('''# <pip-setuptools-caller>'''))";
		for (char *w = strtok_r(words, " ", &save); w && na < FUZZ_MAX_PARTS + 6; w = strtok_r(NULL, " ", &save))
			argv[na++] = w;
	} else {
		snprintf(path, sizeof(path), "%s/venv/lib/pyproject_hooks/_in_process/_in_process.py", real);
		argv[na++] = path;
		argv[na++] = in.n > 1 && in.len[1] ? in.part[1] : "build_wheel";
		argv[na++] = "../tmp/pip-ctl";
	}
	/* Environment parts first: they may name another TMPDIR. */
	for (size_t i = 2; i < in.n; i++) {
		char *e = subst(in.part[i], real);

		if (strlist_take(&own, e))
			abort();
		envp[ne++] = e;
	}
	{
		char *t = subst("TMPDIR=@S@/tmp", real);

		if (strlist_take(&own, t))
			abort();
		envp[ne++] = t;
	}

	(void)pip_hook_scope(argv, envp, cwd, exe, &rw, &ro);
	for (size_t i = 0; i < rw.n; i++)
		if (!strstr(rw.v[i], "/pip-") || under(rw.v[i], secret) || strcmp(rw.v[i], tmp) == 0)
			abort(); /* writable: only pip's own temporary directories */
	for (size_t i = 0; i < ro.n; i++)
		if (ro.v[i][0] != '/' || strcmp(ro.v[i], "/") == 0 || under(ro.v[i], secret))
			abort();
	strlist_free(&rw);
	strlist_free(&ro);
	strlist_free(&own);
	fuzz_parts_free(&in);
	return 0;
}
