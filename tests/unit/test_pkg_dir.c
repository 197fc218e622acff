/* test_pkg_dir.c — the package directory rule: which paths are a package
 * directory of a known layout, which package managers' word is taken, and
 * establishing it in a real tree, where a symlinked component, a working
 * directory elsewhere, or a path outside the project is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pkg_dir.h"
#include "pkg_layout.h"

static void layouts(void **state)
{
	(void)state;
	static const char *const yes[] = {
		"node_modules/a", "node_modules/@s/a", "node_modules/a/node_modules/b",
		"node_modules/@s/a/node_modules/@t/b/node_modules/c",
		"node_modules/.pnpm/a@1.0.0/node_modules/a",
		"node_modules/.pnpm/@s+a@1.0.0_peer@2/node_modules/@s/a",
		"node_modules/a.js", "node_modules/a-b_c",
	};
	static const char *const no[] = {
		"", "node_modules", "node_modules/", "node_modules/a/", "node_modules//a",
		"node_modules/.bin", "node_modules/.pnpm", "node_modules/.pnpm/x",
		"node_modules/.pnpm/x/node_modules", "node_modules/.pnpm/.x/node_modules/a",
		"node_modules/.pnpm/x/node_modules/a/node_modules/b", "node_modules/..",
		"node_modules/../x", "node_modules/a/..", "node_modules/a/src", "node_modules/@s",
		"node_modules/@s/@t", "node_modules/@/a", "node_modules/node_modules",
		"node_modules/a/node_modules", "src", "packages/a", "/node_modules/a",
		"x/node_modules/a", "node_modules/a/lib/node_modules/b",
	};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!pkg_layout_is_package(yes[i]))
			fail_msg("refused: %s", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (pkg_layout_is_package(no[i]))
			fail_msg("accepted: %s", no[i]);
}

static void named_by(void **state)
{
	(void)state;
	char *d = pkg_layout_named_dir("npm/11.19.1 node/v20", "/p/node_modules/a/package.json");
	assert_string_equal(d, "/p/node_modules/a");
	free(d);
	d = pkg_layout_named_dir("pnpm/12.23.0 npm/? node/?", "/p/node_modules/.pnpm/a@1/node_modules/a/package.json");
	assert_string_equal(d, "/p/node_modules/.pnpm/a@1/node_modules/a");
	free(d);
	/* yarn 1 copies the package's own "json" field there. */
	assert_null(pkg_layout_named_dir("yarn/1.22.22 npm/? node/v20", "/p/package.json"));
	assert_null(pkg_layout_named_dir(NULL, "/p/node_modules/a/package.json"));
	assert_null(pkg_layout_named_dir("npmx/1", "/p/node_modules/a/package.json"));
	assert_null(pkg_layout_named_dir("npm/11", "p/node_modules/a/package.json"));
	assert_null(pkg_layout_named_dir("npm/11", "/p/node_modules/a/index.js"));
	assert_null(pkg_layout_named_dir("npm/11", NULL));
	d = pkg_layout_global_root("npm/11", "true", "/usr/local");
	assert_string_equal(d, "/usr/local/lib");
	free(d);
	assert_null(pkg_layout_global_root("npm/11", NULL, "/usr/local"));
	assert_null(pkg_layout_global_root("npm/11", "", "/usr/local"));
	assert_null(pkg_layout_global_root("yarn/1", "true", "/usr/local"));
	assert_null(pkg_layout_local_root("pnpm/12", "/p"));
}

static void places(void **state)
{
	(void)state;
	const char *rel;
	assert_int_equal(pkg_dir_place("/p", "/p", &rel), PKG_DIR_ROOT);
	assert_int_equal(pkg_dir_place("/p", "/p/", &rel), PKG_DIR_ROOT);
	assert_int_equal(pkg_dir_place("/p", "/p/node_modules/a", &rel), PKG_DIR_PACKAGE);
	assert_string_equal(rel, "node_modules/a");
	assert_int_equal(pkg_dir_place("/p", "/p/packages/a", &rel), PKG_DIR_WORKSPACE);
	assert_int_equal(pkg_dir_place("/p", "/p/node_modules/a/src", &rel), PKG_DIR_OTHER);
	assert_int_equal(pkg_dir_place("/p", "/p/packages/../x", &rel), PKG_DIR_OTHER);
	assert_int_equal(pkg_dir_place("/p", "/p/./x", &rel), PKG_DIR_OTHER);
	assert_int_equal(pkg_dir_place("/p", "/pq/node_modules/a", &rel), PKG_DIR_OUTSIDE);
	assert_int_equal(pkg_dir_place("/p", "/home/u/.local/bin", &rel), PKG_DIR_OUTSIDE);
	assert_int_equal(pkg_dir_place("/", "/node_modules/a", &rel), PKG_DIR_PACKAGE);
	assert_string_equal(rel, "node_modules/a");
	assert_int_equal(pkg_dir_place("/", "/", &rel), PKG_DIR_ROOT);
}

/* A project with node_modules/a real and node_modules/b a link to the
 * project itself, as package A's preinstall would leave it. */
struct tree {
	char dir[64];
	char a[128], b[128], nested[192];
};

static int tree_setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));
	char path[256];

	if (!t)
		return -1;
	*state = t;
	snprintf(t->dir, sizeof(t->dir), "/tmp/test_pkg_dir.XXXXXX");
	if (!mkdtemp(t->dir))
		return -1;
	snprintf(path, sizeof(path), "%s/node_modules", t->dir);
	mkdir(path, 0755);
	snprintf(t->a, sizeof(t->a), "%s/node_modules/a", t->dir);
	mkdir(t->a, 0755);
	snprintf(t->b, sizeof(t->b), "%s/node_modules/b", t->dir);
	snprintf(t->nested, sizeof(t->nested), "%s/node_modules/b/node_modules/a", t->dir);
	return symlink(t->dir, t->b);
}

static int tree_teardown(void **state)
{
	struct tree *t = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	if (system(cmd) != 0)
		return -1;
	free(t);
	return 0;
}

static int establish(const struct tree *t, const char *named, const struct stat *cwd, struct pkg_dir *d,
		     char *err, size_t errlen)
{
	const char *roots[] = { t->dir };
	struct pkg_dir_request rq = {
		.roots = roots, .nroots = 1, .project_roots = 1,
		.named = named, .named_by_manager = true, .cwd = cwd,
	};
	return pkg_dir_establish(&rq, d, err, errlen);
}

static void establish_real(void **state)
{
	struct tree *t = *state;
	struct pkg_dir d;
	struct stat st;
	char err[512];

	assert_int_equal(stat(t->a, &st), 0);
	assert_int_equal(establish(t, t->a, &st, &d, err, sizeof(err)), 0);
	assert_int_equal(d.place, PKG_DIR_PACKAGE);
	assert_string_equal(d.path, t->a);
	assert_true(d.fd > 2);
	assert_true(d.st.st_ino == st.st_ino && d.st.st_dev == st.st_dev);
	pkg_dir_release(&d);

	assert_int_equal(stat(t->dir, &st), 0);
	assert_int_equal(establish(t, t->dir, &st, &d, err, sizeof(err)), 0);
	assert_int_equal(d.place, PKG_DIR_ROOT);
	pkg_dir_release(&d);
}

static void establish_refused(void **state)
{
	struct tree *t = *state;
	struct pkg_dir d;
	struct stat st;
	char err[512];

	/* node_modules/b is a link to the project: its cwd resolves to it. */
	assert_int_equal(stat(t->b, &st), 0);
	assert_int_equal(establish(t, t->b, &st, &d, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "symbolic link"));
	assert_non_null(strstr(err, t->b));
	assert_int_equal(establish(t, t->nested, NULL, &d, err, sizeof(err)), -EPERM);
	/* The manager names a, but the working directory is the project. */
	assert_int_equal(stat(t->dir, &st), 0);
	assert_int_equal(establish(t, t->a, &st, &d, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "working directory"));
	/* Outside the project: only a directory the manager names that holds a
	 * package.json and contains no project; never through a link; and
	 * inside node_modules but no package. */
	assert_int_equal(establish(t, "/usr/local/bin", NULL, &d, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "package.json"));
	assert_int_equal(establish(t, "/tmp", NULL, &d, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "it contains"));
	const char *roots[] = { t->a };
	struct pkg_dir_request cwd_only = { .roots = roots, .nroots = 1, .project_roots = 1, .named = "/usr/local/bin" };
	assert_int_equal(pkg_dir_establish(&cwd_only, &d, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "not inside the project"));
	char sub[256];
	snprintf(sub, sizeof(sub), "%s/node_modules", t->dir);
	assert_int_equal(establish(t, sub, NULL, &d, err, sizeof(err)), -EPERM);
}

/* A workspace (inside the project, under no node_modules) needs the package
 * manager's word; a global prefix is never anyone's project. */
/* A file: directory npm linked (outside the project, named by npm). */
static void linked(void **state)
{
	struct tree *t = *state;
	const char *roots[] = { t->a };
	struct pkg_dir d;
	char err[512], path[256], via[256];

	snprintf(path, sizeof(path), "%s/package.json", t->dir);
	int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	close(fd);
	/* t->a is the project here: t->dir lies outside it and holds a package.json. */
	struct pkg_dir_request rq = { .roots = roots, .nroots = 1, .project_roots = 1, .named = t->dir,
				      .named_by_manager = true };
	assert_int_equal(pkg_dir_establish(&rq, &d, err, sizeof(err)), -EPERM); /* it contains the project */
	snprintf(path, sizeof(path), "%s/sibling", t->dir);
	mkdir(path, 0755);
	snprintf(via, sizeof(via), "%s/sibling/package.json", t->dir);
	fd = open(via, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	close(fd);
	rq.named = path;
	assert_int_equal(pkg_dir_establish(&rq, &d, err, sizeof(err)), 0);
	assert_int_equal(d.place, PKG_DIR_LINKED);
	pkg_dir_release(&d);
	snprintf(via, sizeof(via), "%s/node_modules/b/sibling", t->dir); /* through the link */
	rq.named = via;
	assert_int_equal(pkg_dir_establish(&rq, &d, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "symbolic link"));
}

static void roots_and_words(void **state)
{
	struct tree *t = *state;
	const char *roots[] = { "/nonexistent-project", t->dir };
	struct pkg_dir d;
	char err[512], ws[128];

	snprintf(ws, sizeof(ws), "%s", t->dir);
	struct pkg_dir_request rq = {
		.roots = roots, .nroots = 2, .project_roots = 1, .named = ws, .named_by_manager = true,
	};
	assert_int_equal(pkg_dir_establish(&rq, &d, err, sizeof(err)), -EPERM); /* the global root itself */
	rq.named = t->a;
	assert_int_equal(pkg_dir_establish(&rq, &d, err, sizeof(err)), 0); /* a package under it */
	pkg_dir_release(&d);

	const char *one[] = { "/" };
	struct pkg_dir_request w = { .roots = one, .nroots = 1, .project_roots = 1, .named = t->dir };
	assert_int_equal(pkg_dir_establish(&w, &d, err, sizeof(err)), -EPERM); /* cwd only */
	w.named_by_manager = true;
	assert_int_equal(pkg_dir_establish(&w, &d, err, sizeof(err)), 0);
	assert_int_equal(d.place, PKG_DIR_WORKSPACE);
	pkg_dir_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layouts),
		cmocka_unit_test(named_by),
		cmocka_unit_test(places),
		cmocka_unit_test_setup_teardown(establish_real, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(establish_refused, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(roots_and_words, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(linked, tree_setup, tree_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
