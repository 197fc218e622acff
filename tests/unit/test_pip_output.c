/* test_pip_output.c — what a PEP 517 hook returns, checked before pip acts
 * on it: requirements that are URLs, paths or options are refused (and
 * plain ones with specifiers and markers pass); a prepared METADATA whose
 * Requires-Dist names a URL (also on a continuation line) is refused, its
 * description is not looked at; returned names with a '/' or ".." are
 * refused; metadata_directory is the one input.json named before the hook
 * ran. A mkdtemp directory stands in for pip's control directory. */
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

#include "pip_output.h"

static char root[PATH_MAX], control[PATH_MAX + 16], meta[PATH_MAX + 16];
static char why[512];

static void put(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX * 2];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	char tmpl[] = "/tmp/pkgguard-pipout-XXXXXX", input[PATH_MAX * 2];

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	assert_non_null(realpath(tmpl, root));
	snprintf(control, sizeof(control), "%s/ctl", root);
	snprintf(meta, sizeof(meta), "%s/meta", root);
	mkdir(control, 0755);
	mkdir(meta, 0755);
	snprintf(input, sizeof(input), "{ \"kwargs\": { \"metadata_directory\": \"%s\" } }", meta);
	put(control, "input.json", input);
	return 0;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

/* check(HOOK, OUTPUT_JSON) */
static int check(const char *hook, const char *output)
{
	struct pip_output po;
	int r;

	assert_int_equal(pip_output_open(&po, hook, control, why, sizeof(why)), 0);
	put(control, "output.json", output);
	why[0] = '\0';
	r = pip_output_check(&po, why, sizeof(why));
	pip_output_close(&po);
	return r;
}

static void test_requirements(void **state)
{
	(void)state;
	assert_false(pip_output_requirement_refused("setuptools>=40.8"));
	assert_false(pip_output_requirement_refused("wheel; python_version >= \"3.8\""));
	assert_false(pip_output_requirement_refused("cffi[extra]~=1.15"));
	assert_true(pip_output_requirement_refused("x @ https://h/x.tar.gz?data=1"));
	assert_true(pip_output_requirement_refused("x@https://h/x.tar.gz"));
	assert_true(pip_output_requirement_refused("https://h/x.tar.gz"));
	assert_true(pip_output_requirement_refused("./vendor/x"));
	assert_true(pip_output_requirement_refused("/tmp/x.whl"));
	assert_true(pip_output_requirement_refused(" --index-url=http://h/"));
	assert_int_equal(check("get_requires_for_build_wheel", "{ \"return_val\": [ \"setuptools\", \"wheel\" ] }"), 0);
	assert_int_equal(check("get_requires_for_build_wheel", "{ \"return_val\": [ \"wheel\", \"x @ http://h/?d=1\" ] }"),
			 -EPERM);
	assert_non_null(strstr(why, "x @ http://h/?d=1"));
	assert_int_equal(check("get_requires_for_build_sdist", "{ \"return_val\": \"x @ http://h/\" }"), -EPERM);
	assert_int_equal(check("get_requires_for_build_wheel", "{ \"unsupported\": true, \"return_val\": null }"), 0);
	/* separators and NUL in a returned requirement (JSON \u0000 reads on past C's end) */
	assert_true(pip_output_requirement_refused("six\rexfil @ http://h/"));
	assert_true(pip_output_requirement_refused("six\x0b"));
	assert_true(pip_output_requirement_refused("six\xe2\x80\xa8"));
	assert_int_equal(check("get_requires_for_build_wheel", "{ \"return_val\": [ \"six\\u0000x @ http://h/\" ] }"),
			 -EPERM);
}

static void test_metadata(void **state)
{
	char di[PATH_MAX * 2];

	(void)state;
	snprintf(di, sizeof(di), "%s/p-1.0.dist-info", meta);
	mkdir(di, 0755);
	put(di, "METADATA", "Metadata-Version: 2.1\nName: p\nVersion: 1.0\nRequires-Dist: six (>=1.0)\n\n"
			    "Docs: see x @ https://example.org/ or /usr/share/doc\n");
	assert_int_equal(check("prepare_metadata_for_build_wheel", "{ \"return_val\": \"p-1.0.dist-info\" }"), 0);
	put(di, "METADATA", "Metadata-Version: 2.1\nName: p\nRequires-Dist: exfil @ http://h/x?d=1\n");
	assert_int_equal(check("prepare_metadata_for_build_wheel", "{ \"return_val\": \"p-1.0.dist-info\" }"), -EPERM);
	assert_non_null(strstr(why, "Requires-Dist"));
	put(di, "METADATA", "Metadata-Version: 2.1\nName: p\nrequires-dist: six\n  ; extra == 'a' @ http://h/\n");
	assert_int_equal(check("prepare_metadata_for_build_wheel", "{ \"return_val\": \"p-1.0.dist-info\" }"), -EPERM);
	/* line breaks Python's email.parser honours and a '\n' split does not:
	 * a header hidden behind them is a header to pip */
	{
		static const char *const hidden[] = { "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\xc2\x85",
						      "\xe2\x80\xa8", "\xe2\x80\xa9", "\x85" };
		char md[256];

		for (size_t i = 0; i < sizeof(hidden) / sizeof(*hidden); i++) {
			snprintf(md, sizeof(md),
				 "Metadata-Version: 2.1\nName: pgurl%sRequires-Dist: exfil @ http://h/x\nVersion: 1.0\n",
				 hidden[i]);
			put(di, "METADATA", md);
			assert_int_equal(check("prepare_metadata_for_build_wheel", "{ \"return_val\": \"p-1.0.dist-info\" }"),
					 -EPERM);
			assert_non_null(strstr(why, "line break"));
		}
		/* NUL: C stops there, Python reads on (written with its length) */
		static const char nul[] = "Metadata-Version: 2.1\nSummary: a\0b\nRequires-Dist: exfil @ http://h/x\n";
		char path[PATH_MAX * 3];
		FILE *f;

		snprintf(path, sizeof(path), "%s/METADATA", di);
		f = fopen(path, "w");
		assert_non_null(f);
		fwrite(nul, 1, sizeof(nul) - 1, f);
		fclose(f);
		assert_int_equal(check("prepare_metadata_for_build_wheel", "{ \"return_val\": \"p-1.0.dist-info\" }"),
				 -EPERM);
		/* a CRLF description in the body and UTF-8 in headers are fine */
		put(di, "METADATA", "Metadata-Version: 2.1\nName: p\nAuthor: \xc5\x81ukasz \xc4\x85\n\nline\r\nline\x0b\n");
		assert_int_equal(check("prepare_metadata_for_build_wheel", "{ \"return_val\": \"p-1.0.dist-info\" }"), 0);
		/* a Requires-Dist longer than the check's buffer */
		char longmd[2200];

		snprintf(longmd, sizeof(longmd), "Name: p\nRequires-Dist: x%01500d @ http://h/\n", 0);
		put(di, "METADATA", longmd);
		assert_int_equal(check("prepare_metadata_for_build_wheel", "{ \"return_val\": \"p-1.0.dist-info\" }"),
				 -EPERM);
	}
	/* a name outside the metadata directory */
	assert_int_equal(check("prepare_metadata_for_build_wheel", "{ \"return_val\": \"../ctl\" }"), -EPERM);
	assert_int_equal(check("prepare_metadata_for_build_wheel", "{ \"return_val\": \"..\" }"), -EPERM);
}

static void test_names(void **state)
{
	(void)state;
	assert_int_equal(check("build_wheel", "{ \"return_val\": \"p-1.0-py3-none-any.whl\" }"), 0);
	assert_int_equal(check("build_wheel", "{ \"return_val\": \"../../home/u/.bashrc\" }"), -EPERM);
	assert_int_equal(check("build_sdist", "{ \"return_val\": \"/etc/passwd\" }"), -EPERM);
	assert_int_equal(check("build_wheel", "[ 1 ]"), -EINVAL);
}

static void test_egg_info(void **state)
{
	char egg[PATH_MAX * 2], info[PATH_MAX * 3];
	struct pip_output po;

	(void)state;
	snprintf(egg, sizeof(egg), "%s/egg", root);
	snprintf(info, sizeof(info), "%s/p.egg-info", egg);
	mkdir(egg, 0755);
	mkdir(info, 0755);
	put(info, "requires.txt", "six>=1.0\n\n[tests]\npytest\n");
	assert_int_equal(pip_output_open_egg_base(&po, egg, why, sizeof(why)), 0);
	assert_int_equal(pip_output_check(&po, why, sizeof(why)), 0);
	put(info, "requires.txt", "six>=1.0\n[extra]\nexfil @ https://h/x.tar.gz?d=1\n");
	assert_int_equal(pip_output_check(&po, why, sizeof(why)), -EPERM);
	assert_non_null(strstr(why, "exfil @ https://h/x.tar.gz?d=1"));
	/* pip (splitlines) sees a section header then an unconditional URL */
	put(info, "requires.txt", "six\n[:python_version > \"0\"]\rexfil @ http://h/x\n");
	assert_int_equal(pip_output_check(&po, why, sizeof(why)), -EPERM);
	put(info, "requires.txt", "six\n[x] exfil @ http://h/x\n");
	assert_int_equal(pip_output_check(&po, why, sizeof(why)), -EPERM);
	put(info, "requires.txt", "six\n[a]b]\n");
	assert_int_equal(pip_output_check(&po, why, sizeof(why)), -EPERM);
	put(info, "requires.txt", "six\n[x:python_version > \"3\"]  \nwheel\n");
	assert_int_equal(pip_output_check(&po, why, sizeof(why)), 0);
	put(info, "requires.txt", "six\n\x85" "exfil @ http://h/x\n");
	assert_int_equal(pip_output_check(&po, why, sizeof(why)), -EPERM);
	pip_output_close(&po);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_requirements),
		cmocka_unit_test(test_metadata),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_egg_info),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
