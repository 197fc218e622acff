/* self_path.c — the programs installed next to the running one. */
#include "self_path.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *self_sibling(const char *name)
{
	char exe[PATH_MAX], *path;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash) {
		errno = ENOENT;
		return NULL;
	}
	*slash = '\0';
	if (asprintf(&path, "%s/%s", exe, name) < 0)
		return NULL;
	if (access(path, X_OK) != 0) {
		int err = errno;
		free(path);
		errno = err;
		return NULL;
	}
	return path;
}
