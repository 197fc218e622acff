/* test_pkgtree.c — the installed tree as pkgtree.c reads it: npm/yarn flat,
 * scoped and nested layouts, pnpm's store, names from the path (a lying
 * package.json changes nothing), unsafe names refused, links out of the
 * project recorded but not walked, implicit node-gyp, lockfile details,
 * optional packages, dependency order with a cycle; and the environment
 * replay gives a script. Trees are built by hand in a temporary directory. */
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

#include "log.h"
#include "env_vec.h"
#include "pkgtree.h"
#include "replay.h"
#include "unit_helpers.h"

static char root[256];

static void link_to(const char *target, const char *rel)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(symlink(target, path), 0);
}

static char *proj(void)
{
	static char p[300];
	snprintf(p, sizeof(p), "%s/proj", root);
	return p;
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/pkgguard-pkgtree.XXXXXX");
	assert_non_null(mkdtemp(root));
	/* realpath: /tmp may itself be a link. */
	char *real = realpath(root, NULL);
	snprintf(root, sizeof(root), "%s", real);
	free(real);
	ut_mkdirs(root, "proj");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ut_rm_tree(root);
	return 0;
}

static const struct pkg *by_name(const struct pkgtree *t, const char *name)
{
	const struct pkg *hit = NULL;
	for (size_t i = 0; i < t->n; i++) {
		if (strcmp(t->pkgs[i].name, name) == 0) {
			assert_null(hit); /* each package seen once */
			hit = &t->pkgs[i];
		}
	}
	return hit;
}

/* Position of name in the dependency order. */
static size_t pos(const struct pkgtree *t, const size_t *order, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t->pkgs[order[i]].name, name) == 0)
			return i;
	fail_msg("%s not in order", name);
	return 0;
}

static void test_flat_scoped_nested(void **state)
{
	(void)state;
	struct pkgtree t;
	size_t *order, n;
	ut_put(root, "proj/package.json", "{\"dependencies\":{\"a\":\"1\"}}");
	ut_put(root, "proj/node_modules/.package-lock.json", "{}");
	ut_put(root, "proj/node_modules/.bin/x", "");
	ut_put(root, "proj/node_modules/a/package.json",
	    "{\"name\":\"a\",\"version\":\"1.0.0\",\"dependencies\":{\"@s/b\":\"1\",\"c\":\"1\"},"
	    "\"scripts\":{\"postinstall\":\"echo a\",\"test\":\"x\"}}");
	ut_put(root, "proj/node_modules/@s/b/package.json", "{\"name\":\"@s/b\",\"version\":\"2.0.0\",\"scripts\":{\"install\":\"echo b\"}}");
	ut_put(root, "proj/node_modules/a/node_modules/c/package.json", "{\"name\":\"c\",\"version\":\"3.0.0\"}");
	ut_put(root, "proj/node_modules/c/package.json", "{\"name\":\"c\",\"version\":\"9.9.9\"}");
	ut_mkdirs(root, "proj/node_modules/not-a-package");
	assert_int_equal(pkgtree_load(proj(), &t), 0);
	assert_int_equal(t.n, 4);
	const struct pkg *a = by_name(&t, "a"), *b = by_name(&t, "@s/b");
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a->scripts[PKG_POSTINSTALL], "echo a");
	assert_null(a->scripts[PKG_INSTALL]);
	assert_string_equal(b->scripts[PKG_INSTALL], "echo b");
	assert_string_equal(b->version, "2.0.0");
	assert_int_equal(a->ndeps, 2);
	assert_int_equal(a->nedges, 2);
	/* a's c is its nested one (Node's resolution), not the top-level one. */
	char nested[PATH_MAX];
	snprintf(nested, sizeof(nested), "%s/node_modules/a/node_modules/c", proj());
	long c = pkgtree_find(&t, nested);
	assert_true(c >= 0);
	assert_string_equal(t.pkgs[c].version, "3.0.0");
	assert_string_equal(t.pkgs[c].lock_key, "node_modules/a/node_modules/c");
	assert_true(a->edges[0] == (size_t)c || a->edges[1] == (size_t)c);
	assert_int_equal(pkgtree_order(&t, &order, &n), 0);
	assert_int_equal(n, 4);
	assert_true(pos(&t, order, n, "@s/b") < pos(&t, order, n, "a"));
	for (size_t i = 0; i < n; i++)
		if (order[i] == (size_t)c)
			assert_true(i < pos(&t, order, n, "a"));
	free(order);
	pkgtree_free(&t);
}

static void test_pnpm_layout(void **state)
{
	(void)state;
	struct pkgtree t;
	size_t *order, n;
	ut_put(root, "proj/node_modules/.pnpm/x@1.0.0/node_modules/x/package.json",
	    "{\"name\":\"x\",\"version\":\"1.0.0\",\"dependencies\":{\"y\":\"2\"},\"scripts\":{\"postinstall\":\"echo x\"}}");
	ut_put(root, "proj/node_modules/.pnpm/y@2.0.0/node_modules/y/package.json", "{\"name\":\"y\",\"version\":\"2.0.0\"}");
	ut_put(root, "proj/node_modules/.pnpm/@s+z@1.0.0/node_modules/@s/z/package.json", "{\"name\":\"@s/z\",\"version\":\"1.0.0\"}");
	ut_put(root, "proj/node_modules/.pnpm/lock.yaml", "");
	ut_mkdirs(root, "proj/node_modules/.pnpm/node_modules");
	link_to("../../y@2.0.0/node_modules/y", "proj/node_modules/.pnpm/x@1.0.0/node_modules/y");
	link_to("../../x@1.0.0/node_modules/x", "proj/node_modules/.pnpm/node_modules/x");
	link_to(".pnpm/x@1.0.0/node_modules/x", "proj/node_modules/x");
	ut_mkdirs(root, "proj/node_modules/@s");
	link_to("../.pnpm/@s+z@1.0.0/node_modules/@s/z", "proj/node_modules/@s/z");
	assert_int_equal(pkgtree_load(proj(), &t), 0);
	assert_int_equal(t.n, 3);
	const struct pkg *x = by_name(&t, "x"), *z = by_name(&t, "@s/z");
	assert_non_null(x);
	assert_non_null(z);
	assert_non_null(strstr(x->dir, "/node_modules/.pnpm/x@1.0.0/node_modules/x"));
	assert_false(x->linked);
	assert_int_equal(x->nedges, 1);
	assert_string_equal(t.pkgs[x->edges[0]].name, "y");
	assert_int_equal(pkgtree_order(&t, &order, &n), 0);
	assert_int_equal(n, 3);
	assert_true(pos(&t, order, n, "y") < pos(&t, order, n, "x"));
	free(order);
	pkgtree_free(&t);
}

static void test_name_from_path(void **state)
{
	(void)state;
	struct pkgtree t;
	ut_put(root, "proj/node_modules/honest/package.json",
	    "{\"name\":\"esbuild\",\"version\":\"\\u001b[31mred\",\"scripts\":{\"postinstall\":\"echo x\"}}");
	ut_put(root, "proj/node_modules/same/package.json", "{\"name\":\"same\"}");
	assert_int_equal(pkgtree_load(proj(), &t), 0);
	assert_int_equal(t.n, 2);
	const struct pkg *h = by_name(&t, "honest");
	assert_non_null(h);
	assert_null(by_name(&t, "esbuild"));
	assert_true(h->name_differs);
	assert_string_equal(h->claimed_name, "esbuild");
	assert_string_equal(h->version, "\x1b[31mred"); /* reported as claimed */
	assert_false(by_name(&t, "same")->name_differs);
	pkgtree_free(&t);
}

static void test_unsafe_names(void **state)
{
	(void)state;
	struct pkgtree t;
	assert_true(pkgtree_name_ok("a"));
	assert_true(pkgtree_name_ok("@s/a"));
	assert_true(pkgtree_name_ok("a.b-c_d"));
	assert_false(pkgtree_name_ok(""));
	assert_false(pkgtree_name_ok(".."));
	assert_false(pkgtree_name_ok("../x"));
	assert_false(pkgtree_name_ok("@s/../../x"));
	assert_false(pkgtree_name_ok("a/b"));
	assert_false(pkgtree_name_ok("@s/a/b"));
	assert_false(pkgtree_name_ok("@/a"));
	assert_false(pkgtree_name_ok("@s/"));
	assert_false(pkgtree_name_ok(".hidden"));
	assert_false(pkgtree_name_ok("a\nb"));
	assert_false(pkgtree_name_ok("a\x1b"));
	assert_false(pkgtree_name_ok("/etc"));
	ut_put(root, "proj/node_modules/bad\x01name/package.json", "{\"scripts\":{\"postinstall\":\"echo bad\"}}");
	ut_put(root, "proj/node_modules/@s/ok\x1b[0m/package.json", "{}");
	ut_put(root, "proj/node_modules/.hidden/package.json", "{\"scripts\":{\"postinstall\":\"echo hidden\"}}");
	/* Dependency names from package.json must not walk out of the tree. */
	ut_put(root, "proj/outside/package.json", "{\"name\":\"outside\"}");
	ut_put(root, "proj/node_modules/dep/package.json",
	    "{\"dependencies\":{\"../../outside\":\"1\",\"@s/../../../outside\":\"1\",\"ok\":\"1\",\"x\\ny\":\"1\"}}");
	ut_put(root, "proj/node_modules/ok/package.json", "{}");
	assert_int_equal(pkgtree_load(proj(), &t), 0);
	assert_int_equal(t.n, 2);
	const struct pkg *d = by_name(&t, "dep");
	assert_non_null(d);
	assert_non_null(by_name(&t, "ok"));
	assert_int_equal(d->ndeps, 1);
	assert_string_equal(d->deps[0], "ok");
	assert_int_equal(d->nedges, 1);
	pkgtree_free(&t);
}

static void test_linked_not_walked(void **state)
{
	(void)state;
	struct pkgtree t;
	char target[PATH_MAX];
	ut_put(root, "elsewhere/lib/package.json", "{\"name\":\"lib\",\"version\":\"0.1.0\",\"scripts\":{\"install\":\"make\"}}");
	ut_put(root, "elsewhere/lib/node_modules/inner/package.json", "{\"scripts\":{\"postinstall\":\"echo inner\"}}");
	ut_mkdirs(root, "proj/node_modules");
	snprintf(target, sizeof(target), "%s/elsewhere/lib", root);
	link_to(target, "proj/node_modules/lib");
	link_to(target, "proj/node_modules/lib-again"); /* the same directory twice: seen once */
	link_to("/nonexistent/pkgguard", "proj/node_modules/dangling");
	assert_int_equal(pkgtree_load(proj(), &t), 0);
	assert_int_equal(t.n, 1);
	const struct pkg *l = &t.pkgs[0];
	assert_string_equal(l->name, "lib");
	assert_true(l->linked);
	assert_string_equal(l->dir, target);
	assert_string_equal(l->scripts[PKG_INSTALL], "make");
	assert_null(by_name(&t, "inner"));
	pkgtree_free(&t);
}

static void test_binding_gyp(void **state)
{
	(void)state;
	struct pkgtree t;
	ut_put(root, "proj/node_modules/g/package.json", "{\"scripts\":{\"postinstall\":\"echo post\"}}");
	ut_put(root, "proj/node_modules/g/binding.gyp", "{}");
	ut_put(root, "proj/node_modules/h/package.json", "{\"scripts\":{\"preinstall\":\"echo pre\"}}");
	ut_put(root, "proj/node_modules/h/binding.gyp", "{}");
	ut_put(root, "proj/node_modules/i/package.json", "{\"gypfile\":false}");
	ut_put(root, "proj/node_modules/i/binding.gyp", "{}");
	ut_put(root, "proj/node_modules/j/package.json", "{\"scripts\":{\"install\":\"make\"}}");
	ut_put(root, "proj/node_modules/j/binding.gyp", "{}");
	assert_int_equal(pkgtree_load(proj(), &t), 0);
	const struct pkg *g = by_name(&t, "g"), *h = by_name(&t, "h"), *i = by_name(&t, "i"), *j = by_name(&t, "j");
	assert_true(g->has_binding_gyp && g->implicit_install);
	assert_string_equal(g->scripts[PKG_INSTALL], "node-gyp rebuild");
	assert_string_equal(g->scripts[PKG_POSTINSTALL], "echo post");
	assert_true(h->has_binding_gyp && !h->implicit_install);
	assert_null(h->scripts[PKG_INSTALL]);
	assert_null(i->scripts[PKG_INSTALL]);
	assert_false(j->implicit_install);
	assert_string_equal(j->scripts[PKG_INSTALL], "make");
	pkgtree_free(&t);
}

static void test_cycle_and_order(void **state)
{
	(void)state;
	struct pkgtree t;
	size_t *order, n;
	ut_put(root, "proj/node_modules/p/package.json", "{\"dependencies\":{\"q\":\"1\"}}");
	ut_put(root, "proj/node_modules/q/package.json", "{\"dependencies\":{\"p\":\"1\",\"r\":\"1\"}}");
	ut_put(root, "proj/node_modules/r/package.json", "{\"dependencies\":{\"missing\":\"1\"}}");
	ut_put(root, "proj/node_modules/s/package.json", "{\"dependencies\":{\"s\":\"1\"}}"); /* itself */
	assert_int_equal(pkgtree_load(proj(), &t), 0);
	assert_int_equal(t.n, 4);
	assert_int_equal(pkgtree_order(&t, &order, &n), 0);
	assert_int_equal(n, 4);
	/* Each once; r before q; the cycle p<->q broken the same way every time. */
	assert_true(pos(&t, order, n, "r") < pos(&t, order, n, "q"));
	assert_true(pos(&t, order, n, "q") < pos(&t, order, n, "p"));
	size_t *again, n2;
	assert_int_equal(pkgtree_order(&t, &again, &n2), 0);
	assert_memory_equal(order, again, n * sizeof(*order));
	free(again);
	free(order);
	pkgtree_free(&t);
}

static void test_lockfile_and_optional(void **state)
{
	(void)state;
	struct pkgtree t;
	ut_put(root, "proj/package.json", "{\"dependencies\":{\"req\":\"1\"},\"optionalDependencies\":{\"opt\":\"1\"}}");
	ut_put(root, "proj/package-lock.json",
	    "{\"lockfileVersion\":3,\"packages\":{\"\":{},"
	    "\"node_modules/req\":{\"version\":\"1.0.0\",\"resolved\":\"https://r/req-1.0.0.tgz\",\"integrity\":\"sha512-abc\"},"
	    "\"node_modules/opt\":{\"version\":\"1.0.0\",\"optional\":true}}}");
	ut_put(root, "proj/node_modules/req/package.json", "{\"version\":\"1.0.0\",\"optionalDependencies\":{\"sub\":\"1\"},\"dependencies\":{\"both\":\"1\"}}");
	ut_put(root, "proj/node_modules/opt/package.json", "{\"dependencies\":{\"viaopt\":\"1\"}}");
	ut_put(root, "proj/node_modules/sub/package.json", "{}");
	ut_put(root, "proj/node_modules/viaopt/package.json", "{}");
	ut_put(root, "proj/node_modules/both/package.json", "{}");
	ut_put(root, "proj/node_modules/stray/package.json", "{}");
	assert_int_equal(pkgtree_load(proj(), &t), 0);
	assert_true(t.has_lockfile);
	const struct pkg *req = by_name(&t, "req");
	assert_string_equal(req->resolved, "https://r/req-1.0.0.tgz");
	assert_string_equal(req->integrity, "sha512-abc");
	assert_false(req->optional);
	assert_true(by_name(&t, "opt")->optional);
	assert_true(by_name(&t, "sub")->optional);
	assert_true(by_name(&t, "viaopt")->optional); /* only reached through opt */
	assert_false(by_name(&t, "both")->optional);
	assert_false(by_name(&t, "stray")->optional); /* extraneous: not excused */
	pkgtree_free(&t);
}

static void test_empty_and_missing(void **state)
{
	(void)state;
	struct pkgtree t;
	char missing[PATH_MAX];
	assert_int_equal(pkgtree_load(proj(), &t), 0); /* no node_modules */
	assert_int_equal(t.n, 0);
	pkgtree_free(&t);
	ut_put(root, "proj/node_modules/broken/package.json", "{ not json");
	assert_int_equal(pkgtree_load(proj(), &t), 0);
	assert_int_equal(t.n, 0);
	pkgtree_free(&t);
	snprintf(missing, sizeof(missing), "%s/none", root);
	assert_int_equal(pkgtree_load(missing, &t), -ENOENT);
}

static const char *get(char **env, const char *name)
{
	size_t n = strlen(name);
	for (; *env; env++)
		if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

static void test_replay_env(void **state)
{
	(void)state;
	struct pkgtree t;
	char want[4 * PATH_MAX];
	ut_put(root, "proj/package-lock.json",
	    "{\"packages\":{\"node_modules/a/node_modules/b\":{\"resolved\":\"file:b.tgz\",\"integrity\":\"sha512-x\"}}}");
	ut_put(root, "proj/node_modules/a/node_modules/b/package.json",
	    "{\"name\":\"liar\",\"version\":\"1.2.3\",\"scripts\":{\"install\":\"echo b\"}}");
	ut_put(root, "proj/node_modules/a/package.json", "{}");
	assert_int_equal(pkgtree_load(proj(), &t), 0);
	const struct pkg *b = by_name(&t, "b");
	assert_non_null(b);
	char *base[] = { "PATH=/usr/bin:/bin", "HOME=/root", "npm_package_name=outer", "INIT_CWD=/elsewhere",
			 "npm_lifecycle_event=test", NULL };
	char **env = replay_env(base, t.project, b, PKG_INSTALL, "/n/node-gyp.js", "/n/gyp-bin");
	assert_non_null(env);
	assert_string_equal(get(env, "npm_lifecycle_event"), "install");
	assert_string_equal(get(env, "npm_lifecycle_script"), "echo b");
	assert_string_equal(get(env, "npm_package_name"), "b"); /* the path's, not "liar" */
	assert_string_equal(get(env, "npm_package_version"), "1.2.3");
	assert_string_equal(get(env, "npm_package_resolved"), "file:b.tgz");
	assert_string_equal(get(env, "npm_package_integrity"), "sha512-x");
	assert_string_equal(get(env, "npm_config_node_gyp"), "/n/node-gyp.js");
	assert_string_equal(get(env, "INIT_CWD"), t.project);
	assert_string_equal(get(env, "HOME"), "/root");
	snprintf(want, sizeof(want), "%s/package.json", b->dir);
	assert_string_equal(get(env, "npm_package_json"), want);
	const char *p = t.project;
	snprintf(want, sizeof(want),
		 "%s/node_modules/a/node_modules/b/node_modules/.bin:%s/node_modules/a/node_modules/node_modules/.bin:"
		 "%s/node_modules/a/node_modules/.bin:%s/node_modules/node_modules/.bin:%s/node_modules/.bin:"
		 "/n/gyp-bin:/usr/bin:/bin", p, p, p, p, p);
	assert_string_equal(get(env, "PATH"), want);
	size_t count = 0;
	for (char **e = env; *e; e++)
		count += strncmp(*e, "npm_package_name=", 17) == 0 || strncmp(*e, "PATH=", 5) == 0;
	assert_int_equal(count, 2); /* replaced, not duplicated */
	env_free(env);
	/* A node_gyp the caller configured wins. */
	char *base2[] = { "npm_config_node_gyp=/mine.js", NULL };
	env = replay_env(base2, t.project, b, PKG_INSTALL, "/n/node-gyp.js", NULL);
	assert_string_equal(get(env, "npm_config_node_gyp"), "/mine.js");
	env_free(env);
	pkgtree_free(&t);
}

/* The pure half, from text: dependencies sorted and merged (optional when
 * any listing is), unsafe names dropped, npm's implicit gyp install. */
static void test_parse_manifest(void **state)
{
	static const char json[] =
		"{ \"name\": \"b\", \"version\": \"1.0.0\", \"scripts\": { \"postinstall\": \"node x\", \"install\": \"\" },"
		"  \"dependencies\": { \"zz\": \"1\", \"aa\": \"1\", \"../up\": \"1\", \"mm\": \"1\" },"
		"  \"optionalDependencies\": { \"mm\": \"1\", \"@s/o\": \"1\" } }";
	struct pkg p = { .name = (char *)"a", .dir = (char *)"/x/a", .has_binding_gyp = true };
	(void)state;
	assert_int_equal(pkgtree_parse_manifest(&p, json, strlen(json)), 0);
	assert_true(p.name_differs);
	assert_string_equal(p.version, "1.0.0");
	assert_string_equal(p.scripts[PKG_POSTINSTALL], "node x");
	assert_string_equal(p.scripts[PKG_INSTALL], "node-gyp rebuild"); /* the empty one is none */
	assert_true(p.implicit_install);
	assert_int_equal(p.ndeps, 4);
	assert_string_equal(p.deps[0], "@s/o");
	assert_string_equal(p.deps[1], "aa");
	assert_string_equal(p.deps[2], "mm");
	assert_string_equal(p.deps[3], "zz");
	assert_true(p.deps_optional[0] && !p.deps_optional[1] && p.deps_optional[2] && !p.deps_optional[3]);
	p.name = p.dir = NULL;
	pkgtree_pkg_free(&p);

	struct pkg q = { .name = (char *)"a", .dir = (char *)"/x/a" };
	assert_int_equal(pkgtree_parse_manifest(&q, "[1, 2]", 6), -EINVAL);
	assert_int_equal(pkgtree_parse_manifest(&q, "{\"name\": ", 9), -EINVAL);
	q.name = q.dir = NULL;
	pkgtree_pkg_free(&q);
}

int main(void)
{
	log_set_program("test_pkgtree");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_flat_scoped_nested, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pnpm_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_name_from_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsafe_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_linked_not_walked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_binding_gyp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cycle_and_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lockfile_and_optional, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_env, setup, teardown),
		cmocka_unit_test(test_parse_manifest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
