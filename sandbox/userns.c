/* userns.c — parent side of the user namespace: the child cannot map itself
 * before it exists, so the parent, whose euid owns the new namespace, writes
 * setgroups=deny and a one-line uid/gid map of the caller (an unprivileged
 * caller maps to itself, all it is allowed to); a root caller's script runs
 * unprivileged, with the maps of root_drop.c. */
#include "layers.h"
#include "log.h"
#include "root_drop.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int write_proc_file(pid_t pid, const char *file, const char *text)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return log_fail(errno, "userns: open %s", path);
	ssize_t len = (ssize_t)strlen(text);
	ssize_t w = write(fd, text, (size_t)len);
	int err = errno;
	close(fd);
	if (w != len)
		return log_fail(w < 0 ? err : EIO, "userns: write '%.*s' to %s",
				(int)strcspn(text, "\n"), text, path);
	return 0;
}

int userns_write_maps_parent(pid_t child, uid_t uid, gid_t gid, bool drop_root)
{
	char map[64], gmap[64];
	int r;

	if ((r = write_proc_file(child, "setgroups", "deny")))
		return r;
	if (drop_root) {
		if (root_drop_map_lines(map, gmap, sizeof(map)) != 0)
			return log_fail_plain(EINVAL, "userns: map lines");
	} else {
		snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)uid, (unsigned)uid);
		snprintf(gmap, sizeof(gmap), "%u %u 1\n", (unsigned)gid, (unsigned)gid);
	}
	if ((r = write_proc_file(child, "uid_map", map)))
		return r;
	return write_proc_file(child, "gid_map", gmap);
}
