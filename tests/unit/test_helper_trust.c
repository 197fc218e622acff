/* test_helper_trust.c — the ownership rule of a package manager's helpers
 * (helper_trust.c), on real files: the system's uname; a root-owned file
 * in a root-owned directory outside the system's binary directories; files
 * and directories others could write. Rows that need root to create
 * root-owned files are skipped (with the reason) otherwise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helper_trust.h"

static void test_system_uname(void **state)
{
	struct stat st;
	char real[PATH_MAX];

	(void)state;
	if (!realpath("/bin/uname", real) || stat(real, &st) != 0 || st.st_uid != 0)
		skip();
	assert_true(helper_trusted(&st, real, 1000, false));
	assert_true(helper_trusted(&st, real, 0, false));
	/* the same file under a path whose directory is not the file's */
	assert_false(helper_trusted(&st, "relative/uname", 1000, false));
}

/* A temporary directory with an executable named uname in it. */
static void make_tree(char *dir, size_t len, char *file, size_t flen, mode_t dmode, mode_t fmode)
{
	int fd;

	snprintf(dir, len, "/tmp/pgtrust.XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, dmode), 0);
	snprintf(file, flen, "%s/uname", dir);
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0755);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(chmod(file, fmode), 0);
}

static void remove_tree(const char *dir, const char *file)
{
	unlink(file);
	rmdir(dir);
}

static void test_root_file_outside_system_dirs(void **state)
{
	char dir[64], file[96];
	struct stat st;

	(void)state;
	if (geteuid() != 0)
		skip(); /* root-owned files need root */
	make_tree(dir, sizeof(dir), file, sizeof(file), 0755, 0755);
	assert_int_equal(stat(file, &st), 0);
	/* a user cannot have put it there: trusted for them... */
	assert_true(helper_trusted(&st, file, 1000, false));
	/* ...not for root, who can write anywhere, unless named by path */
	assert_false(helper_trusted(&st, file, 0, false));
	assert_true(helper_trusted(&st, file, 0, true));
	remove_tree(dir, file);
}

static void test_writable_by_others(void **state)
{
	char dir[64], file[96];
	struct stat st;

	(void)state;
	if (geteuid() != 0)
		skip();
	/* a directory others can write (a venv's bin/ of another user, /tmp) */
	make_tree(dir, sizeof(dir), file, sizeof(file), 0777, 0755);
	assert_int_equal(stat(file, &st), 0);
	assert_false(helper_trusted(&st, file, 1000, false));
	assert_false(helper_trusted(&st, file, 1000, true));
	remove_tree(dir, file);
	/* a file others can write */
	make_tree(dir, sizeof(dir), file, sizeof(file), 0755, 0757);
	assert_int_equal(stat(file, &st), 0);
	assert_false(helper_trusted(&st, file, 1000, false));
	remove_tree(dir, file);
	/* a file the user owns (an earlier install left it) */
	make_tree(dir, sizeof(dir), file, sizeof(file), 0755, 0755);
	assert_int_equal(chown(file, 1000, 1000), 0);
	assert_int_equal(stat(file, &st), 0);
	assert_false(helper_trusted(&st, file, 1000, false));
	assert_false(helper_trusted(&st, file, 1000, true));
	remove_tree(dir, file);
	/* a directory the user owns */
	make_tree(dir, sizeof(dir), file, sizeof(file), 0755, 0755);
	assert_int_equal(chown(dir, 1000, 1000), 0);
	assert_int_equal(stat(file, &st), 0);
	assert_false(helper_trusted(&st, file, 1000, false));
	remove_tree(dir, file);
}

static void test_caller_uid(void **state)
{
	uid_t uid = 12345;

	(void)state;
	assert_int_equal(helper_caller_uid(getpid(), &uid), 0);
	assert_int_equal(uid, geteuid());
	assert_true(helper_caller_uid(0x7ffffff0, &uid) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_system_uname),
		cmocka_unit_test(test_root_file_outside_system_dirs),
		cmocka_unit_test(test_writable_by_others),
		cmocka_unit_test(test_caller_uid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
