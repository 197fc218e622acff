/* test_pip_hook.c — pip_hook_scope() on the shapes pip 23 really runs
 * (captured from `pip install --no-build-isolation ./src`): the PEP 517 hook
 * with its control directory and input.json, the legacy setup.py calls, the
 * venv and the real interpreter's prefix, pip's build environment; and what
 * it must not add: directories outside pip's own temporary ones (a symlink
 * planted by an earlier hook included), a control directory elsewhere, an
 * input.json that is malformed, too big or a FIFO; and the same seen from
 * another root (the process's /proc/PID/root, here a directory standing in
 * for it), symlinks resolved inside it. Everything lives in a mkdtemp
 * directory R given as TMPDIR (a temp root, like /tmp). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "pip_hook.h"
#include "root_path.h"
#include "unit_helpers.h"

static char root[1024];   /* R, resolved */
static char tmpenv[1024 + 8];

#define SCRIPT "venv/lib/python3.11/site-packages/pip/_vendor/pyproject_hooks/_in_process/_in_process.py"

/* R/rel, in a buffer of its own for the whole test (argv arrays keep them). */
static char bufs[128][PATH_MAX];
static size_t nbufs;

static char *at(const char *rel)
{
	char *b = bufs[nbufs++ % 128];

	if (snprintf(b, PATH_MAX, "%s/%s", root, rel) >= PATH_MAX)
		fail_msg("path too long: %s", rel);
	return b;
}

static int setup(void **state)
{
	char tmpl[PATH_MAX], *r;
	(void)state;

	nbufs = 0;
	snprintf(tmpl, sizeof(tmpl), "%s/pkgguard-piphook-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpl) || !(r = realpath(tmpl, NULL)))
		return -1;
	if (strlen(r) >= sizeof(root)) {
		free(r);
		return -1;
	}
	memcpy(root, r, strlen(r) + 1);
	free(r);
	snprintf(tmpenv, sizeof(tmpenv), "TMPDIR=%s", root);
	ut_mkdirs(root, "tmpctl");
	ut_mkdirs(root, "pip-modern-metadata-abc/pkg-1.0.dist-info");
	ut_mkdirs(root, "pip-wheel-xyz");
	ut_mkdirs(root, "pip-pip-egg-info-1");
	ut_mkdirs(root, "venv/bin");
	ut_mkdirs(root, "venv/lib/python3.11/site-packages/pip/_vendor/pyproject_hooks/_in_process");
	ut_mkdirs(root, "base/bin");
	ut_mkdirs(root, "src/ctl");
	ut_mkdirs(root, "pip-build-env-qqq/site");
	ut_mkdirs(root, "pip-build-env-qqq/overlay/bin");
	ut_mkdirs(root, "home/.ssh");
	ut_put(root, "venv/pyvenv.cfg", "home = /usr/bin\n");
	ut_put(root, "base/bin/python3.11", "#!/bin/false\n");
	ut_put(root, SCRIPT, "# pyproject_hooks\n");
	ut_put(root, "src/ctl/input.json", "{\"kwargs\": {}}\n");
	if (symlink(at("base/bin/python3.11"), at("venv/bin/python3")) != 0 ||
	    symlink("python3", at("venv/bin/python")) != 0 ||
	    symlink(at("home"), at("pip-modern-metadata-abc/evil.dist-info")) != 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;

	if (strncmp(root, "/", 1) != 0 || !strstr(root, "/pkgguard-piphook-"))
		return -1;
	ut_rm_tree(root);
	return 0;
}

static int run(const char *const *argv, const char *const *envp, struct strlist *rw, struct strlist *ro)
{
	return pip_hook_scope(argv, envp, at("src"), at("venv/bin/python"), rw, ro);
}

static void test_not_pip(void **state)
{
	struct strlist rw = { 0 }, ro = { 0 };
	const char *env[] = { tmpenv, NULL };
	const char *a1[] = { "/usr/bin/python3", "setup.py", "build", NULL };
	const char *a2[] = { "/usr/bin/node", "_in_process.py", "x", "y", NULL };
	const char *a3[] = { "/usr/bin/python3", "/x/other/_in_process.py", "build_wheel", "/tmp", NULL };
	const char *a4[] = { "/usr/bin/python3", at(SCRIPT), "build_wheel", NULL };
	const char *a5[] = { "/usr/bin/python3", "-c", "print(1)", "bdist_wheel", "-d", at("pip-wheel-xyz"), NULL };
	const char *a6[] = { NULL };
	(void)state;

	assert_int_equal(run(a1, env, &rw, &ro), 0);
	assert_int_equal(run(a2, env, &rw, &ro), 0);
	assert_int_equal(run(a3, env, &rw, &ro), 0);
	assert_int_equal(run(a4, env, &rw, &ro), 0); /* no control dir */
	assert_int_equal(run(a5, env, &rw, &ro), 0); /* not pip's shim */
	assert_int_equal(run(a6, env, &rw, &ro), 0);
	assert_int_equal(pip_hook_scope(NULL, NULL, NULL, NULL, &rw, &ro), 0);
	assert_int_equal(rw.n, 0);
	assert_int_equal(ro.n, 0);
}

static void test_prepare_metadata(void **state)
{
	struct strlist rw = { 0 }, ro = { 0 };
	const char *env[] = { "PATH=/usr/bin:/bin", tmpenv, NULL };
	const char *argv[] = { at("venv/bin/python"), at(SCRIPT), "prepare_metadata_for_build_wheel",
			       at("tmpctl"), NULL };
	FILE *f;
	(void)state;

	f = fopen(at("tmpctl/input.json"), "w");
	assert_non_null(f);
	fprintf(f, "{\"kwargs\": {\"metadata_directory\": \"%s\", \"config_settings\": null, "
		   "\"_allow_fallback\": true}}", at("pip-modern-metadata-abc"));
	assert_int_equal(fclose(f), 0);
	assert_int_equal(run(argv, env, &rw, &ro), 0);
	assert_int_equal(rw.n, 2);
	assert_true(strlist_has(&rw, at("tmpctl")));
	assert_true(strlist_has(&rw, at("pip-modern-metadata-abc")));
	/* the venv (its _in_process.py inside, not repeated) and the real prefix */
	assert_int_equal(ro.n, 2);
	assert_true(strlist_has(&ro, at("venv")));
	assert_true(strlist_has(&ro, at("base")));
	/* a second call adds nothing new */
	assert_int_equal(run(argv, env, &rw, &ro), 0);
	assert_int_equal(rw.n, 2);
	assert_int_equal(ro.n, 2);
	strlist_free(&rw);
	strlist_free(&ro);
}

static void write_input(const char *wheel, const char *metadata)
{
	FILE *f = fopen(at("tmpctl/input.json"), "w");

	assert_non_null(f);
	fprintf(f, "{\"kwargs\": {\"wheel_directory\": \"%s\", \"config_settings\": null, "
		   "\"metadata_directory\": \"%s\"}}", wheel, metadata);
	assert_int_equal(fclose(f), 0);
}

static void test_build_wheel(void **state)
{
	struct strlist rw = { 0 }, ro = { 0 };
	const char *env[] = { tmpenv, NULL };
	const char *argv[] = { at("venv/bin/python"), at(SCRIPT), "build_wheel", at("tmpctl"), NULL };
	(void)state;

	write_input(at("pip-wheel-xyz"), at("pip-modern-metadata-abc/pkg-1.0.dist-info"));
	assert_int_equal(run(argv, env, &rw, &ro), 0);
	assert_int_equal(rw.n, 2);
	assert_true(strlist_has(&rw, at("tmpctl")));
	assert_true(strlist_has(&rw, at("pip-wheel-xyz")));
	/* metadata is the build's input: its pip directory, read-only */
	assert_false(strlist_has(&rw, at("pip-modern-metadata-abc")));
	assert_false(strlist_has(&rw, at("pip-modern-metadata-abc/pkg-1.0.dist-info")));
	assert_true(strlist_has(&ro, at("pip-modern-metadata-abc")));
	strlist_free(&rw);
	strlist_free(&ro);
}

/* A backend chooses the .dist-info name pip passes back: one that is a
 * symlink out of pip's directory, or a path elsewhere, gives nothing. */
static void test_outside_pip_temp(void **state)
{
	struct strlist rw = { 0 }, ro = { 0 };
	const char *env[] = { tmpenv, NULL };
	const char *argv[] = { at("venv/bin/python"), at(SCRIPT), "build_wheel", at("tmpctl"), NULL };
	(void)state;

	write_input(at("home"), at("pip-modern-metadata-abc/evil.dist-info"));
	assert_int_equal(run(argv, env, &rw, &ro), 0);
	assert_int_equal(rw.n, 1);
	assert_true(strlist_has(&rw, at("tmpctl")));
	assert_false(strlist_has(&ro, at("home")));
	assert_false(strlist_has(&ro, at("home/.ssh")));
	assert_false(strlist_has(&ro, at("pip-modern-metadata-abc")));
	strlist_free(&rw);
	strlist_free(&ro);

	write_input("/", "relative/dir");
	assert_int_equal(run(argv, env, &rw, &ro), 0);
	assert_int_equal(rw.n, 1);
	for (size_t i = 0; i < ro.n; i++)
		assert_string_not_equal(ro.v[i], "/");
	strlist_free(&rw);
	strlist_free(&ro);
}

static void test_control_dir_elsewhere(void **state)
{
	struct strlist rw = { 0 }, ro = { 0 };
	const char *env[] = { tmpenv, NULL };
	const char *a1[] = { at("venv/bin/python"), at(SCRIPT), "build_wheel", at("src/ctl"), NULL };
	const char *a2[] = { at("venv/bin/python"), at(SCRIPT), "build_wheel", at("missing"), NULL };
	(void)state;

	assert_int_equal(run(a1, env, &rw, &ro), -EPERM);
	assert_int_equal(run(a2, env, &rw, &ro), -EPERM);
	assert_false(strlist_has(&rw, at("src/ctl")));
	strlist_free(&rw);
	strlist_free(&ro);
}

static void test_bad_input(void **state)
{
	struct strlist rw = { 0 }, ro = { 0 };
	const char *env[] = { tmpenv, NULL };
	const char *argv[] = { at("venv/bin/python"), at(SCRIPT), "build_wheel", at("tmpctl"), NULL };
	char *big;
	FILE *f;
	(void)state;

	assert_int_equal(run(argv, env, &rw, &ro), -ENOENT); /* no input.json */
	ut_put(root, "tmpctl/input.json", "{\"kwargs\": ");
	assert_int_equal(run(argv, env, &rw, &ro), -EINVAL);
	ut_put(root, "tmpctl/input.json", "[1, 2]");
	assert_int_equal(run(argv, env, &rw, &ro), -EINVAL);
	ut_put(root, "tmpctl/input.json", "{\"kwargs\": []}");
	assert_int_equal(run(argv, env, &rw, &ro), -EINVAL);
	big = malloc(PIP_HOOK_INPUT_MAX + 2);
	assert_non_null(big);
	memset(big, ' ', PIP_HOOK_INPUT_MAX + 1);
	big[PIP_HOOK_INPUT_MAX + 1] = '\0';
	f = fopen(at("tmpctl/input.json"), "w");
	assert_non_null(f);
	fprintf(f, "{}%s", big);
	fclose(f);
	free(big);
	assert_int_equal(run(argv, env, &rw, &ro), -EFBIG);
	/* a FIFO would block a reader forever: refused at once */
	unlink(at("tmpctl/input.json"));
	assert_int_equal(mkfifo(at("tmpctl/input.json"), 0600), 0);
	assert_int_equal(run(argv, env, &rw, &ro), -EINVAL);
	unlink(at("tmpctl/input.json"));
	assert_false(strlist_has(&rw, at("tmpctl")));
	strlist_free(&rw);
	strlist_free(&ro);
}

static void test_build_env(void **state)
{
	struct strlist rw = { 0 }, ro = { 0 };
	char pypath[PATH_MAX + 16], path[2 * PATH_MAX + 32];
	const char *env[] = { pypath, path, tmpenv, "PYTHONNOUSERSITE=1", NULL };
	const char *argv[] = { at("venv/bin/python"), at(SCRIPT), "get_requires_for_build_wheel",
			       at("tmpctl"), NULL };
	(void)state;

	snprintf(pypath, sizeof(pypath), "PYTHONPATH=%s", at("pip-build-env-qqq/site"));
	snprintf(path, sizeof(path), "PATH=%s:%s:/usr/bin:%s", at("pip-build-env-qqq/overlay/bin"),
		 at("pip-build-env-qqq/normal/bin"), at("src"));
	ut_put(root, "tmpctl/input.json", "{\"kwargs\": {\"config_settings\": null}}");
	assert_int_equal(run(argv, env, &rw, &ro), 0);
	assert_int_equal(rw.n, 1);
	assert_true(strlist_has(&ro, at("pip-build-env-qqq")));
	assert_false(strlist_has(&ro, at("src")));
	assert_false(strlist_has(&ro, "/usr/bin"));
	assert_int_equal(ro.n, 3); /* venv, base, build env */
	strlist_free(&rw);
	strlist_free(&ro);
}

static void test_legacy(void **state)
{
	struct strlist rw = { 0 }, ro = { 0 };
	const char *env[] = { tmpenv, NULL };
	char egg[PATH_MAX + 16];
	const char *shim = "exec(compile('''\n# This is <pip-setuptools-caller> -- a caller\n''', "
			   "\"<pip-setuptools-caller>\", \"exec\"))";
	const char *a1[] = { at("venv/bin/python"), "-u", "-c", shim, "bdist_wheel", "-d", at("pip-wheel-xyz"), NULL };
	const char *a2[] = { at("venv/bin/python"), "-c", shim, "--no-user-cfg", "egg_info", egg, NULL };
	const char *a3[] = { at("venv/bin/python"), "-c", shim, "install", "-d", at("pip-wheel-xyz"),
			     "--record", at("pip-pip-egg-info-1/r.txt"), NULL };
	const char *a4[] = { at("venv/bin/python"), "-c", shim, "bdist_wheel", "-d", at("home"), NULL };
	(void)state;

	snprintf(egg, sizeof(egg), "--egg-base=%s", at("pip-pip-egg-info-1"));
	assert_int_equal(run(a1, env, &rw, &ro), 0);
	assert_int_equal(rw.n, 1);
	assert_true(strlist_has(&rw, at("pip-wheel-xyz")));
	assert_true(strlist_has(&ro, at("venv")));
	strlist_free(&rw);
	assert_int_equal(run(a2, env, &rw, &ro), 0);
	assert_int_equal(rw.n, 1);
	assert_true(strlist_has(&rw, at("pip-pip-egg-info-1")));
	strlist_free(&rw);
	/* setup.py install -d is not a build directory: nothing writable */
	assert_int_equal(run(a3, env, &rw, &ro), 0);
	assert_int_equal(rw.n, 0);
	assert_int_equal(run(a4, env, &rw, &ro), 0);
	assert_int_equal(rw.n, 0);
	strlist_free(&ro);
}

/* R/fake stands for a process's root: "/tmp" there is R/fake/tmp, which the
 * host's /tmp does not have, and an absolute symlink stays inside. */
static void test_in_process_root(void **state)
{
	struct strlist rw = { 0 }, ro = { 0 };
	const char *env[] = { "PATH=/usr/bin", NULL };
	const char *argv[] = { "/venv/bin/python", "/" SCRIPT, "build_wheel", "/tmp/tmpctl", NULL };
	char *r;
	FILE *f;
	int rootfd;
	(void)state;

	ut_mkdirs(root, "fake/tmp/tmpctl");
	ut_mkdirs(root, "fake/tmp/pip-wheel-1");
	ut_mkdirs(root, "fake/tmp/pip-modern-metadata-2/x.dist-info");
	ut_mkdirs(root, "fake/usr/bin");
	ut_mkdirs(root, "fake/venv/bin");
	ut_mkdirs(root, "fake/venv/lib/python3.11/site-packages/pip/_vendor/pyproject_hooks/_in_process");
	ut_put(root, "fake/usr/bin/python3.11", "#!/bin/false\n");
	ut_put(root, "fake/venv/pyvenv.cfg", "home = /usr/bin\n");
	ut_put(root, "fake/" SCRIPT, "#\n");
	assert_int_equal(symlink("/usr/bin/python3.11", at("fake/venv/bin/python")), 0);
	assert_int_equal(symlink("../../../../../..", at("fake/tmp/up")), 0);
	assert_int_equal(symlink("/usr/bin", at("fake/tmp/abs")), 0);
	f = fopen(at("fake/tmp/tmpctl/input.json"), "w");
	assert_non_null(f);
	fputs("{\"kwargs\": {\"wheel_directory\": \"/tmp/pip-wheel-1\", "
	      "\"metadata_directory\": \"/tmp/pip-modern-metadata-2/x.dist-info\"}}", f);
	assert_int_equal(fclose(f), 0);
	rootfd = open(at("fake"), O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(rootfd >= 0);

	/* symlinks resolve inside the root; ".." stops at it */
	r = root_realpath(rootfd, "/tmp/up/tmp/../venv/bin/python");
	assert_non_null(r);
	assert_string_equal(r, "/usr/bin/python3.11");
	free(r);
	r = root_realpath(rootfd, "/tmp/abs/python3.11");
	assert_non_null(r);
	assert_string_equal(r, "/usr/bin/python3.11");
	free(r);
	assert_null(root_realpath(rootfd, "/tmp/missing"));
	assert_null(root_realpath(rootfd, "relative"));

	assert_int_equal(pip_hook_scope_at(rootfd, argv, env, "/", "/usr/bin/python3.11", &rw, &ro), 0);
	assert_int_equal(rw.n, 2);
	assert_true(strlist_has(&rw, "/tmp/tmpctl"));
	assert_true(strlist_has(&rw, "/tmp/pip-wheel-1"));
	assert_true(strlist_has(&ro, "/venv"));
	assert_true(strlist_has(&ro, "/usr"));
	assert_true(strlist_has(&ro, "/tmp/pip-modern-metadata-2"));
	assert_int_equal(ro.n, 3);
	close(rootfd);
	strlist_free(&rw);
	strlist_free(&ro);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_not_pip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prepare_metadata, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_wheel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outside_pip_temp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_control_dir_elsewhere, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_env, setup, teardown),
		cmocka_unit_test_setup_teardown(test_legacy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_in_process_root, setup, teardown),
	};
	log_set_program("test_pip_hook");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
