/* root_path.h — paths looked up inside a root other than the caller's: the
 * sandbox's new root while it is being built (mountns.c), or another
 * process's /proc/PID/root (pkgguardd under systemd has a mount namespace of
 * its own, PrivateTmp=: its /tmp is not the users'). Symlinks are followed
 * inside that root: an absolute target starts again at it, ".." never
 * leaves it. root_path.c; the root is an O_PATH directory fd. */
#ifndef PKGGUARD_ROOT_PATH_H
#define PKGGUARD_ROOT_PATH_H

#include <sys/stat.h>

/* realpath(3) of the absolute path as seen from rootfd: malloc'd, or NULL
 * with errno set (ENOENT, ELOOP, ENAMETOOLONG, EINVAL for a relative path). */
char *root_realpath(int rootfd, const char *path);

/* open(2) of path inside rootfd (openat2 RESOLVE_IN_ROOT, no magic links);
 * flags as open's. The fd, or -1 with errno set. */
int root_open(int rootfd, const char *path, int flags);

/* stat(2) of path inside rootfd, symlinks followed. 0 or -1 with errno. */
int root_stat(int rootfd, const char *path, struct stat *st);

#endif
