/* atomic_file.c — atomic, durable replacement of a file (atomic_file.h). */
#include "atomic_file.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The directory part of f->path into dir ("/" for a file at the root, "."
 * for a bare name). */
static void dir_of(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(dir, len, ".");
	else if (slash == path)
		snprintf(dir, len, "/");
	else
		snprintf(dir, len, "%.*s", (int)(slash - path), path);
}

int atomic_file_open(struct atomic_file *f, const char *path)
{
	char dir[PATH_MAX];
	const char *base = strrchr(path, '/');

	f->fd = -1;
	f->tmp[0] = '\0';
	base = base ? base + 1 : path;
	if (!*base || strlen(path) >= sizeof(f->path))
		return log_fail(EINVAL, "cannot write %s", path);
	strcpy(f->path, path);
	dir_of(path, dir, sizeof(dir));
	/* Hidden, and ending in the random part, so that no reader of the
	 * directory takes it for a finished file of its kind (*.json). */
	if ((size_t)snprintf(f->tmp, sizeof(f->tmp), "%s/.%s.XXXXXX", dir, base) >= sizeof(f->tmp)) {
		f->tmp[0] = '\0';
		return log_fail(ENAMETOOLONG, "cannot write %s", path);
	}
	f->fd = mkostemp(f->tmp, O_CLOEXEC | O_NOFOLLOW);
	if (f->fd < 0) {
		int err = errno;
		f->tmp[0] = '\0';
		return log_fail(err, "cannot write %s (create a temporary file in %s)", path, dir);
	}
	return 0;
}

void atomic_file_abort(struct atomic_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	if (f->tmp[0])
		unlink(f->tmp);
	f->tmp[0] = '\0';
}

int atomic_file_write(struct atomic_file *f, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t w = write(f->fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int err = w < 0 ? errno : EIO;
			log_fail(err, "cannot write %s (write %s)", f->path, f->tmp);
			atomic_file_abort(f);
			return -err;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int atomic_file_commit(struct atomic_file *f, mode_t mode)
{
	char dir[PATH_MAX];
	int r, dfd;

	if (fchmod(f->fd, mode) != 0) {
		r = log_fail(errno, "cannot write %s (fchmod %s)", f->path, f->tmp);
		goto fail;
	}
	if (fsync(f->fd) != 0) {
		r = log_fail(errno, "cannot write %s (fsync %s)", f->path, f->tmp);
		goto fail;
	}
	r = close(f->fd);
	f->fd = -1;
	if (r != 0) {
		r = log_fail(errno, "cannot write %s (close %s)", f->path, f->tmp);
		goto fail;
	}
	if (rename(f->tmp, f->path) != 0) {
		r = log_fail(errno, "cannot replace %s (rename %s)", f->path, f->tmp);
		goto fail;
	}
	f->tmp[0] = '\0';
	/* The rename itself made durable: without it a crash may bring back
	 * the old file (or none) although the caller was told it is written. */
	dir_of(f->path, dir, sizeof(dir));
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return log_fail(errno, "cannot write %s (open %s to fsync it)", f->path, dir);
	r = fsync(dfd) != 0 ? log_fail(errno, "cannot write %s (fsync %s)", f->path, dir) : 0;
	close(dfd);
	return r;
fail:
	atomic_file_abort(f);
	return r;
}

int atomic_file_replace(const char *path, const void *buf, size_t len, mode_t mode)
{
	struct atomic_file f;
	int r = atomic_file_open(&f, path);
	if (r == 0)
		r = atomic_file_write(&f, buf, len);
	return r ? r : atomic_file_commit(&f, mode);
}
