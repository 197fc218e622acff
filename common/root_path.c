/* root_path.c — looking paths up inside a root given as a directory fd
 * (see root_path.h). Every lookup is openat2(RESOLVE_IN_ROOT) on that fd, so
 * the kernel, not string handling, keeps it inside the root; realpath is
 * rebuilt one component at a time from those lookups. */
#include "root_path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_LINKS 40 /* as the kernel's path walk (ELOOP) */

int root_open(int rootfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	while (*path == '/')
		path++;
	return (int)syscall(SYS_openat2, rootfd, *path ? path : ".", &how, sizeof(how));
}

int root_stat(int rootfd, const char *path, struct stat *st)
{
	int fd = root_open(rootfd, path, O_PATH), r, err;

	if (fd < 0)
		return -1;
	r = fstat(fd, st);
	err = errno;
	close(fd);
	errno = err;
	return r;
}

/* out (resolved so far, "" for the root) without its last component. */
static void pop(char *out)
{
	char *s = strrchr(out, '/');

	if (s)
		*s = '\0';
}

char *root_realpath(int rootfd, const char *path)
{
	char out[PATH_MAX] = "", rest[PATH_MAX], next[PATH_MAX * 2], target[PATH_MAX];
	const char *p;
	int links = 0;

	if (!path || path[0] != '/') {
		errno = EINVAL;
		return NULL;
	}
	if (snprintf(rest, sizeof(rest), "%s", path) >= (int)sizeof(rest)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	p = rest;
	while (*p) {
		const char *comp;
		size_t len, olen = strlen(out);
		struct stat st;
		ssize_t n;
		int fd;

		while (*p == '/')
			p++;
		comp = p;
		len = strcspn(p, "/");
		p += len;
		if (len == 0 || (len == 1 && comp[0] == '.'))
			continue;
		if (len == 2 && comp[0] == '.' && comp[1] == '.') {
			pop(out);
			continue;
		}
		if (olen + 1 + len >= sizeof(out)) {
			errno = ENAMETOOLONG;
			return NULL;
		}
		out[olen] = '/';
		memcpy(out + olen + 1, comp, len);
		out[olen + 1 + len] = '\0';
		fd = root_open(rootfd, out, O_PATH | O_NOFOLLOW);
		if (fd < 0)
			return NULL;
		if (fstat(fd, &st) != 0 || !S_ISLNK(st.st_mode)) {
			close(fd);
			continue; /* a real component: keep it */
		}
		/* A symlink: its target replaces it, the rest of the path after. */
		n = readlinkat(fd, "", target, sizeof(target) - 1);
		close(fd);
		if (n < 0)
			return NULL;
		target[n] = '\0';
		if (++links > MAX_LINKS) {
			errno = ELOOP;
			return NULL;
		}
		out[olen] = '\0';
		if (target[0] == '/')
			out[0] = '\0';
		if (snprintf(next, sizeof(next), "%s/%s", target, p) >= (int)sizeof(rest)) {
			errno = ENAMETOOLONG;
			return NULL;
		}
		memcpy(rest, next, strlen(next) + 1);
		p = rest;
	}
	return strdup(out[0] ? out : "/");
}
