/* test_pnpm_approvals.c — pnpm 12's build approvals as pnpm_approvals.c
 * reads them: allowBuilds keys with and without specs (true approves, false
 * and anything else do not), scoped names split at their last '@',
 * permissions taking precedence, onlyBuiltDependencies (ignored by pnpm 12)
 * approving nothing, unsafe names ignored, a malformed file an error, a
 * missing one an empty list, and --allow-build !NAME denying. Files are
 * written into a mkdtemp directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "pnpm_approvals.h"
#include "unit_helpers.h"

static char root[256];

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "%s/pkgguard-approvals-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	ut_rm_tree(root);
	return 0;
}

static size_t count(char **names)
{
	size_t n = 0;
	while (names && names[n])
		n++;
	return n;
}

static bool has(char **names, const char *name)
{
	for (size_t i = 0; names && names[i]; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

static void test_missing_is_empty(void **state)
{
	char **names = NULL;
	(void)state;
	assert_int_equal(pnpm_approvals_load(root, &names), 0);
	assert_non_null(names);
	assert_int_equal(count(names), 0);
	pnpm_approvals_free(names);
}

static void test_allow_builds(void **state)
{
	char **names = NULL;
	(void)state;
	ut_put(root, "pnpm-workspace.yaml",
	    "packages: []\n"
	    "allowBuilds:\n"
	    "  \"host-recorder@file:../tarballs/host-recorder-1.0.0.tgz\": true\n"
	    "  esbuild: true\n"
	    "  \"@scope/native@1.2.3\": true\n"
	    "  \"@scope/bare\": true\n"
	    "  evil@1.0.0: false\n"
	    "  quoted: \"true\"\n"
	    "  undecided: set this to true or false\n"
	    "  \"both@1.0.0\": true\n"
	    "  \"both@2.0.0\": false\n");
	assert_int_equal(pnpm_approvals_load(root, &names), 0);
	assert_true(has(names, "host-recorder"));
	assert_true(has(names, "esbuild"));
	assert_true(has(names, "@scope/native"));
	assert_true(has(names, "@scope/bare"));
	assert_false(has(names, "evil"));
	assert_false(has(names, "quoted"));
	assert_false(has(names, "undecided"));
	assert_false(has(names, "both")); /* one key denies: not approved */
	assert_int_equal(count(names), 4);
	pnpm_approvals_free(names);
}

static void test_permissions_take_precedence(void **state)
{
	char **names = NULL;
	(void)state;
	ut_put(root, "pnpm-workspace.yaml",
	    "allowBuilds:\n"
	    "  a@1.0.0: true\n"
	    "  b: false\n"
	    "  c: true\n"
	    "permissions:\n"
	    "  a@1.0.0:\n"
	    "    build: false\n"
	    "  b:\n"
	    "    build: true\n"
	    "  c:\n"
	    "    skills: [guide]\n");
	assert_int_equal(pnpm_approvals_load(root, &names), 0);
	assert_false(has(names, "a"));
	assert_true(has(names, "b"));
	assert_true(has(names, "c")); /* permissions say nothing of its build */
	assert_int_equal(count(names), 2);
	pnpm_approvals_free(names);
}

/* pnpm 12 reads neither (measured): they approve nothing. */
static void test_only_built_dependencies_ignored(void **state)
{
	char **names = NULL;
	(void)state;
	ut_put(root, "pnpm-workspace.yaml", "onlyBuiltDependencies:\n  - esbuild\n  - \"@s/a\"\n");
	ut_put(root, "package.json", "{ \"name\": \"p\", \"pnpm\": { \"onlyBuiltDependencies\": [\"sharp\"] } }\n");
	assert_int_equal(pnpm_approvals_load(root, &names), 0);
	assert_int_equal(count(names), 0);
	pnpm_approvals_free(names);
}

static void test_unsafe_names_ignored(void **state)
{
	char **names = NULL;
	(void)state;
	ut_put(root, "pnpm-workspace.yaml",
	    "allowBuilds:\n"
	    "  \"../../etc@1.0.0\": true\n"
	    "  \"rec-*\": true\n"
	    "  \"a/b/c\": true\n"
	    "  \"@@1.0.0\": true\n"
	    "  ok-name@1.0.0: true\n");
	assert_int_equal(pnpm_approvals_load(root, &names), 0);
	assert_int_equal(count(names), 1);
	assert_true(has(names, "ok-name"));
	pnpm_approvals_free(names);
}

static void test_malformed_is_error(void **state)
{
	char **names = (char **)1;
	(void)state;
	ut_put(root, "pnpm-workspace.yaml", "allowBuilds:\n  \"a@1.0.0\": [true\n");
	assert_true(pnpm_approvals_load(root, &names) < 0);
	assert_null(names);

	ut_put(root, "pnpm-workspace.yaml", "allowBuilds:\n  - a\n");
	assert_true(pnpm_approvals_load(root, &names) < 0);
	assert_null(names);

	ut_put(root, "pnpm-workspace.yaml", "- just\n- a list\n");
	assert_true(pnpm_approvals_load(root, &names) < 0);

	ut_put(root, "pnpm-workspace.yaml", "allowBuilds:\n  a: true\n---\nallowBuilds:\n  b: true\n");
	assert_true(pnpm_approvals_load(root, &names) < 0);
	assert_null(names);

	ut_put(root, "pnpm-workspace.yaml", "allowBuilds:\n  a: true\n");
	ut_put(root, "package.json", "{ \"name\": \"p\", ");
	assert_true(pnpm_approvals_load(root, &names) < 0);
	assert_null(names);
}

static void test_empty_sections(void **state)
{
	char **names = NULL;
	(void)state;
	ut_put(root, "pnpm-workspace.yaml", "");
	assert_int_equal(pnpm_approvals_load(root, &names), 0);
	assert_int_equal(count(names), 0);
	pnpm_approvals_free(names);
	ut_put(root, "pnpm-workspace.yaml", "allowBuilds:\npermissions: ~\n");
	assert_int_equal(pnpm_approvals_load(root, &names), 0);
	assert_int_equal(count(names), 0);
	pnpm_approvals_free(names);
}

static void test_allow_build_args(void **state)
{
	char **names = NULL;
	char *argv[] = { "pnpm", "add", "--allow-build", "!a@1.0.0", "--allow-build=!@s/b", "--allow-build=c",
			 "x", NULL };
	(void)state;
	ut_put(root, "pnpm-workspace.yaml", "allowBuilds:\n  a: true\n  \"@s/b\": true\n  d: true\n");
	assert_int_equal(pnpm_approvals_load(root, &names), 0);
	pnpm_approvals_apply_args(names, argv);
	assert_int_equal(count(names), 1);
	assert_true(has(names, "d"));
	assert_false(has(names, "c")); /* an approval on the command line is not followed */
	pnpm_approvals_free(names);
}

/* The pure half: the same rules from text. */
static void test_parse_from_text(void **state)
{
	static const char yaml[] = "allowBuilds:\n  esbuild: true\n  core-js: false\n"
				   "permissions:\n  sharp:\n    build: true\n  esbuild:\n    build: false\n";
	char **names;
	(void)state;
	assert_int_equal(pnpm_approvals_parse("t.yaml", yaml, strlen(yaml), &names), 0);
	assert_true(has(names, "sharp"));
	assert_false(has(names, "esbuild"));
	assert_false(has(names, "core-js"));
	pnpm_approvals_free(names);
	assert_int_equal(pnpm_approvals_parse("t.yaml", "a: [", 4, &names), -EINVAL);
	assert_null(names);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_missing_is_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_allow_builds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_permissions_take_precedence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_only_built_dependencies_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsafe_names_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_is_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_sections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_allow_build_args, setup, teardown),
		cmocka_unit_test(test_parse_from_text),
	};
	log_set_program("test_pnpm_approvals");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
