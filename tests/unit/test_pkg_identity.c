/* test_pkg_identity.c — pkg_identity_agrees() and the registry-name parser:
 * a genuine package agrees; an alias (package.json, npm's lockfile "name",
 * a resolved URL of another package), a file: or git source, a pnpm store
 * directory of a file: tarball, a yarn.lock alias, a stale lockfile entry,
 * and pins that do not hold do not; a package.json that is a symlink or too
 * big is not read. Projects live in a mkdtemp directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pkg_identity.h"

static char root[PATH_MAX];
static char why[512];

static void put(const char *rel, const char *text)
{
	char path[PATH_MAX * 2], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (slash = strchr(path + strlen(root) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void drop(const char *rel)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	unlink(path);
}

static int setup(void **state)
{
	char tmpl[] = "/tmp/pkgguard-identity-XXXXXX";

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	assert_non_null(realpath(tmpl, root));
	return 0;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

/* agrees(REL_PKG_DIR, DIR_NAME, ENV, INTEGRITY, VERSION) */
static int agrees(const char *rel, const char *name, char *const *env, const char *integrity,
		  const char *version)
{
	char dir[PATH_MAX * 2];
	struct pkg_identity_in in = { .pkg_dir = dir, .pkg_dir_fd = -1, .project_dir = root, .dir_name = name,
				      .envp = env };

	snprintf(dir, sizeof(dir), "%s/%s", root, rel);
	why[0] = '\0';
	return pkg_identity_agrees(&in, integrity, version, why, sizeof(why));
}

static void test_registry_name(void **state)
{
	char n[256];

	(void)state;
	assert_int_equal(pkg_identity_registry_name("https://registry.npmjs.org/evil/-/evil-1.0.0.tgz", n, sizeof(n)), 0);
	assert_string_equal(n, "evil");
	assert_int_equal(pkg_identity_registry_name("https://registry.npmjs.org/@s/n/-/n-1.0.0.tgz", n, sizeof(n)), 0);
	assert_string_equal(n, "@s/n");
	assert_int_equal(pkg_identity_registry_name("https://r.example/@s%2fn/-/n-1.0.0.tgz#abc", n, sizeof(n)), 0);
	assert_string_equal(n, "@s/n");
	assert_int_equal(pkg_identity_registry_name("http://h/api/npm/remote/puppeteer/-/puppeteer-2.0.0.tgz", n, sizeof(n)), 0);
	assert_string_equal(n, "puppeteer");
	/* not registry tarballs */
	assert_int_equal(pkg_identity_registry_name("file:../evil-1.0.0.tgz", n, sizeof(n)), -EINVAL);
	assert_int_equal(pkg_identity_registry_name("git+ssh://git@github.com/a/b.git#abc", n, sizeof(n)), -EINVAL);
	assert_int_equal(pkg_identity_registry_name("https://codeload.github.com/a/b/tar.gz/abc", n, sizeof(n)), -EINVAL);
	/* the file must be the name's own tarball */
	assert_int_equal(pkg_identity_registry_name("https://r/puppeteer/-/evil-1.0.0.tgz", n, sizeof(n)), -EINVAL);
	assert_int_equal(pkg_identity_registry_name("https://r/puppeteer/-/x/puppeteer-1.tgz", n, sizeof(n)), -EINVAL);
}

static void test_genuine(void **state)
{
	char json[PATH_MAX + 64], agent[] = "npm_config_user_agent=npm/11.0.0 node/v20",
	     res[] = "npm_package_resolved=https://registry.npmjs.org/puppeteer/-/puppeteer-2.0.0.tgz";
	char *none[] = { NULL }, *env[] = { agent, json, res, NULL };

	(void)state;
	snprintf(json, sizeof(json), "npm_package_json=%s/node_modules/puppeteer/package.json", root);
	put("node_modules/puppeteer/package.json", "{ \"name\": \"puppeteer\", \"version\": \"2.0.0\" }");
	assert_int_equal(agrees("node_modules/puppeteer", "puppeteer", env, NULL, NULL), 1);
	assert_int_equal(agrees("node_modules/puppeteer", "puppeteer", env, NULL, "2.0.0"), 1);
	assert_int_equal(agrees("node_modules/puppeteer", "puppeteer", env, NULL, "2.0.1"), 0);
	assert_non_null(strstr(why, "pinned to version 2.0.1"));
	/* nothing records an integrity: a pin cannot hold */
	assert_int_equal(agrees("node_modules/puppeteer", "puppeteer", env, "sha512-AAAA", NULL), 0);
	assert_non_null(strstr(why, "no lockfile"));
	/* nothing records where it came from: the names alone do not agree */
	assert_int_equal(agrees("node_modules/puppeteer", "puppeteer", none, NULL, NULL), 0);
	assert_non_null(strstr(why, "nothing records"));
}

static void test_manifest_alias(void **state)
{
	char *env[] = { NULL };

	(void)state;
	put("node_modules/puppeteer/package.json", "{ \"name\": \"evil\", \"version\": \"1.0.0\" }");
	assert_int_equal(agrees("node_modules/puppeteer", "puppeteer", env, NULL, NULL), 0);
	assert_non_null(strstr(why, "\"puppeteer\""));
	assert_non_null(strstr(why, "\"evil\""));
}

static void test_npm_env(void **state)
{
	char json[PATH_MAX + 64], res_evil[] = "npm_package_resolved=https://registry.npmjs.org/evil/-/evil-1.0.0.tgz",
	     res_ok[] = "npm_package_resolved=https://registry.npmjs.org/puppeteer/-/puppeteer-2.0.0.tgz",
	     res_file[] = "npm_package_resolved=file:../liar.tgz", agent[] = "npm_config_user_agent=npm/11.0.0 node/v20",
	     pnpm_agent[] = "npm_config_user_agent=pnpm/12.0.0", integ[] = "npm_package_integrity=sha512-GOOD";

	(void)state;
	put("node_modules/puppeteer/package.json", "{ \"name\": \"puppeteer\", \"version\": \"2.0.0\" }");
	snprintf(json, sizeof(json), "npm_package_json=%s/node_modules/puppeteer/package.json", root);
	char *evil[] = { agent, json, res_evil, NULL };
	assert_int_equal(agrees("node_modules/puppeteer", "puppeteer", evil, NULL, NULL), 0);
	assert_non_null(strstr(why, "registry package \"evil\""));
	char *file[] = { agent, json, res_file, NULL };
	assert_int_equal(agrees("node_modules/puppeteer", "puppeteer", file, NULL, NULL), 0);
	assert_non_null(strstr(why, "not a registry tarball"));
	char *ok[] = { agent, json, res_ok, integ, NULL };
	assert_int_equal(agrees("node_modules/puppeteer", "puppeteer", ok, "sha512-GOOD", NULL), 1);
	/* a package.json rewritten to the pinned version (by an earlier
	 * script): the tarball npm fetched says otherwise */
	char res_next[] = "npm_package_resolved=https://registry.npmjs.org/puppeteer/-/puppeteer-2.0.1.tgz";
	char *rewritten[] = { agent, json, res_next, NULL };
	assert_int_equal(agrees("node_modules/puppeteer", "puppeteer", rewritten, NULL, "2.0.0"), 0);
	assert_non_null(strstr(why, "not the version 2.0.0"));
	assert_int_equal(agrees("node_modules/puppeteer", "puppeteer", ok, "sha512-OTHER", NULL), 0);
	assert_non_null(strstr(why, "pinned to integrity"));
	/* another package manager maps package.json fields to npm_package_*:
	 * not evidence there */
	char *pnpm[] = { pnpm_agent, json, res_evil, NULL };
	assert_int_equal(agrees("node_modules/puppeteer", "puppeteer", pnpm, NULL, NULL), 0);
	assert_non_null(strstr(why, "nothing records"));
}

static void test_npm_lock(void **state)
{
	char *env[] = { NULL };

	(void)state;
	put("node_modules/puppeteer/package.json", "{ \"name\": \"puppeteer\", \"version\": \"2.0.0\" }");
	put("package-lock.json", "{ \"packages\": { \"node_modules/puppeteer\": { \"name\": \"evil\", \"version\": "
				 "\"2.0.0\", \"resolved\": \"https://registry.npmjs.org/evil/-/evil-2.0.0.tgz\" } } }");
	assert_int_equal(agrees("node_modules/puppeteer", "puppeteer", env, NULL, NULL), 0);
	assert_non_null(strstr(why, "\"evil\""));
	put("package-lock.json", "{ \"packages\": { \"node_modules/puppeteer\": { \"version\": \"1.0.0\" } } }");
	assert_int_equal(agrees("node_modules/puppeteer", "puppeteer", env, NULL, NULL), 0);
	assert_non_null(strstr(why, "version 1.0.0"));
	put("package-lock.json", "{ \"packages\": { \"node_modules/puppeteer\": { \"version\": \"2.0.0\", \"resolved\": "
				 "\"https://registry.npmjs.org/puppeteer/-/puppeteer-2.0.0.tgz\", \"integrity\": \"sha512-GOOD\" } } }");
	assert_int_equal(agrees("node_modules/puppeteer", "puppeteer", env, "sha512-GOOD", "2.0.0"), 1);
	assert_int_equal(agrees("node_modules/puppeteer", "puppeteer", env, "sha512-BAD", NULL), 0);
	drop("package-lock.json");
}

static void test_pnpm_store(void **state)
{
	char *env[] = { NULL };

	(void)state;
	put("node_modules/.pnpm/file+..+liar.tgz/node_modules/puppeteer/package.json",
	    "{ \"name\": \"puppeteer\", \"version\": \"6.6.6\" }");
	assert_int_equal(agrees("node_modules/.pnpm/file+..+liar.tgz/node_modules/puppeteer", "puppeteer", env, NULL, NULL), 0);
	assert_non_null(strstr(why, "not from a registry"));
	put("node_modules/.pnpm/@s+n@1.2.3_peer/node_modules/@s/n/package.json", "{ \"name\": \"@s/n\", \"version\": \"1.2.3\" }");
	assert_int_equal(agrees("node_modules/.pnpm/@s+n@1.2.3_peer/node_modules/@s/n", "@s/n", env, NULL, NULL), 1);
}

static void test_yarn_lock(void **state)
{
	char *env[] = { NULL };

	(void)state;
	put("node_modules/puppeteer/package.json", "{ \"name\": \"puppeteer\", \"version\": \"1.0.0\" }");
	put("yarn.lock", "# yarn lockfile v1\n\n\n\"puppeteer@npm:evil@1\":\n  version \"1.0.0\"\n"
			 "  resolved \"https://registry.yarnpkg.com/evil/-/evil-1.0.0.tgz#abc\"\n  integrity sha512-X\n");
	assert_int_equal(agrees("node_modules/puppeteer", "puppeteer", env, NULL, NULL), 0);
	assert_non_null(strstr(why, "\"evil\""));
	put("yarn.lock", "other@^1:\n  version \"1.0.0\"\n\npuppeteer@^1.0.0, puppeteer@1:\n  version \"1.0.0\"\n"
			 "  resolved \"https://registry.yarnpkg.com/puppeteer/-/puppeteer-1.0.0.tgz#abc\"\n  integrity sha512-Y\n");
	assert_int_equal(agrees("node_modules/puppeteer", "puppeteer", env, "sha512-Y", NULL), 1);
	assert_int_equal(agrees("node_modules/puppeteer", "puppeteer", env, "sha512-X", NULL), 0);
	put("yarn.lock", "");
}

/* A registry-shaped tarball URL counts only from the registry configured
 * for the name: a dependency can declare
 * "puppeteer": "https://attacker.example/puppeteer/-/puppeteer-2.0.0.tgz". */
static void test_registry_origin(void **state)
{
	char json[PATH_MAX + 64], agent[] = "npm_config_user_agent=npm/11.0.0 node/v20",
	     attacker[] = "npm_package_resolved=https://attacker.example/puppeteer/-/puppeteer-2.0.0.tgz",
	     userinfo[] = "npm_package_resolved=https://registry.npmjs.org@attacker.example/puppeteer/-/puppeteer-2.0.0.tgz",
	     dotdot[] = "npm_package_resolved=http://127.0.0.1:4873/r/../x/puppeteer/-/puppeteer-2.0.0.tgz",
	     deflt[] = "npm_package_resolved=https://registry.npmjs.org/puppeteer/-/puppeteer-2.0.0.tgz",
	     local[] = "npm_package_resolved=http://127.0.0.1:4873/r/puppeteer/-/puppeteer-2.0.0.tgz",
	     otherport[] = "npm_package_resolved=http://127.0.0.1:4874/r/puppeteer/-/puppeteer-2.0.0.tgz",
	     reg[] = "npm_config_registry=http://127.0.0.1:4873/r", yarnreg[] = "npm_config_registry=https://registry.yarnpkg.com";

	(void)state;
	put("node_modules/puppeteer/package.json", "{ \"name\": \"puppeteer\", \"version\": \"2.0.0\" }");
	snprintf(json, sizeof(json), "npm_package_json=%s/node_modules/puppeteer/package.json", root);
	char *e1[] = { agent, json, attacker, NULL };
	assert_int_equal(agrees("node_modules/puppeteer", "puppeteer", e1, NULL, NULL), 0);
	assert_non_null(strstr(why, "not the registry configured"));
	char *e2[] = { agent, json, userinfo, NULL };
	assert_int_equal(agrees("node_modules/puppeteer", "puppeteer", e2, NULL, NULL), 0);
	/* the default (npm 11 exports no npm_config_registry for it) */
	char *e3[] = { agent, json, deflt, NULL };
	assert_int_equal(agrees("node_modules/puppeteer", "puppeteer", e3, NULL, NULL), 1);
	/* a configured registry (no trailing '/'): it counts, the default does not */
	char *e4[] = { agent, json, reg, local, NULL };
	assert_int_equal(agrees("node_modules/puppeteer", "puppeteer", e4, NULL, NULL), 1);
	char *e5[] = { agent, json, reg, deflt, NULL };
	assert_int_equal(agrees("node_modules/puppeteer", "puppeteer", e5, NULL, NULL), 0);
	char *e6[] = { agent, json, reg, otherport, NULL };
	assert_int_equal(agrees("node_modules/puppeteer", "puppeteer", e6, NULL, NULL), 0);
	char *e7[] = { agent, json, reg, dotdot, NULL };
	assert_int_equal(agrees("node_modules/puppeteer", "puppeteer", e7, NULL, NULL), 0);
	char *e8[] = { agent, json, local, NULL };
	assert_int_equal(agrees("node_modules/puppeteer", "puppeteer", e8, NULL, NULL), 0);
	/* yarn classic's default: registry.yarnpkg.com, the same registry */
	char *e9[] = { agent, json, yarnreg, deflt, NULL };
	assert_int_equal(agrees("node_modules/puppeteer", "puppeteer", e9, NULL, NULL), 1);
	/* a lockfile's record is held to it as well */
	char *none[] = { NULL };
	put("package-lock.json", "{ \"packages\": { \"node_modules/puppeteer\": { \"version\": \"2.0.0\", \"resolved\": "
				 "\"https://attacker.example/puppeteer/-/puppeteer-2.0.0.tgz\" } } }");
	assert_int_equal(agrees("node_modules/puppeteer", "puppeteer", none, NULL, NULL), 0);
	drop("package-lock.json");
	put("yarn.lock", "puppeteer@https://attacker.example/puppeteer/-/puppeteer-2.0.0.tgz:\n  version \"2.0.0\"\n"
			 "  resolved \"https://attacker.example/puppeteer/-/puppeteer-2.0.0.tgz#abc\"\n");
	assert_int_equal(agrees("node_modules/puppeteer", "puppeteer", none, NULL, NULL), 0);
	put("yarn.lock", "puppeteer@^2:\n  version \"2.0.0\"\n"
			 "  resolved \"https://registry.yarnpkg.com/puppeteer/-/puppeteer-2.0.0.tgz#abc\"\n");
	char *e10[] = { yarnreg, NULL };
	assert_int_equal(agrees("node_modules/puppeteer", "puppeteer", e10, NULL, NULL), 1);
	put("yarn.lock", "");
	/* a scope's own registry */
	char sjson[PATH_MAX + 64], sreg[] = "npm_config_@s:registry=https://corp.example/npm/",
	     sres[] = "npm_package_resolved=https://corp.example/npm/@s/n/-/n-1.0.0.tgz",
	     sdef[] = "npm_package_resolved=https://registry.npmjs.org/@s/n/-/n-1.0.0.tgz";

	put("node_modules/@s/n/package.json", "{ \"name\": \"@s/n\", \"version\": \"1.0.0\" }");
	snprintf(sjson, sizeof(sjson), "npm_package_json=%s/node_modules/@s/n/package.json", root);
	char *s1[] = { agent, sjson, sreg, sres, NULL };
	assert_int_equal(agrees("node_modules/@s/n", "@s/n", s1, NULL, NULL), 1);
	char *s2[] = { agent, sjson, sreg, sdef, NULL };
	assert_int_equal(agrees("node_modules/@s/n", "@s/n", s2, NULL, NULL), 0);
	char *s3[] = { agent, sjson, sres, NULL };
	assert_int_equal(agrees("node_modules/@s/n", "@s/n", s3, NULL, NULL), 0);
	char *s4[] = { agent, sjson, sdef, NULL };
	assert_int_equal(agrees("node_modules/@s/n", "@s/n", s4, NULL, NULL), 1);
}

static void test_hostile_manifest(void **state)
{
	char *env[] = { NULL }, path[PATH_MAX * 2], *big;
	size_t n = PKG_IDENTITY_MANIFEST_MAX + 16;

	(void)state;
	put("real.json", "{ \"name\": \"puppeteer\" }");
	put("node_modules/link/x", "");
	snprintf(path, sizeof(path), "%s/node_modules/link/package.json", root);
	assert_int_equal(symlink("../../real.json", path), 0);
	assert_int_equal(agrees("node_modules/link", "puppeteer", env, NULL, NULL), 0);
	assert_non_null(strstr(why, "no readable package.json"));
	big = malloc(n + 1);
	assert_non_null(big);
	memset(big, ' ', n);
	memcpy(big, "{ \"name\": \"puppeteer\" }", 23);
	big[n] = '\0';
	put("node_modules/big/package.json", big);
	free(big);
	assert_int_equal(agrees("node_modules/big", "puppeteer", env, NULL, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry_name),
		cmocka_unit_test(test_genuine),
		cmocka_unit_test(test_manifest_alias),
		cmocka_unit_test(test_npm_env),
		cmocka_unit_test(test_npm_lock),
		cmocka_unit_test(test_pnpm_store),
		cmocka_unit_test(test_yarn_lock),
		cmocka_unit_test(test_registry_origin),
		cmocka_unit_test(test_hostile_manifest),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
