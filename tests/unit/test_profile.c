/* test_profile.c — unit tests of the profile loader (sandbox/profile.c) and
 * of policy_print (sandbox/policy.c): expansion, path rules, inherit and
 * drop-ins, per-package overrides, and one test per kind of bad profile,
 * each checking the "FILE:LINE:" of its message and that no policy is
 * returned. Fixture profiles are written into a mkdtemp directory. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy.h"
#include "array_size.h"
#include "profile.h"
#include "unit_helpers.h"

struct fixture {
	char dir[64];         /* mkdtemp */
	char path[512];       /* scratch for file names */
	char err[1024];
	struct strlist search;
	struct profile_vars vars;
	struct policy *p;
};

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	strcpy(f->dir, "/tmp/pkgguard-test-profile-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->vars.pkg_dir = "/work/pkg";
	f->vars.project_dir = "/work";
	f->vars.home = "/home/u";
	f->vars.tmpdir = "/var/tmp";
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	policy_free(f->p);
	strlist_free(&f->search);
	ut_rm_tree(f->dir);
	free(f);
	return 0;
}

/* Writes DIR/name (name may contain one subdirectory) and returns its path
 * in f->path. */
static const char *write_file(struct fixture *f, const char *name, const char *text)
{
	const char *slash = strchr(name, '/');
	FILE *fp;

	if (slash) {
		snprintf(f->path, sizeof(f->path), "%s/%.*s", f->dir, (int)(slash - name), name);
		mkdir(f->path, 0755);
	}
	snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, name);
	fp = fopen(f->path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
	return f->path;
}

/* Puts DIR/sub on the search path (sub may be "" for DIR itself). */
static void search_add(struct fixture *f, const char *sub)
{
	char dir[512];

	snprintf(dir, sizeof(dir), "%s%s%s", f->dir, *sub ? "/" : "", sub);
	mkdir(dir, 0755);
	assert_int_equal(strlist_push(&f->search, dir), 0);
}

static int load(struct fixture *f, const char *what)
{
	policy_free(f->p);
	f->p = NULL;
	f->err[0] = '\0';
	return profile_load(what, &f->search, &f->vars, &f->p, f->err, sizeof(f->err));
}

/* Loads a one-file profile that must succeed. */
static void load_ok(struct fixture *f, const char *text)
{
	const char *path = write_file(f, "p.conf", text);

	if (load(f, path) != 0)
		fail_msg("unexpected error: %s", f->err);
	assert_non_null(f->p);
}

/* The message must start with "FILE:LINE: " and contain keyword; no policy. */
static void assert_error_at(struct fixture *f, int r, const char *file, unsigned line,
			    const char *keyword)
{
	char prefix[600];

	snprintf(prefix, sizeof(prefix), "%s/%s:%u: ", f->dir, file, line);
	if (r >= 0)
		fail_msg("loaded but must fail (expected \"%s\")", keyword);
	assert_null(f->p);
	if (strncmp(f->err, prefix, strlen(prefix)) != 0 || !strstr(f->err, keyword))
		fail_msg("message \"%s\" lacks prefix \"%s\" or \"%s\"", f->err, prefix, keyword);
	assert_null(strchr(f->err, '\n'));
}

/* ------------------------------------------------------------------ */
/* profile_expand                                                      */

static void test_expand_known(void **state)
{
	struct fixture *f = *state;
	char *out = NULL;

	assert_int_equal(profile_expand("${PKG_DIR}/a:${PROJECT_DIR}:${HOME}:${TMPDIR}", &f->vars, &out), 0);
	assert_string_equal(out, "/work/pkg/a:/work:/home/u:/var/tmp");
	free(out);
	/* A '$' without '{' is literal. */
	assert_int_equal(profile_expand("a$b$", &f->vars, &out), 0);
	assert_string_equal(out, "a$b$");
	free(out);
	f->vars.tmpdir = NULL; /* TMPDIR defaults like policy->tmpdir */
	assert_int_equal(profile_expand("${TMPDIR}", &f->vars, &out), 0);
	assert_string_equal(out, "/tmp");
	free(out);
}

static void test_expand_unknown(void **state)
{
	struct fixture *f = *state;
	char *out = NULL;

	assert_int_equal(profile_expand("${PKGDIR}/x", &f->vars, &out), -EINVAL);
	assert_int_equal(profile_expand("${}", &f->vars, &out), -EINVAL);
	assert_int_equal(profile_expand("${pkg_dir}", &f->vars, &out), -EINVAL);
	assert_null(out);
}

static void test_expand_unset(void **state)
{
	struct fixture *f = *state;
	char *out = NULL;

	f->vars.project_dir = NULL;
	assert_int_equal(profile_expand("${PROJECT_DIR}/.npmrc", &f->vars, &out), -ENOENT);
	assert_null(out);
}

static void test_expand_malformed(void **state)
{
	struct fixture *f = *state;
	char *out = NULL;

	assert_int_equal(profile_expand("${PKG_DIR", &f->vars, &out), -EINVAL);
	assert_int_equal(profile_expand("/a/${", &f->vars, &out), -EINVAL);
	assert_null(out);
}

/* ------------------------------------------------------------------ */
/* Search path                                                         */

static void test_search_path(void **state)
{
	struct strlist l = { 0 };

	(void)state;
	char err[256];

	setenv("PKGGUARD_PROFILE_PATH", ":a::b:", 1);
	assert_int_equal(profile_search_path("cli", true, &l, err, sizeof(err)), 0);
	assert_int_equal(l.n, 5);
	assert_string_equal(l.v[0], "cli");
	assert_string_equal(l.v[1], "a");
	assert_string_equal(l.v[2], "b");
	assert_string_equal(l.v[3], "/etc/pkgguard/profiles.d");
	assert_non_null(strstr(l.v[4], "/share/pkgguard/profiles"));
	strlist_free(&l);
	/* Where the working directory may be a package's: relative refused. */
	assert_int_equal(profile_search_path(NULL, false, &l, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "relative entry \"a\""));
	assert_int_equal(l.n, 0);
	setenv("PKGGUARD_PROFILE_PATH", "/abs:rel", 1);
	assert_int_equal(profile_search_path(NULL, false, &l, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "\"rel\""));
	assert_int_equal(profile_search_path("cli", false, &l, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--profiles"));
	setenv("PKGGUARD_PROFILE_PATH", "/abs", 1);
	assert_int_equal(profile_search_path("/cli", false, &l, err, sizeof(err)), 0);
	assert_int_equal(l.n, 4);
	strlist_free(&l);
	unsetenv("PKGGUARD_PROFILE_PATH");
	assert_int_equal(profile_search_path(NULL, false, &l, err, sizeof(err)), 0);
	assert_int_equal(l.n, 2);
	strlist_free(&l);
}

/* ------------------------------------------------------------------ */
/* Good profiles                                                       */

static void test_defaults(void **state)
{
	struct fixture *f = *state;

	load_ok(f, "# nothing but defaults\n");
	assert_int_equal(f->p->network, NETWORK_NONE);
	assert_string_equal(f->p->hostname, "pkgguard");
	assert_int_equal(f->p->limits.timeout_s, 900);
	assert_int_equal(f->p->limits.nproc, 1024);
	assert_int_equal(f->p->limits.nofile, 4096);
	assert_int_equal(f->p->limits.fsize_mb, 2048);
	assert_int_equal(f->p->limits.data_mb, 8192);
	assert_int_equal(f->p->limits.as_mb, 0);
	assert_int_equal(f->p->limits.cpu_s, 0);
	assert_int_equal(f->p->limits.tmp_mb, 1024);
	assert_int_equal(f->p->limits.shm_mb, 64);
	assert_int_equal(f->p->limits.home_mb, 64);
	assert_int_equal(f->p->read_only.n, 0);
	assert_null(f->p->package);
	assert_null(f->p->override_source);
}

static const char full_profile[] =
	"version = 1;\n"
	"description = \"full\";\n"
	"network = \"host\";\n"
	"hostname = \"build-box\";\n"
	"filesystem = {\n"
	"  read_only = [ \"/usr\", \"//etc/./\" ];\n"
	"  read_only_optional = [ \"/lib64\", \"${PROJECT_DIR}\" ];\n"
	"  read_write = [ \"${PKG_DIR}/\", \"${TMPDIR}/build\" ];\n"
	"  home_read_only = [ \"${HOME}/.gitconfig\" ];\n"
	"  hidden = [ \"/etc/shadow\", \"${PROJECT_DIR}/.npmrc\" ];\n"
	"};\n"
	"environment = {\n"
	"  keep = [ \"PATH\", \"LC_*\" ];\n"
	"  strip = [ \"*TOKEN*\" ];\n"
	"  set = [ \"TMPDIR=/tmp\", \"OUT=${PKG_DIR}/out\", \"GONE=${PROJECT_DIR}\" ];\n"
	"};\n"
	"limits = { timeout = 60; nproc = 10; as_mb = 5000000000L; };\n"
	"seccomp = { deny = [ \"acct\", \"swapon\" ]; };\n";

static void test_full_profile(void **state)
{
	struct fixture *f = *state;
	struct policy *p;

	f->vars.project_dir = NULL; /* its entries are dropped */
	load_ok(f, full_profile);
	p = f->p;
	assert_string_equal(p->name, "p");
	assert_string_equal(p->source, f->path);
	assert_int_equal(p->network, NETWORK_HOST);
	assert_string_equal(p->hostname, "build-box");
	assert_int_equal(p->read_only.n, 2);
	assert_string_equal(p->read_only.v[1], "/etc"); /* normalised */
	assert_int_equal(p->read_only_optional.n, 1);
	assert_int_equal(p->read_write.n, 2);
	assert_string_equal(p->read_write.v[0], "/work/pkg");
	assert_string_equal(p->read_write.v[1], "/var/tmp/build");
	assert_string_equal(p->home_read_only.v[0], "/home/u/.gitconfig");
	assert_int_equal(p->hidden.n, 1);
	assert_true(strlist_has(&p->env_keep, "LC_*"));
	assert_true(strlist_has(&p->env_strip, "*TOKEN*"));
	assert_int_equal(p->set_env.n, 2);
	assert_string_equal(p->set_env.v[1], "OUT=/work/pkg/out");
	assert_int_equal(p->limits.timeout_s, 60);
	assert_int_equal(p->limits.nproc, 10);
	assert_int_equal(p->limits.as_mb, 5000000000ULL);
	assert_int_equal(p->limits.nofile, 4096); /* untouched default */
	assert_int_equal(p->seccomp_deny_extra.n, 2);
	assert_string_equal(p->pkg_dir, "/work/pkg");
	assert_null(p->project_dir);
	assert_string_equal(p->home, "/home/u");
	assert_string_equal(p->tmpdir, "/var/tmp");
}

static void test_normalise(void **state)
{
	struct fixture *f = *state;

	load_ok(f, "filesystem = { read_only = [ \"//usr/./lib/\", \"/usr/lib\", \"/opt//x/.\", \"/srv/\", \"/srv/.\" ]; };\n");
	assert_int_equal(f->p->read_only.n, 3); /* duplicates after normalising removed */
	assert_string_equal(f->p->read_only.v[0], "/usr/lib");
	assert_string_equal(f->p->read_only.v[1], "/opt/x");
	assert_string_equal(f->p->read_only.v[2], "/srv");
}

static void test_home_unset_drops_home_entries(void **state)
{
	struct fixture *f = *state;

	f->vars.home = NULL;
	load_ok(f, "filesystem = { home_read_only = [ \"${HOME}/.gitconfig\", \"/root/.npmrc\" ]; };\n");
	assert_int_equal(f->p->home_read_only.n, 0);
	assert_null(f->p->home);
	assert_string_equal(f->p->tmpdir, "/var/tmp");
}

static void test_inherit_append_override(void **state)
{
	struct fixture *f = *state;

	search_add(f, "d");
	write_file(f, "d/base.conf",
		   "network = \"host\";\n"
		   "filesystem = { read_only = [ \"/usr\", \"/etc\" ]; };\n"
		   "environment = { keep = [ \"PATH\" ]; set = [ \"TMPDIR=/tmp\", \"A=1\" ]; };\n"
		   "limits = { timeout = 10; nproc = 20; };\n");
	write_file(f, "d/child.conf",
		   "inherit = \"base\";\n"
		   "network = \"none\";\n"
		   "filesystem = { read_only = [ \"/etc\", \"/opt\" ]; };\n"
		   "environment = { keep = [ \"PATH\", \"npm_*\" ]; set = [ \"TMPDIR=/scratch\" ]; };\n"
		   "limits = { nproc = 30; };\n");
	if (load(f, "child") != 0)
		fail_msg("%s", f->err);
	assert_string_equal(f->p->name, "child");
	assert_non_null(strstr(f->p->source, "/d/child.conf"));
	assert_int_equal(f->p->network, NETWORK_NONE);         /* scalar overridden */
	assert_int_equal(f->p->read_only.n, 3);                /* appended, no duplicate */
	assert_string_equal(f->p->read_only.v[2], "/opt");
	assert_int_equal(f->p->env_keep.n, 2);
	assert_int_equal(f->p->set_env.n, 2);                  /* NAME replaced in place */
	assert_string_equal(f->p->set_env.v[0], "TMPDIR=/scratch");
	assert_int_equal(f->p->limits.timeout_s, 10);          /* limits one by one */
	assert_int_equal(f->p->limits.nproc, 30);
}

static void test_dropin_extends_same_name(void **state)
{
	struct fixture *f = *state;

	search_add(f, "etc");
	search_add(f, "share");
	write_file(f, "share/npm.conf", "filesystem = { read_only = [ \"/usr\" ]; };\nhostname = \"shipped\";\n");
	write_file(f, "etc/npm.conf", "inherit = \"npm\";\nfilesystem = { hidden = [ \"/srv/secret\" ]; };\n");
	if (load(f, "npm") != 0)
		fail_msg("%s", f->err);
	assert_string_equal(f->p->name, "npm");
	assert_non_null(strstr(f->p->source, "/etc/npm.conf"));
	assert_string_equal(f->p->read_only.v[0], "/usr");
	assert_string_equal(f->p->hidden.v[0], "/srv/secret");
	assert_string_equal(f->p->hostname, "shipped");
	/* Given as a file, the drop-in still finds the shipped one after it. */
	snprintf(f->path, sizeof(f->path), "%s/etc/npm.conf", f->dir);
	if (load(f, f->path) != 0)
		fail_msg("%s", f->err);
	assert_string_equal(f->p->hostname, "shipped");
}

static void test_dropin_without_base_not_found(void **state)
{
	struct fixture *f = *state;

	/* The same directory twice must not make a file inherit itself. */
	search_add(f, "etc");
	search_add(f, "etc");
	write_file(f, "etc/npm.conf", "\ninherit = \"npm\";\n");
	assert_error_at(f, load(f, "npm"), "etc/npm.conf", 2, "not found");
}

static void test_inherit_cycle(void **state)
{
	struct fixture *f = *state;

	search_add(f, "");
	write_file(f, "a.conf", "inherit = \"b\";\n");
	write_file(f, "b.conf", "# b\ninherit = \"a\";\n");
	assert_int_equal(load(f, "a"), -ELOOP);
	assert_error_at(f, -ELOOP, "b.conf", 2, "inherit cycle");
}

static void test_inherit_depth(void **state)
{
	struct fixture *f = *state;
	char name[32], text[64];

	search_add(f, "");
	for (int i = 1; i <= 9; i++) {
		snprintf(name, sizeof(name), "c%d.conf", i);
		snprintf(text, sizeof(text), "inherit = \"c%d\";\n", i + 1);
		write_file(f, name, i == 9 ? "\n" : text);
	}
	if (load(f, "c2") != 0) /* 8 files: fine */
		fail_msg("%s", f->err);
	assert_error_at(f, load(f, "c1"), "c8.conf", 1, "deeper than 8");
}

static void test_missing_profile(void **state)
{
	struct fixture *f = *state;

	search_add(f, "one");
	search_add(f, "two");
	assert_int_equal(load(f, "nosuch"), -ENOENT);
	assert_null(f->p);
	assert_non_null(strstr(f->err, "not found"));
	assert_non_null(strstr(f->err, "/one, "));
	assert_non_null(strstr(f->err, "/two"));
	assert_int_equal(load(f, ".hidden"), -EINVAL);
	assert_non_null(strstr(f->err, "bad profile name"));
	assert_true(load(f, "/nonexistent/x.conf") < 0);
	assert_non_null(strstr(f->err, "/nonexistent/x.conf: cannot read"));
}

/* ------------------------------------------------------------------ */
/* Per-package overrides                                               */

static const char packages_profile[] =
	"network = \"none\";\n"
	"packages = (\n"
	"  { name = \"esbuild\";\n"
	"    network = \"host\"; },\n"
	"  { name = \"@types/*\";\n"
	"    limits = { timeout = 5; };\n"
	"    filesystem = { read_only = [ \"/srv/types\" ]; }; }\n"
	");\n";

static void test_package_override_applied(void **state)
{
	struct fixture *f = *state;
	char src[600];

	f->vars.package = "esbuild";
	load_ok(f, packages_profile);
	assert_int_equal(f->p->network, NETWORK_HOST);
	assert_string_equal(f->p->package, "esbuild");
	snprintf(src, sizeof(src), "%s:3", f->path);
	assert_string_equal(f->p->override_source, src);
	assert_int_equal(f->p->limits.timeout_s, 900);
}

static void test_package_override_other_name(void **state)
{
	struct fixture *f = *state;

	f->vars.package = "esbuild-wasm";
	load_ok(f, packages_profile);
	assert_int_equal(f->p->network, NETWORK_NONE);
	assert_null(f->p->package);
	assert_null(f->p->override_source);
	assert_int_equal(f->p->read_only.n, 0);
}

static void test_package_override_glob(void **state)
{
	struct fixture *f = *state;

	f->vars.package = "@types/node";
	load_ok(f, packages_profile);
	assert_int_equal(f->p->network, NETWORK_NONE);
	assert_int_equal(f->p->limits.timeout_s, 5);
	assert_string_equal(f->p->read_only.v[0], "/srv/types");
	assert_string_equal(f->p->package, "@types/node");
}

/* The identity check: asked with the entry's pins; a "no" leaves the
 * override out and says why, naming the entry. */
static char seen_integrity[64], seen_version[64];
static int identity_answer;
static int fake_identity(void *ctx, const char *integrity, const char *version, char *why, size_t whylen)
{
	(void)ctx;
	snprintf(seen_integrity, sizeof(seen_integrity), "%s", integrity ? integrity : "(none)");
	snprintf(seen_version, sizeof(seen_version), "%s", version ? version : "(none)");
	snprintf(why, whylen, "directory name \"esbuild\" but package.json names \"evil\"");
	return identity_answer;
}

static void test_package_override_identity(void **state)
{
	struct fixture *f = *state;
	static const char pinned[] =
		"packages = ( { name = \"esbuild\"; integrity = \"sha512-AAAA\"; version = \"0.25.0\";\n"
		"               network = \"host\"; } );\n";

	f->vars.package = "esbuild";
	f->vars.identity_check = fake_identity;
	identity_answer = 0;
	load_ok(f, pinned);
	assert_int_equal(f->p->network, NETWORK_NONE);
	assert_null(f->p->override_source);
	assert_null(f->p->package);
	assert_non_null(f->p->override_refused);
	assert_non_null(strstr(f->p->override_refused, "packages[esbuild]"));
	assert_non_null(strstr(f->p->override_refused, "\"evil\""));
	assert_string_equal(seen_integrity, "sha512-AAAA");
	assert_string_equal(seen_version, "0.25.0");
	identity_answer = 1;
	load_ok(f, pinned);
	assert_int_equal(f->p->network, NETWORK_HOST);
	assert_null(f->p->override_refused);
	f->vars.identity_check = NULL;
}

static void test_package_override_chain_order(void **state)
{
	struct fixture *f = *state;

	search_add(f, "");
	write_file(f, "base.conf", "packages = ( { name = \"*\"; hostname = \"parent\"; } );\n");
	write_file(f, "top.conf",
		   "inherit = \"base\";\nhostname = \"top\";\n"
		   "packages = ( { name = \"x*\"; hostname = \"child\"; } );\n");
	f->vars.package = "xyz";
	if (load(f, "top") != 0)
		fail_msg("%s", f->err);
	assert_string_equal(f->p->hostname, "child"); /* parents' entries first */
	assert_non_null(strstr(f->p->override_source, "/top.conf:3"));
	f->vars.package = "abc";
	if (load(f, "top") != 0)
		fail_msg("%s", f->err);
	assert_string_equal(f->p->hostname, "parent"); /* entries after every file */
	assert_non_null(strstr(f->p->override_source, "/base.conf:1"));
}

/* ------------------------------------------------------------------ */
/* Bad profiles: each its own message, at its own line                 */

struct bad_case {
	const char *text;
	unsigned line;
	const char *keyword;
};

static const struct bad_case bad_cases[] = {
	{ "version = 1;\nnetwork = = \"none\";\n", 2, "syntax error" },
	{ "version = 1;\nnetwrok = \"none\";\n", 2, "unknown key \"netwrok\"" },
	{ "filesystem = {\n  read_olny = [ \"/usr\" ];\n};\n", 2, "unknown key \"filesystem.read_olny\"" },
	{ "environment = { keep = [ ]; strip = [ ];\n sett = [ ]; };\n", 2, "unknown key \"environment.sett\"" },
	{ "limits = {\n timeout = 1;\n procs = 3;\n};\n", 3, "unknown key \"limits.procs\"" },
	{ "seccomp = { allow = [ ]; };\n", 1, "unknown key \"seccomp.allow\"" },
	{ "packages = (\n { name = \"x\";\n   netwrok = \"host\"; }\n);\n", 3, "unknown key \"packages[x].netwrok\"" },
	{ "packages = (\n { name = \"x\";\n   filesystem = { rw = [ ]; }; }\n);\n", 3, "unknown key \"packages[x].filesystem.rw\"" },
	{ "\nnetwork = 3;\n", 2, "network: wrong type" },
	{ "filesystem = {\n read_only = \"/usr\";\n};\n", 2, "filesystem.read_only: wrong type" },
	{ "filesystem = {\n read_only = [ 1, 2 ];\n};\n", 2, "filesystem.read_only[0]: wrong type" },
	{ "filesystem = [ \"/usr\" ];\n", 1, "filesystem: wrong type" },
	{ "limits = {\n nproc = -1;\n};\n", 2, "limits.nproc: negative value" },
	{ "limits = {\n nproc = 1.5;\n};\n", 2, "limits.nproc: wrong type" },
	{ "limits = {\n timeout = \"1h\";\n};\n", 2, "limits.timeout: wrong type" },
	{ "limits = { timeout = 5000000000L; };\n", 1, "too large" },
	{ "network = \"maybe\";\n", 1, "unknown value \"maybe\"" },
	{ "hostname = \"bad host\";\n", 1, "bad hostname" },
	{ "filesystem = { read_only = [\n \"/usr\",\n \"${PKGDIR}/x\" ]; };\n", 3, "unknown variable ${PKGDIR}" },
	{ "filesystem = { hidden = [ \"${PKG_DIR\" ]; };\n", 1, "unterminated" },
	{ "environment = { set = [ \"A=${NOPE}\" ]; };\n", 1, "unknown variable ${NOPE}" },
	{ "filesystem = { read_only = [ \"usr/lib\" ]; };\n", 1, "relative path" },
	{ "filesystem = { read_write = [ \"${PKG_DIR}/../other\" ]; };\n", 1, "\"..\" in path" },
	{ "filesystem = { read_write = [ \"/\" ]; };\n", 1, "\"/\" cannot be writable" },
	{ "filesystem = { hidden = [ \"//\" ]; };\n", 1, "\"/\" cannot be hidden" },
	{ "filesystem = { read_write = [ \"/usr/\" ]; };\n", 1, "must not be writable" },
	{ "filesystem = { read_write = [ \"/proc\" ]; };\n", 1, "must not be writable" },
	{ "filesystem = { read_write = [ \"${HOME}\" ]; };\n", 1, "contains $HOME" },
	{ "filesystem = { read_write = [ \"/home/u/..\" ]; };\n", 1, "\"..\"" },
	{ "filesystem = { read_write = [ \"/home\" ]; };\n", 1, "must not be writable" },
	{ "filesystem = { read_write = [ \"/usr/lib\" ]; };\n", 1, "must not be writable" },
	{ "filesystem = { read_write = [ \"/usr/local/bin\" ]; };\n", 1, "must not be writable" },
	{ "filesystem = { read_write = [ \"/etc/ssh\" ]; };\n", 1, "must not be writable" },
	{ "filesystem = { read_write = [ \"${HOME}/.ssh/keys\" ]; };\n", 1, "must not be writable" },
	{ "filesystem = { read_only = [ \"/\" ]; };\n", 1, "cannot be shown" },
	{ "filesystem = { read_only_optional = [ \"/.\" ]; };\n", 1, "cannot be shown" },
	{ "filesystem = { home_read_only = [ \"/etc/passwd\" ]; };\n", 1, "not under $HOME" },
	{ "filesystem = { home_read_only = [ \"${HOME}\" ]; };\n", 1, "not under $HOME" },
	{ "\n\ninherit = \"nosuch\";\n", 3, "profile \"nosuch\" not found (searched:" },
	{ "inherit = \"../etc/x\";\n", 1, "bad profile name" },
	{ "inherit = 1;\n", 1, "inherit: wrong type" },
	{ "seccomp = { deny = [ \"acct\",\n \"no_such_syscall\" ]; };\n", 2, "unknown syscall \"no_such_syscall\"" },
	{ "environment = { set = [ \"NOEQUALS\" ]; };\n", 1, "bad set entry" },
	{ "environment = { set = [ \"1X=a\" ]; };\n", 1, "bad set entry" },
	{ "environment = { set = [ \"=a\" ]; };\n", 1, "bad set entry" },
	{ "environment = { keep = [ \"\" ]; };\n", 1, "bad variable name pattern" },
	{ "packages = (\n { name = \"a*\"; },\n { name = \"a*\"; }\n);\n", 3, "duplicate package pattern \"a*\"" },
	{ "packages = (\n { network = \"host\"; }\n);\n", 2, "missing required key \"name\"" },
	{ "packages = (\n { name = \"\"; }\n);\n", 2, "empty package name" },
	{ "packages = { name = \"x\"; };\n", 1, "packages: wrong type" },
	{ "packages = ( \"x\" );\n", 1, "packages[0]: wrong type" },
	{ "version = 2;\n", 1, "unsupported version 2" },
	{ "version = \"1\";\n", 1, "version: wrong type" },
	{ "description = 3;\n", 1, "description: wrong type" },
	{ "hostname = \"x\";\n@include \"other.conf\"\n", 2, "@include is not allowed" },
};

static void test_bad_profiles(void **state)
{
	struct fixture *f = *state;

	search_add(f, "");
	write_file(f, "other.conf", "network = \"none\";\n");
	f->vars.package = "x";
	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const char *path = write_file(f, "bad.conf", bad_cases[i].text);

		assert_error_at(f, load(f, path), "bad.conf", bad_cases[i].line, bad_cases[i].keyword);
	}
}

/* An entry for another package is checked all the same. */
static void test_bad_entry_for_other_package(void **state)
{
	struct fixture *f = *state;
	const char *path;

	path = write_file(f, "bad.conf", "packages = (\n { name = \"other\";\n   limits = { nproc = -5; }; }\n);\n");
	f->vars.package = "mine";
	assert_error_at(f, load(f, path), "bad.conf", 3, "negative value");
	f->vars.package = NULL;
	assert_error_at(f, load(f, path), "bad.conf", 3, "negative value");
}

/* The error is reported in the parent file that has it. */
static void test_bad_parent(void **state)
{
	struct fixture *f = *state;

	search_add(f, "");
	write_file(f, "parent.conf", "\nfilesystem = { read_only = [ \"rel\" ]; };\n");
	write_file(f, "kid.conf", "inherit = \"parent\";\n");
	assert_error_at(f, load(f, "kid"), "parent.conf", 2, "relative path");
}

/* ------------------------------------------------------------------ */
/* policy_print                                                        */

/* Prints p without its leading comment lines (they name the source). */
static char *print_body(const struct policy *p)
{
	char *buf = NULL, *body;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	assert_non_null(m);
	policy_print(p, m);
	assert_int_equal(fclose(m), 0);
	body = buf;
	while (*body == '#' && strchr(body, '\n'))
		body = strchr(body, '\n') + 1;
	body = strdup(body);
	assert_non_null(body);
	free(buf);
	return body;
}

static void test_print_reloads_identically(void **state)
{
	struct fixture *f = *state;
	char *first, *second;
	FILE *fp;

	load_ok(f, full_profile);
	/* A value needing escapes must survive the round trip. */
	assert_int_equal(strlist_push(&f->p->set_env, "Q=a\"b\\c\td"), 0);
	first = print_body(f->p);
	snprintf(f->path, sizeof(f->path), "%s/printed.conf", f->dir);
	fp = fopen(f->path, "w");
	assert_non_null(fp);
	policy_print(f->p, fp);
	assert_int_equal(fclose(fp), 0);
	if (load(f, f->path) != 0)
		fail_msg("printed policy does not re-check: %s", f->err);
	assert_string_equal(f->p->set_env.v[f->p->set_env.n - 1], "Q=a\"b\\c\td");
	second = print_body(f->p);
	assert_string_equal(first, second);
	free(first);
	free(second);
}

static void test_print_header(void **state)
{
	struct fixture *f = *state;
	char *buf = NULL;
	size_t len = 0;
	FILE *m;

	f->vars.package = "esbuild";
	load_ok(f, packages_profile);
	m = open_memstream(&buf, &len);
	assert_non_null(m);
	policy_print(f->p, m);
	assert_int_equal(fclose(m), 0);
	assert_non_null(strstr(buf, "# profile:  p\n"));
	assert_non_null(strstr(buf, "# package override: esbuild ("));
	assert_non_null(strstr(buf, "# PKG_DIR:     /work/pkg\n"));
	assert_non_null(strstr(buf, "network = \"host\";\n"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_expand_known),
		T(test_expand_unknown),
		T(test_expand_unset),
		T(test_expand_malformed),
		T(test_search_path),
		T(test_defaults),
		T(test_full_profile),
		T(test_normalise),
		T(test_home_unset_drops_home_entries),
		T(test_inherit_append_override),
		T(test_dropin_extends_same_name),
		T(test_dropin_without_base_not_found),
		T(test_inherit_cycle),
		T(test_inherit_depth),
		T(test_missing_profile),
		T(test_package_override_applied),
		T(test_package_override_other_name),
		T(test_package_override_glob),
		T(test_package_override_identity),
		T(test_package_override_chain_order),
		T(test_bad_profiles),
		T(test_bad_entry_for_other_package),
		T(test_bad_parent),
		T(test_print_reloads_identically),
		T(test_print_header),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
