/* run_keep.c — moving a run's records to the state directory (run_keep.h).
 * rename() when both are on one file system, else a copy: records and
 * quarantined copies are small and bounded (sandbox/leftovers.h). */
#include "run_keep.h"
#include "log.h"
#include "state_dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool run_keep_wanted(const struct script_rows *rows)
{
	for (size_t i = 0; i < rows->n; i++)
		if (rows->v[i].quarantine || (rows->v[i].verdict && strcmp(rows->v[i].verdict, "suspicious") == 0))
			return true;
	return false;
}

static int copy_file(int from_dir, const char *name, int to_dir)
{
	char buf[65536];
	ssize_t n;
	int rc = 0;
	int in = openat(from_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return -errno;
	int out = openat(to_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0) {
		rc = -errno;
		close(in);
		return rc;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			rc = -(errno ? errno : EIO);
			break;
		}
	if (n < 0)
		rc = -errno;
	close(in);
	if (close(out) != 0 && rc == 0)
		rc = -errno;
	return rc;
}

/* Regular files of from (and of its directories, one level down: the
 * quarantines), into to. */
static int copy_tree(int from, int to, int depth)
{
	int fd = openat(from, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	int rc = 0;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	while (rc == 0 && (de = readdir(d))) {
		struct stat st;
		if (de->d_name[0] == '.' || fstatat(from, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (S_ISREG(st.st_mode)) {
			rc = copy_file(from, de->d_name, to);
		} else if (S_ISDIR(st.st_mode) && depth == 0) {
			int sub_from = openat(from, de->d_name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), sub_to = -1;
			if (sub_from < 0 || mkdirat(to, de->d_name, 0700) != 0 ||
			    (sub_to = openat(to, de->d_name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
				rc = -errno;
			else
				rc = copy_tree(sub_from, sub_to, depth + 1);
			if (sub_from >= 0)
				close(sub_from);
			if (sub_to >= 0)
				close(sub_to);
		}
	}
	closedir(d);
	return rc;
}

int run_keep_move(const char *tmp_dir, struct script_rows *rows, char *kept, size_t len)
{
	int rc = state_dir_path("runs", 1, kept, len - 16);
	if (rc)
		return log_fail(-rc, "run: the state directory to keep the records in");
	strcat(kept, "/run-XXXXXX");
	if (!mkdtemp(kept))
		return log_fail(errno, "run: mkdtemp %s", kept);
	int from = open(tmp_dir, O_PATH | O_DIRECTORY | O_CLOEXEC), to = open(kept, O_PATH | O_DIRECTORY | O_CLOEXEC);
	/* One file system: the directory itself can take the run's place. */
	if (from >= 0 && to >= 0 && rename(tmp_dir, kept) != 0)
		rc = copy_tree(from, to, 0);
	if (from < 0 || to < 0)
		rc = -errno;
	if (from >= 0)
		close(from);
	if (to >= 0)
		close(to);
	if (rc)
		return log_fail(-rc, "run: copy the records to %s", kept);
	size_t n = strlen(tmp_dir);
	for (size_t i = 0; i < rows->n; i++) {
		char *q = rows->v[i].quarantine, *moved = NULL;
		if (q && strncmp(q, tmp_dir, n) == 0 && q[n] == '/' && asprintf(&moved, "%s%s", kept, q + n) > 0) {
			free(q);
			rows->v[i].quarantine = moved;
		}
	}
	return 0;
}
