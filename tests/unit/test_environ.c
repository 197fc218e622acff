/* test_environ.c — the script's environment: keep, strip (wins, any case),
 * set (replaces), nothing malformed passes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "env_vec.h"
#include "environ.h"

static char *keep[] = { "PATH", "HOME", "LC_*", "npm_*", "GITHUB_TOKEN", NULL };
static char *strip[] = { "*TOKEN*", "*SECRET*", "AWS_*", "npm_config__auth*", "npm_config_//*", NULL };
static char *set[] = { "TMPDIR=/tmp", "HOME=/home/sandbox", NULL };

static struct policy policy(void)
{
	struct policy p;
	memset(&p, 0, sizeof(p));
	p.env_keep = (struct strlist){ keep, 5 };
	p.env_strip = (struct strlist){ strip, 5 };
	p.set_env = (struct strlist){ set, 2 };
	return p;
}

static const char *get(char **env, const char *name)
{
	size_t n = strlen(name);
	for (; *env; env++)
		if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

static void test_keep_strip_set(void **state)
{
	(void)state;
	struct policy p = policy();
	char *in[] = {
		"PATH=/usr/bin", "HOME=/root", "LC_ALL=C", "EDITOR=vi",
		"npm_lifecycle_event=postinstall", "npm_config__authToken=secret1",
		"npm_config_//registry.npmjs.org/:_authToken=secret2",
		"GITHUB_TOKEN=secret3", "npm_config_my_token=secret4", "AWS_SECRET_ACCESS_KEY=secret5",
		"noequals", "=novalue", NULL,
	};
	char **env = environ_build(&p, in);
	assert_non_null(env);
	assert_string_equal(get(env, "PATH"), "/usr/bin");
	assert_string_equal(get(env, "LC_ALL"), "C");
	assert_string_equal(get(env, "npm_lifecycle_event"), "postinstall");
	assert_string_equal(get(env, "TMPDIR"), "/tmp");
	assert_string_equal(get(env, "HOME"), "/home/sandbox"); /* set replaces */
	assert_null(get(env, "EDITOR"));                        /* not kept */
	assert_null(get(env, "npm_config__authToken"));         /* stripped although npm_* keeps it */
	assert_null(get(env, "npm_config_//registry.npmjs.org/:_authToken"));
	assert_null(get(env, "GITHUB_TOKEN"));                  /* strip wins over an explicit keep */
	assert_null(get(env, "npm_config_my_token"));           /* case-insensitive */
	assert_null(get(env, "AWS_SECRET_ACCESS_KEY"));
	for (char **e = env; *e; e++) {
		assert_non_null(strchr(*e, '='));
		assert_false((*e)[0] == '=');
		assert_null(strstr(*e, "secret"));
	}
	env_free(env);
}

static void test_is_secret(void **state)
{
	(void)state;
	struct policy p = policy();
	assert_true(environ_is_secret(&p, "NPM_TOKEN"));
	assert_true(environ_is_secret(&p, "my_secret_value"));
	assert_false(environ_is_secret(&p, "PATH"));
}

static void test_set_appends_and_replaces(void **state)
{
	(void)state;
	struct policy p = policy();
	char *in[] = { "PATH=/bin", NULL };
	char **env = environ_build(&p, in);
	assert_non_null(env);
	assert_int_equal(env_set(&env, "PATH=/usr/bin"), 0);
	assert_int_equal(env_set(&env, "NEW=1"), 0);
	assert_string_equal(get(env, "PATH"), "/usr/bin");
	assert_string_equal(get(env, "NEW"), "1");
	assert_int_not_equal(env_set(&env, "=bad"), 0);
	env_free(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keep_strip_set),
		cmocka_unit_test(test_is_secret),
		cmocka_unit_test(test_set_appends_and_replaces),
	};
	return cmocka_run_group_tests_name("environ", tests, NULL, NULL);
}
