/* state_dir.c — the installing user's state directory (state_dir.h). */
#include "state_dir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* mkdir -p, 0700 for what is made; an existing directory must be ours. */
static int make_dirs(char *path)
{
	struct stat st;

	for (char *s = path + 1;; s++) {
		char c = *s;
		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		int rc = mkdir(path, 0700);
		*s = c;
		if (rc != 0 && errno != EEXIST)
			return -errno;
		if (!c)
			break;
	}
	if (lstat(path, &st) != 0)
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 0022))
		return -EPERM;
	return 0;
}

int state_dir_path(const char *sub, int make, char *buf, size_t len)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	int n;

	if (xdg && xdg[0] == '/')
		n = snprintf(buf, len, "%s/pkgguard/%s", xdg, sub);
	else if (geteuid() == 0)
		n = snprintf(buf, len, "/var/lib/pkgguard/%s", sub);
	else if (home && home[0] == '/' && strcmp(home, "/") != 0)
		n = snprintf(buf, len, "%s/.local/state/pkgguard/%s", home, sub);
	else
		return -ENOENT;
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return make ? make_dirs(buf) : 0;
}
