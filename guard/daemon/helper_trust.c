/* helper_trust.c — the ownership rule of a package manager's helpers
 * (helper_trust.h). Reads the file's directory with stat(2); called on the
 * rare path only (an exec in a package manager's family whose file has a
 * helper's name). */
#include "helper_trust.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "array_size.h"

/* Where the distribution's packages put programs; pip and npm install into
 * /usr/local, venvs and node_modules, never here. */
static const char *const system_bin_dirs[] = { "/usr/bin", "/bin", "/usr/sbin", "/sbin" };

static bool root_only(const struct stat *st)
{
	return st->st_uid == 0 && (st->st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

static bool is_system_dir(const char *dir)
{
	for (size_t i = 0; i < ARRAY_SIZE(system_bin_dirs); i++)
		if (strcmp(dir, system_bin_dirs[i]) == 0)
			return true;
	return false;
}

bool helper_trusted(const struct stat *file, const char *path, uid_t caller, bool by_path)
{
	char dir[PATH_MAX];
	const char *slash;
	struct stat dst;

	if (!S_ISREG(file->st_mode) || !root_only(file) || !path || path[0] != '/')
		return false;
	slash = strrchr(path, '/');
	if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else if (snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path) >= (int)sizeof(dir))
		return false;
	/* The directory the daemon sees at that path must hold the file (same
	 * filesystem): a path from another mount namespace proves nothing. */
	if (stat(dir, &dst) != 0 || !S_ISDIR(dst.st_mode) || !root_only(&dst) || dst.st_dev != file->st_dev)
		return false;
	return caller != 0 || by_path || is_system_dir(dir);
}

int helper_caller_uid(pid_t pid, uid_t *out)
{
	char path[32];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	if (stat(path, &st) != 0)
		return -errno;
	*out = st.st_uid;
	return 0;
}
