/* atomic_file.h — replacing a file so that a reader sees the old content or
 * the new, never a part, and the new survives a crash once committed. The
 * one writer of the sandbox's records, the CLI's report and the package
 * managers' config files (enable). atomic_file.c.
 *
 * A temporary file next to the target (O_EXCL | O_NOFOLLOW, so no planted
 * file or symlink is written through; mode 0600 until committed), every
 * write checked and completed, then fsync, rename over the target and
 * fsync of the directory. Any failure removes the temporary file. */
#ifndef PKGGUARD_ATOMIC_FILE_H
#define PKGGUARD_ATOMIC_FILE_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

struct atomic_file {
	int fd;                  /* the temporary file, for fchown and the like */
	char path[PATH_MAX];     /* the target */
	char tmp[PATH_MAX];      /* the temporary file */
};

/* Starts replacing path. 0 or -errno (logged). */
int atomic_file_open(struct atomic_file *f, const char *path);
/* Writes all of buf (short writes and EINTR retried). 0 or -errno (logged;
 * the file is then aborted). */
int atomic_file_write(struct atomic_file *f, const void *buf, size_t len);
/* fchmod(mode), fsync, close, rename over the target, fsync of its
 * directory. 0 or -errno (logged; the temporary file is removed). */
int atomic_file_commit(struct atomic_file *f, mode_t mode);
/* Gives up: closes and removes the temporary file. Safe to call twice. */
void atomic_file_abort(struct atomic_file *f);

/* All of the above for one buffer. */
int atomic_file_replace(const char *path, const void *buf, size_t len, mode_t mode);

#endif
