/* test_common.c — the helpers in common/ that every program shares: the
 * package identity from a path (the sandbox, the CLI and the daemon name a
 * package by this one rule), the atomic file writer, string lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "array_size.h"
#include "atomic_file.h"
#include "package_name.h"
#include "strlist.h"

/* ------------------------------------------------------------------ */
/* package identity                                                    */

static void test_package_name_cases(void **state)
{
	static const struct {
		const char *path;
		const char *name; /* NULL: no package (-ENOENT) */
	} rows[] = {
		{ "/p/node_modules/left-pad", "left-pad" },
		{ "/p/node_modules/left-pad/", "left-pad" },          /* trailing slash */
		{ "/p/node_modules/left-pad/lib/x", "left-pad" },     /* below the package */
		{ "/p/node_modules/@s/x", "@s/x" },                   /* scoped */
		{ "/p/node_modules/@s/x/", "@s/x" },
		{ "/p/node_modules/@s/x/lib", "@s/x" },
		{ "/p/node_modules/.pnpm/a@1.0.0/node_modules/a", "a" },
		{ "/p/node_modules/.pnpm/@s+x@1.0.0/node_modules/@s/x", "@s/x" },
		{ "/p/node_modules/a/node_modules/b", "b" },          /* nested: the innermost */
		{ "/p/node_modules/a/node_modules/@s/b/src", "@s/b" },
		{ "/p/node_modules/a/node_modules/", "a" },           /* a's own node_modules */
		{ "/p/node_modules/a/node_modules", "a" },
		{ "node_modules/a", "a" },                            /* relative */
		{ "/p", NULL },                                       /* the project */
		{ "/p/src", NULL },
		{ "/", NULL },
		{ "", NULL },
		{ "/p/node_modules", NULL },
		{ "/p/node_modules/", NULL },
		{ "/p/node_modules/.pnpm", NULL },                    /* the package manager's */
		{ "/p/node_modules/.pnpm/a@1.0.0", NULL },
		{ "/p/node_modules/.bin", NULL },
		{ "/p/node_modules/@s", NULL },                       /* a scope alone */
		{ "/p/node_modules/@s/", NULL },
		{ "/p/node_modules/@/x", NULL },
		{ "/p/node_modules//a", NULL },
		{ "/p/my_node_modules/a", NULL },                     /* not the component */
		{ "/p/node_modules/@s/.hidden", NULL },
	};
	char b[64];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		int r = package_name_from_path(rows[i].path, b, sizeof(b));
		if (rows[i].name) {
			if (r != 0 || strcmp(b, rows[i].name) != 0)
				fail_msg("%s: got %d \"%s\", want \"%s\"", rows[i].path, r, r ? "" : b, rows[i].name);
		} else if (r != -ENOENT) {
			fail_msg("%s: got %d, want -ENOENT (no package)", rows[i].path, r);
		}
	}
}

static void test_package_name_refuses(void **state)
{
	char b[8];

	(void)state;
	assert_int_equal(package_name_from_path("/p/node_modules/a\nb", b, sizeof(b)), -EINVAL);
	assert_int_equal(package_name_from_path("/p/node_modules/\x1b[2J", b, sizeof(b)), -EINVAL);
	assert_int_equal(package_name_from_path("/p/node_modules/abcdefgh", b, sizeof(b)), -ENAMETOOLONG);
	assert_int_equal(package_name_from_path("/p/node_modules/abcdefg", b, sizeof(b)), 0);
}

/* ------------------------------------------------------------------ */
/* atomic_file                                                         */

struct dir_fixture {
	char dir[64];
	char path[128];
};

static int dir_setup(void **state)
{
	struct dir_fixture *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/pkgguard-common.XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/out.json", f->dir);
	*state = f;
	return 0;
}

static int dir_teardown(void **state)
{
	struct dir_fixture *f = *state;
	DIR *d = opendir(f->dir);
	struct dirent *e;
	char p[512];

	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(p, sizeof(p), "%s/%s", f->dir, e->d_name);
			unlink(p);
		}
	if (d)
		closedir(d);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* The entries of dir other than . and .. */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	while (d && (e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	return n;
}

static void read_back(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	ssize_t n = read(fd, buf, len - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
}

static void test_atomic_replace_writes_and_replaces(void **state)
{
	struct dir_fixture *f = *state;
	struct stat st;
	char buf[64];

	assert_int_equal(atomic_file_replace(f->path, "first\n", 6, 0644), 0);
	read_back(f->path, buf, sizeof(buf));
	assert_string_equal(buf, "first\n");
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(atomic_file_replace(f->path, "2", 1, 0600), 0);
	read_back(f->path, buf, sizeof(buf));
	assert_string_equal(buf, "2");
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(entries(f->dir), 1); /* no temporary file left */
}

/* Pieces are written whole and in order; an aborted replacement leaves the
 * old file and nothing else. */
static void test_atomic_pieces_and_abort(void **state)
{
	struct dir_fixture *f = *state;
	struct atomic_file a;
	char buf[64];

	assert_int_equal(atomic_file_replace(f->path, "old", 3, 0644), 0);
	assert_int_equal(atomic_file_open(&a, f->path), 0);
	assert_int_equal(atomic_file_write(&a, "ne", 2), 0);
	assert_int_equal(atomic_file_write(&a, "w", 1), 0);
	assert_int_equal(entries(f->dir), 2);
	read_back(f->path, buf, sizeof(buf));
	assert_string_equal(buf, "old"); /* nothing seen before the commit */
	atomic_file_abort(&a);
	atomic_file_abort(&a);
	assert_int_equal(entries(f->dir), 1);
	read_back(f->path, buf, sizeof(buf));
	assert_string_equal(buf, "old");
	assert_int_equal(atomic_file_open(&a, f->path), 0);
	assert_int_equal(atomic_file_write(&a, "ne", 2), 0);
	assert_int_equal(atomic_file_write(&a, "w", 1), 0);
	assert_int_equal(atomic_file_commit(&a, 0644), 0);
	read_back(f->path, buf, sizeof(buf));
	assert_string_equal(buf, "new");
	assert_int_equal(entries(f->dir), 1);
}

/* A failed write (here: the temporary file's descriptor gone) is an error
 * and leaves no temporary file behind. */
static void test_atomic_failed_write_cleans_up(void **state)
{
	struct dir_fixture *f = *state;
	struct atomic_file a;

	assert_int_equal(atomic_file_open(&a, f->path), 0);
	close(a.fd);
	a.fd = open("/dev/null", O_RDONLY); /* writes now fail with EBADF */
	assert_true(a.fd >= 0);
	assert_int_equal(atomic_file_write(&a, "x", 1), -EBADF);
	assert_int_equal(entries(f->dir), 0);
}

/* The target replaced is the name itself: a symlink at the target is
 * replaced, never written through. */
static void test_atomic_replaces_a_symlink_not_its_target(void **state)
{
	struct dir_fixture *f = *state;
	char victim[160], buf[64];

	snprintf(victim, sizeof(victim), "%s/victim", f->dir);
	assert_int_equal(atomic_file_replace(victim, "safe", 4, 0644), 0);
	assert_int_equal(symlink(victim, f->path), 0);
	assert_int_equal(atomic_file_replace(f->path, "new", 3, 0644), 0);
	read_back(victim, buf, sizeof(buf));
	assert_string_equal(buf, "safe");
	read_back(f->path, buf, sizeof(buf));
	assert_string_equal(buf, "new");
}

static void test_atomic_missing_dir_is_an_error(void **state)
{
	struct dir_fixture *f = *state;
	char path[160];

	snprintf(path, sizeof(path), "%s/none/out.json", f->dir);
	assert_int_equal(atomic_file_replace(path, "x", 1, 0644), -ENOENT);
	assert_int_equal(atomic_file_replace("", "x", 1, 0644), -EINVAL);
	assert_int_equal(entries(f->dir), 0);
}

/* ------------------------------------------------------------------ */
/* strlist                                                             */

static void test_strlist_copy(void **state)
{
	struct strlist a = { 0 }, b = { 0 };

	(void)state;
	assert_int_equal(strlist_push(&a, "x"), 0);
	assert_int_equal(strlist_push(&a, "y"), 0);
	assert_int_equal(strlist_push(&b, "old"), 0);
	assert_int_equal(strlist_copy(&b, &a), 0);
	assert_int_equal(b.n, 2);
	assert_string_equal(b.v[0], "x");
	assert_string_equal(b.v[1], "y");
	assert_null(b.v[2]);
	assert_true(b.v[0] != a.v[0]);
	assert_true(strlist_has(&b, "y") && !strlist_has(&b, "old"));
	assert_int_equal(strlist_copy(&b, NULL), 0);
	assert_int_equal(b.n, 0);
	assert_int_equal(strlist_take(&b, NULL), -ENOMEM);
	strlist_free(&a);
	strlist_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_package_name_cases),
		cmocka_unit_test(test_package_name_refuses),
		cmocka_unit_test_setup_teardown(test_atomic_replace_writes_and_replaces, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_atomic_pieces_and_abort, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_atomic_failed_write_cleans_up, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_atomic_replaces_a_symlink_not_its_target, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_atomic_missing_dir_is_an_error, dir_setup, dir_teardown),
		cmocka_unit_test(test_strlist_copy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
