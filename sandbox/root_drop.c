/* root_drop.c — a root caller's script does not run as root. CI jobs and
 * container builds (`RUN npm ci`) install as root; a script mapped to root
 * would read every root-only file no profile names (/etc/kubernetes/…,
 * /etc/mysql/debian.cnf, tomorrow's). So the script runs as an unprivileged
 * id, SCRIPT_UID/SCRIPT_GID (nobody/nogroup, 65534: mapped in every
 * container's user namespace), with no supplementary group, and the
 * directories it writes are made its own for the duration:
 *
 *  - namespaces: the user namespace maps inside 0 -> SCRIPT_UID (the
 *    script, which still sees itself as root, without capabilities) and
 *    inside 1 -> host root (init, which keeps root's access to build the
 *    mount tree). The writable binds (read_write: the package directory,
 *    --rw; the directories protect.h binds onto themselves writable) are
 *    cloned by the parent and idmapped with that same namespace
 *    (MOUNT_ATTR_IDMAP): on disk their root-owned files show as the
 *    script's own, and what it writes lands as root's.
 *  - fallback (no namespaces): after its setup the script switches to
 *    SCRIPT_UID itself; the parent chowns the writable trees to it before
 *    and back to root after (without following links), so what the script
 *    wrote is root's when the install goes on.
 *
 * Root of a user namespace that maps nothing but itself has nothing to
 * drop to, and nothing of anyone else's to protect: it is left as it is.
 *
 * Fails closed: a filesystem that cannot be idmapped, an id that cannot be
 * mapped or set, a package directory the id cannot reach is exit 125,
 * naming the step. */
#include "root_drop.h"
#include "log.h"
#include "protect.h"

#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TREE_ATTRS (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)

/* How many uids our user namespace maps. */
static unsigned long long mapped_uids(void)
{
	unsigned long long total = 0, inside, outside, count;
	FILE *f = fopen("/proc/self/uid_map", "re");
	if (!f)
		return 0;
	while (fscanf(f, "%llu %llu %llu", &inside, &outside, &count) == 3)
		total += count;
	fclose(f);
	return total;
}

bool root_drop_wanted(void)
{
	/* Root of a user namespace that maps only itself (rootless containers,
	 * `unshare -r`) is one unprivileged host user by another name: every
	 * file it owns is that user's, others' files are "nobody"'s to it, and
	 * there is no id to drop to. An unreadable map counts as the whole
	 * range (fail closed: the drop is attempted). */
	if (getuid() != 0)
		return false;
	unsigned long long n = mapped_uids();
	return n == 0 || n > 1;
}

int root_drop_groups(void)
{
	/* The caller's supplementary groups (root's 0 among them) would let the
	 * script through a 0640 root:root file; in a user namespace with
	 * setgroups denied they could not be dropped later. */
	if (setgroups(0, NULL) != 0)
		return log_fail(errno, "root: setgroups(0) (drop the supplementary groups)");
	return 0;
}

int root_drop_map_lines(char *uid_map, char *gid_map, size_t len)
{
	int a = snprintf(uid_map, len, "0 %u 1\n1 0 1\n", (unsigned)SCRIPT_UID);
	int b = snprintf(gid_map, len, "0 %u 1\n1 0 1\n", (unsigned)SCRIPT_GID);
	return a > 0 && (size_t)a < len && b > 0 && (size_t)b < len ? 0 : -EINVAL;
}

/* One writable tree: the package directory from the descriptor it was
 * checked through, anything else opened without following links. */
static int clone_one(const struct policy *p, const char *path, struct premade_trees *out)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	bool held = p->pkg_dir && p->pkg_dir_fd > STDERR_FILENO && strcmp(path, p->pkg_dir) == 0;
	int src = held ? p->pkg_dir_fd : (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	int fd = src < 0 ? -1 : (int)open_tree(src, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
	int err = errno;

	if (!held && src >= 0)
		close(src);
	char *copy = fd >= 0 ? strdup(path) : NULL;
	if (!copy) {
		if (fd >= 0)
			close(fd);
		out->failed = path;
		return fd >= 0 ? -ENOMEM : -err;
	}
	out->path[out->n] = copy;
	out->fd[out->n++] = fd;
	return 0;
}

int root_drop_clone_trees(const struct policy *p, const struct protect_set *ps, struct premade_trees *out)
{
	struct strlist paths = { 0 };
	int rc = 0;

	out->n = 0;
	out->failed = NULL;
	for (size_t i = 0; i < p->read_write.n && !rc; i++)
		rc = strlist_push(&paths, p->read_write.v[i]);
	for (size_t i = 0; ps && i < ps->n && !rc; i++)
		rc = protect_between(&ps->v[i], &paths);
	out->path = calloc(paths.n + 1, sizeof(*out->path));
	out->fd = calloc(paths.n + 1, sizeof(*out->fd));
	if (rc || !out->path || !out->fd) {
		strlist_free(&paths);
		return -ENOMEM;
	}
	for (size_t i = 0; i < paths.n && !rc; i++) {
		bool seen = false;
		for (size_t j = 0; j < out->n; j++)
			seen = seen || strcmp(out->path[j], paths.v[i]) == 0;
		if (!seen)
			rc = clone_one(p, paths.v[i], out);
	}
	if (rc && out->failed) {
		/* Kept for the message: the list is freed here. */
		static char failed[4096];
		snprintf(failed, sizeof(failed), "%s", out->failed);
		out->failed = failed;
	}
	strlist_free(&paths);
	return rc;
}

int root_drop_idmap_trees(pid_t init, const struct premade_trees *t, int clone_err)
{
	char path[64];
	if (clone_err)
		return log_fail(-clone_err, "root: open_tree(%s, OPEN_TREE_CLONE) for the script's uid %u",
				t->failed ? t->failed : "?", (unsigned)SCRIPT_UID);
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)init);
	int ns = open(path, O_RDONLY | O_CLOEXEC);
	if (ns < 0)
		return log_fail(errno, "root: open %s", path);
	struct mount_attr attr = {
		.attr_set = TREE_ATTRS | MOUNT_ATTR_IDMAP,
		.userns_fd = (unsigned)ns,
	};
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < t->n; i++) {
		if (mount_setattr(t->fd[i], "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) != 0)
			rc = log_fail(errno, "root: idmap %s for uid %u (mount_setattr MOUNT_ATTR_IDMAP; "
				      "the filesystem must support idmapped mounts)", t->path[i], (unsigned)SCRIPT_UID);
	}
	close(ns);
	return rc;
}

void root_drop_trees_free(struct premade_trees *t)
{
	for (size_t i = 0; i < t->n; i++) {
		close(t->fd[i]);
		free(t->path[i]);
	}
	free(t->path);
	free(t->fd);
	t->path = NULL;
	t->fd = NULL;
	t->n = 0;
}

int root_drop_switch(uid_t uid, gid_t gid, bool drop_groups)
{
	/* Keeps no capability; the bounding and ambient sets are cleared while
	 * CAP_SETPCAP is still ours. */
	capng_clear(CAPNG_SELECT_BOTH);
	capng_flags_t flags = (capng_flags_t)(CAPNG_CLEAR_BOUNDING | CAPNG_CLEAR_AMBIENT |
					      (drop_groups ? CAPNG_DROP_SUPP_GRP : 0));
	int rc = capng_change_id((int)uid, (int)gid, flags);
	if (rc != 0)
		return log_fail_plain(EPERM, "root: capng_change_id(%u, %u) failed (%d): the script cannot be "
				      "run as an unprivileged id", (unsigned)uid, (unsigned)gid, rc);
	uid_t r, e, s;
	if (getresuid(&r, &e, &s) != 0 || r != uid || e != uid || s != uid)
		return log_fail_plain(EPERM, "root: the script's uid is not %u after capng_change_id", (unsigned)uid);
	return 0;
}

/* ---- fallback: ownership of the writable trees --------------------------- */

static uid_t walk_from, walk_to;
static gid_t walk_gid_from, walk_gid_to;
static int walk_err;

static int chown_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)type;
	(void)ftw;
	if (st->st_uid != walk_from)
		return 0;
	gid_t g = st->st_gid == walk_gid_from ? walk_gid_to : (gid_t)-1;
	if (lchown(path, walk_to, g) != 0 && errno != ENOENT && !walk_err)
		walk_err = errno;
	return 0;
}

/* Every entry of tree owned by from (the tree itself included) given to
 * to; links are changed themselves, never followed (FTW_PHYS, lchown). */
static int chown_tree(const char *tree, uid_t from, gid_t gfrom, uid_t to, gid_t gto)
{
	walk_from = from;
	walk_to = to;
	walk_gid_from = gfrom;
	walk_gid_to = gto;
	walk_err = 0;
	if (nftw(tree, chown_entry, 32, FTW_PHYS | FTW_MOUNT) != 0 && !walk_err)
		walk_err = errno ? errno : EIO;
	return walk_err ? -walk_err : 0;
}

int root_drop_give_home(const char *home)
{
	/* Inside ids: 1 is root (init), 0 the script. */
	int rc = chown_tree(home, 1, 1, 0, 0);
	return rc ? log_fail(-rc, "root: chown what init made in %s to the script", home) : 0;
}

int root_drop_lend(const struct strlist *trees, const char *tmp)
{
	for (size_t i = 0; i < trees->n; i++) {
		int rc = chown_tree(trees->v[i], 0, 0, SCRIPT_UID, SCRIPT_GID);
		if (rc)
			return log_fail(-rc, "root: chown %s to uid %u for the script", trees->v[i], (unsigned)SCRIPT_UID);
	}
	if (tmp) {
		int rc = chown_tree(tmp, 0, 0, SCRIPT_UID, SCRIPT_GID);
		if (rc)
			return log_fail(-rc, "root: chown %s to uid %u", tmp, (unsigned)SCRIPT_UID);
	}
	return 0;
}

int root_drop_take_back(const struct strlist *trees)
{
	int first = 0;
	for (size_t i = 0; i < trees->n; i++) {
		int rc = chown_tree(trees->v[i], SCRIPT_UID, SCRIPT_GID, 0, 0);
		if (rc && !first)
			first = log_fail(-rc, "root: chown %s back to root", trees->v[i]);
	}
	return first;
}
