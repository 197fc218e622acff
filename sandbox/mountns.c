/* mountns.c — the script's view of the filesystem, built in its own mount
 * namespace: an empty tmpfs root holding read-only binds of the system, the
 * package directory read-write, the project read-only, fresh tmpfs for $HOME,
 * /tmp, /dev/shm and /run, a minimal /dev, a fresh /proc, hidden files
 * masked; then pivot_root and the old root detached.
 *
 * Every host tree is cloned with open_tree() BEFORE anything is mounted, so
 * a source under /tmp is taken from the host, not from our staging tmpfs,
 * and each clone is made read-only/nosuid/nodev while still detached
 * (mount_setattr, recursive), so no window exists where it is writable.
 * Mount points are created and resolved with openat2(RESOLVE_IN_ROOT) under
 * the new root, so a symlink can never send a mount outside it. */
#include "layers.h"
#include "array_size.h"
#include "protect.h"
#include "log.h"
#include "root_path.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define STAGING "/tmp"               /* private to our namespace from here on */
#define NEWROOT STAGING "/root"
#define EMPTY_FILE STAGING "/empty"  /* bound over hidden files */
#define RESOLV_FILE STAGING "/resolv.conf" /* the tripwire's DNS stub (dns_stub.h) */

enum entry_kind {
	E_SYMLINK,     /* merged-/usr links such as /bin -> usr/bin */
	E_BIND_RO,
	E_BIND_RW,
	E_DEVNODE,     /* host /dev/null & co: device access must stay allowed */
	E_TMPFS,
	E_PROC,
	E_HIDE,        /* resolved inside the new root at attach time */
	E_RESOLV,      /* /etc/resolv.conf naming 127.0.0.1 (network none) */
};

struct entry {
	enum entry_kind kind;
	char *dest;        /* absolute path inside the sandbox */
	int fd;            /* detached clone for binds, -1 otherwise */
	char *link;        /* E_SYMLINK target */
	unsigned mode;     /* E_TMPFS */
	uint64_t size_mb;  /* E_TMPFS; 0 = tiny */
	long owner;        /* E_TMPFS: uid and gid of its root, -1: ours */
	int is_dir;        /* binds: whether the mount point is a directory */
};

struct plan {
	struct entry *v;
	size_t n, cap;
};

static void plan_free(struct plan *pl)
{
	for (size_t i = 0; i < pl->n; i++) {
		if (pl->v[i].fd >= 0)
			close(pl->v[i].fd);
		free(pl->v[i].dest);
		free(pl->v[i].link);
	}
	free(pl->v);
}

static struct entry *plan_add(struct plan *pl, enum entry_kind kind, const char *dest)
{
	if (pl->n == pl->cap) {
		size_t cap = pl->cap ? pl->cap * 2 : 32;
		struct entry *v = realloc(pl->v, cap * sizeof(*v));
		if (!v)
			return NULL;
		pl->v = v;
		pl->cap = cap;
	}
	struct entry *e = &pl->v[pl->n];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->fd = -1;
	e->owner = -1;
	e->dest = strdup(dest);
	if (!e->dest)
		return NULL;
	pl->n++;
	return e;
}

static int path_depth(const char *p)
{
	int d = 0;
	for (; *p; p++)
		d += *p == '/';
	return d;
}

/* Parents before children; at equal depth keep the plan's order (tmpfs for
 * $HOME before a bind of something at the same place, hiding last). */
static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int dx = path_depth(x->dest), dy = path_depth(y->dest);
	if (dx != dy)
		return dx - dy;
	if (x->kind == E_HIDE || y->kind == E_HIDE)
		return (x->kind == E_HIDE) - (y->kind == E_HIDE);
	return 0;
}

static void plan_sort(struct plan *pl)
{
	/* qsort is not stable; insertion sort keeps equal elements in order and
	 * plans have a few dozen entries. */
	for (size_t i = 1; i < pl->n; i++) {
		struct entry tmp = pl->v[i];
		size_t j = i;
		while (j > 0 && entry_cmp(&pl->v[j - 1], &tmp) > 0) {
			pl->v[j] = pl->v[j - 1];
			j--;
		}
		pl->v[j] = tmp;
	}
}

/* Clones a host tree now, while the host's view is still ours. */
static int clone_tree(struct entry *e, const char *src, uint64_t attrs)
{
	struct stat st;
	if (stat(src, &st) != 0)
		return -errno;
	e->is_dir = S_ISDIR(st.st_mode);
	e->fd = (int)open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (e->fd < 0)
		return log_fail(errno, "mount: open_tree(%s, OPEN_TREE_CLONE)", src);
	struct mount_attr attr = { .attr_set = attrs };
	if (mount_setattr(e->fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) != 0)
		return log_fail(errno, "mount: mount_setattr(%s, %s)", src,
				(attrs & MOUNT_ATTR_RDONLY) ? "ro,nosuid,nodev" : "nosuid,nodev");
	return 0;
}

/* The package directory. The fd it was opened by without following links
 * (pkg_dir.c) belongs to the caller's mount namespace, which open_tree
 * refuses: the same path is opened again here, again without following
 * links, and must be the very same directory (device and inode), so a link
 * swapped in since is refused rather than bound. */
static int clone_held(struct entry *e, int held, uint64_t attrs)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	struct stat was, now;
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, e->dest, &how, sizeof(how));

	if (fd < 0)
		return log_fail(errno, "mount: package directory %s (opened without following links)", e->dest);
	if (fstat(held, &was) != 0 || fstat(fd, &now) != 0) {
		int err = errno;

		close(fd);
		return log_fail(err, "mount: fstat package directory %s", e->dest);
	}
	if (was.st_dev != now.st_dev || was.st_ino != now.st_ino) {
		close(fd);
		return log_fail(EXDEV, "mount: package directory %s was replaced since it was checked", e->dest);
	}
	e->is_dir = 1;
	e->fd = (int)open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
	close(fd);
	if (e->fd < 0)
		return log_fail(errno, "mount: open_tree(package directory %s, OPEN_TREE_CLONE)", e->dest);
	struct mount_attr attr = { .attr_set = attrs };
	if (mount_setattr(e->fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) != 0)
		return log_fail(errno, "mount: mount_setattr(%s, nosuid,nodev)", e->dest);
	return 0;
}

/* 0..2 are the script's stdio, never a directory of ours (a zeroed policy,
 * as unit tests build, has no fd). */
static bool held_pkg_dir(const struct policy *p, const char *path)
{
	return p->pkg_dir && p->pkg_dir_fd > STDERR_FILENO && strcmp(path, p->pkg_dir) == 0;
}

#define RO_ATTRS (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)
#define RW_ATTRS (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)

/* A system path: recreated as a symlink when it is one on the host (merged
 * /usr), else bound read-only. Missing: an error unless optional. */
static int plan_system_path(struct plan *pl, const char *path, int optional)
{
	struct stat st;
	if (lstat(path, &st) != 0) {
		if (errno == ENOENT && optional)
			return 0;
		return log_fail(errno, "mount: read-only path %s", path);
	}
	if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			return log_fail(errno, "mount: readlink(%s)", path);
		target[n] = '\0';
		struct entry *e = plan_add(pl, E_SYMLINK, path);
		if (!e || !(e->link = strdup(target)))
			return log_fail(ENOMEM, "mount: plan");
		return 0;
	}
	struct entry *e = plan_add(pl, E_BIND_RO, path);
	if (!e)
		return log_fail(ENOMEM, "mount: plan");
	int r = clone_tree(e, path, RO_ATTRS);
	if (r == -ENOENT && optional) {
		pl->n--;
		free(e->dest);
		return 0;
	}
	return r == -ENOENT ? log_fail(ENOENT, "mount: read-only path %s", path) : r;
}

/* A tree the parent cloned already (root_drop.c's idmapped binds): e gets
 * a copy of its fd (or -1 with errno set when the copy fails). 1 when the
 * parent made one for e's path. */
static int premade_take(struct entry *e, const struct premade_trees *pre)
{
	for (size_t i = 0; pre && i < pre->n; i++) {
		struct stat st;
		if (strcmp(pre->path[i], e->dest) != 0)
			continue;
		e->fd = fcntl(pre->fd[i], F_DUPFD_CLOEXEC, 3);
		if (e->fd >= 0 && fstat(e->fd, &st) != 0) {
			int err = errno;
			close(e->fd);
			e->fd = -1;
			errno = err;
		}
		if (e->fd >= 0)
			e->is_dir = S_ISDIR(st.st_mode);
		return 1;
	}
	return 0;
}

static int plan_bind(struct plan *pl, const char *path, uint64_t attrs, int optional, const char *what,
		     const struct premade_trees *pre)
{
	struct entry *e = plan_add(pl, (attrs & MOUNT_ATTR_RDONLY) ? E_BIND_RO : E_BIND_RW, path);
	if (!e)
		return log_fail(ENOMEM, "mount: plan");
	if (premade_take(e, pre))
		return e->fd < 0 ? log_fail(errno, "mount: %s %s (premade)", what, path) : 0;
	int r = clone_tree(e, path, attrs);
	if (r == -ENOENT && optional) {
		pl->n--;
		free(e->dest);
		return 0;
	}
	if (r == -ENOENT || r == -ENOTDIR || r == -EACCES)
		return log_fail(-r, "mount: %s %s", what, path);
	return r;
}

static int plan_tmpfs(struct plan *pl, const char *dest, unsigned mode, uint64_t size_mb)
{
	struct entry *e = plan_add(pl, E_TMPFS, dest);
	if (!e)
		return log_fail(ENOMEM, "mount: plan");
	e->mode = mode;
	e->size_mb = size_mb;
	e->is_dir = 1;
	return 0;
}

static int plan_simple(struct plan *pl, enum entry_kind kind, const char *dest, const char *link)
{
	struct entry *e = plan_add(pl, kind, dest);
	if (!e || (link && !(e->link = strdup(link))))
		return log_fail(ENOMEM, "mount: plan");
	e->is_dir = 1;
	return 0;
}

static int plan_dev(struct plan *pl)
{
	static const char *const nodes[] = { "null", "zero", "full", "random", "urandom" };
	static const char *const links[][2] = {
		{ "/dev/fd", "/proc/self/fd" }, { "/dev/stdin", "/proc/self/fd/0" },
		{ "/dev/stdout", "/proc/self/fd/1" }, { "/dev/stderr", "/proc/self/fd/2" },
	};
	int r;
	char path[64];

	if ((r = plan_tmpfs(pl, "/dev", 0755, 0)))
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(nodes); i++) {
		snprintf(path, sizeof(path), "/dev/%s", nodes[i]);
		struct entry *e = plan_add(pl, E_DEVNODE, path);
		if (!e)
			return log_fail(ENOMEM, "mount: plan");
		if ((r = clone_tree(e, path, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC)))
			return r == -ENOENT ? log_fail(ENOENT, "mount: device %s", path) : r;
	}
	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		if ((r = plan_simple(pl, E_SYMLINK, links[i][0], links[i][1])))
			return r;
	return 0;
}

/* The whole view, as data: what goes where. Host trees are cloned here. */
/* A path bound onto itself (read-only, or writable as it is), opened
 * without following links: the path is the real one the policy holds. */
static int plan_self_bind(struct plan *pl, const char *path, uint64_t attrs, const struct premade_trees *pre)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	struct stat st;
	struct entry *e = plan_add(pl, (attrs & MOUNT_ATTR_RDONLY) ? E_BIND_RO : E_BIND_RW, path);
	if (!e)
		return log_fail(ENOMEM, "mount: plan");
	if (premade_take(e, pre))
		return e->fd < 0 ? log_fail(errno, "mount: %s (premade)", path) : 0;
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	if (fd < 0 || fstat(fd, &st) != 0) {
		int err = errno;

		if (fd >= 0)
			close(fd);
		return log_fail(err, "mount: protected path %s (opened without following links)", path);
	}
	e->is_dir = S_ISDIR(st.st_mode);
	e->fd = (int)open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
	close(fd);
	if (e->fd < 0)
		return log_fail(errno, "mount: open_tree(%s, OPEN_TREE_CLONE)", path);
	struct mount_attr attr = { .attr_set = attrs };
	if (mount_setattr(e->fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) != 0)
		return log_fail(errno, "mount: mount_setattr(%s)", path);
	return 0;
}

/* Persistence points: each held path read-only, the directories between
 * its writable directory and it bound onto themselves (a mount point
 * cannot be renamed, so .git cannot be moved away and remade with hooks). */
static int plan_protect(struct plan *pl, const struct protect_set *ps, const struct premade_trees *pre)
{
	struct strlist between = { 0 };
	int r = 0;

	for (size_t i = 0; ps && i < ps->n && !r; i++)
		r = protect_between(&ps->v[i], &between) ? log_fail(ENOMEM, "mount: plan") : 0;
	for (size_t i = 0; i < between.n && !r; i++) {
		bool seen = false;

		for (size_t j = 0; j < i; j++)
			seen = seen || strcmp(between.v[i], between.v[j]) == 0;
		if (!seen)
			r = plan_self_bind(pl, between.v[i], RW_ATTRS, pre);
	}
	for (size_t i = 0; ps && i < ps->n && !r; i++)
		r = plan_self_bind(pl, ps->v[i].held, RO_ATTRS, NULL);
	strlist_free(&between);
	return r;
}

static int plan_build(const struct policy *p, const struct protect_set *ps, struct plan *pl,
		      const struct premade_trees *pre, long home_owner)
{
	int r;
	for (size_t i = 0; i < p->read_only.n; i++)
		if ((r = plan_system_path(pl, p->read_only.v[i], 0)))
			return r;
	for (size_t i = 0; i < p->read_only_optional.n; i++)
		if ((r = plan_system_path(pl, p->read_only_optional.v[i], 1)))
			return r;
	if (p->home && strcmp(p->home, "/") != 0) {
		if ((r = plan_tmpfs(pl, p->home, 0700, p->limits.home_mb)))
			return r;
		pl->v[pl->n - 1].owner = home_owner;
		for (size_t i = 0; i < p->home_read_only.n; i++)
			if ((r = plan_bind(pl, p->home_read_only.v[i], RO_ATTRS, 1, "home read-only path", NULL)))
				return r;
	}
	for (size_t i = 0; i < p->read_write.n; i++) {
		if (held_pkg_dir(p, p->read_write.v[i])) {
			struct entry *e = plan_add(pl, E_BIND_RW, p->read_write.v[i]);
			if (!e)
				return log_fail(ENOMEM, "mount: plan");
			if (premade_take(e, pre)) {
				if (e->fd < 0)
					return log_fail(errno, "mount: package directory %s (premade)", e->dest);
			} else if ((r = clone_held(e, p->pkg_dir_fd, RW_ATTRS))) {
				return r;
			}
		} else if ((r = plan_bind(pl, p->read_write.v[i], RW_ATTRS, 0, "read-write path", pre))) {
			return r;
		}
	}
	if ((r = plan_tmpfs(pl, "/tmp", 01777, p->limits.tmp_mb)) ||
	    (r = plan_dev(pl)) ||
	    (r = plan_tmpfs(pl, "/dev/shm", 01777, p->limits.shm_mb)) ||
	    (r = plan_tmpfs(pl, "/run", 0755, 1)) ||
	    /* Its own tmpfs, not a link to /tmp: a package under the host's
	     * /var/tmp must keep its path inside. */
	    (r = plan_tmpfs(pl, "/var/tmp", 01777, p->limits.tmp_mb)) ||
	    (r = plan_simple(pl, E_SYMLINK, "/var/run", "/run")) ||
	    (r = plan_simple(pl, E_PROC, "/proc", NULL)))
		return r;
	if ((r = plan_protect(pl, ps, pre)))
		return r;
	for (size_t i = 0; i < p->hidden.n; i++)
		if ((r = plan_simple(pl, E_HIDE, p->hidden.v[i], NULL)))
			return r;
	if (p->network == NETWORK_NONE && (r = plan_simple(pl, E_RESOLV, "/etc/resolv.conf", NULL)))
		return r;
	plan_sort(pl);
	return 0;
}

/* An O_PATH fd of dest inside the new root, made (with its parents) when
 * missing: a directory, or an empty file when !is_dir. Only we write this
 * tree, so what we just made is what we open. Returns the fd or -errno. */
static int mount_point_open(int rootfd, const char *dest, int is_dir)
{
	char parent[4096];
	int fd = root_open(rootfd, dest, O_PATH);
	if (fd >= 0 || errno != ENOENT)
		return fd >= 0 ? fd : -errno;
	const char *slash = strrchr(dest, '/');
	size_t n = slash ? (size_t)(slash - dest) : 0;
	if (!slash || n >= sizeof(parent))
		return -EINVAL;
	memcpy(parent, dest, n);
	parent[n] = '\0';
	int dfd = mount_point_open(rootfd, n ? parent : "/", 1);
	if (dfd < 0)
		return dfd;
	int rc = is_dir ? mkdirat(dfd, slash + 1, 0755) : mknodat(dfd, slash + 1, S_IFREG | 0644, 0);
	if (rc == 0 || errno == EEXIST)
		fd = openat(dfd, slash + 1, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	int err = errno;
	close(dfd);
	return fd >= 0 ? fd : -err;
}

static int new_tmpfs(unsigned mode, uint64_t size_mb, int readonly, long owner)
{
	char opt[32];
	int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	snprintf(opt, sizeof(opt), "%o", mode);
	int r = fsconfig(fs, FSCONFIG_SET_STRING, "mode", opt, 0);
	if (r == 0 && owner >= 0) {
		snprintf(opt, sizeof(opt), "%ld", owner);
		r = fsconfig(fs, FSCONFIG_SET_STRING, "uid", opt, 0);
		if (r == 0)
			r = fsconfig(fs, FSCONFIG_SET_STRING, "gid", opt, 0);
	}
	if (r == 0) {
		snprintf(opt, sizeof(opt), "%llum", (unsigned long long)(size_mb ? size_mb : 1));
		r = fsconfig(fs, FSCONFIG_SET_STRING, "size", opt, 0);
	}
	if (r == 0)
		r = fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0);
	int mfd = r == 0 ? fsmount(fs, FSMOUNT_CLOEXEC,
				   MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (readonly ? MOUNT_ATTR_RDONLY : 0))
			 : -1;
	int err = errno;
	close(fs);
	errno = err;
	return mfd;
}

static int new_proc(void)
{
	int fs = fsopen("proc", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -1;
	int mfd = -1;
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
		mfd = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	int err = errno;
	close(fs);
	errno = err;
	return mfd;
}

static int attach(int mfd, int target)
{
	return move_mount(mfd, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) == 0 ? 0 : -errno;
}

/* /proc of our pid namespace still shows kernel knobs that DAC alone would
 * let a root-mapped script write (sysrq-trigger, sys/): make them read-only. */
static int proc_protect(int rootfd)
{
	static const char *const ro[] = { "/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus", "/proc/fs" };
	for (size_t i = 0; i < ARRAY_SIZE(ro); i++) {
		int fd = root_open(rootfd, ro[i], O_PATH);
		if (fd < 0) {
			if (errno == ENOENT)
				continue;
			return log_fail(errno, "mount: open %s", ro[i]);
		}
		int mfd = (int)open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
		struct mount_attr attr = { .attr_set = RO_ATTRS | MOUNT_ATTR_NOEXEC };
		int r = mfd < 0 ? -errno : 0;
		if (r == 0 && mount_setattr(mfd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) != 0)
			r = -errno;
		if (r == 0 && move_mount(mfd, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0)
			r = -errno;
		if (mfd >= 0)
			close(mfd);
		close(fd);
		if (r)
			return log_fail(-r, "mount: read-only %s", ro[i]);
	}
	return 0;
}

static int attach_hide(int rootfd, const char *dest)
{
	struct stat st;
	int target = root_open(rootfd, dest, O_PATH);
	/* ENOTDIR: a component is a file (.git in a worktree): nothing there. */
	if (target < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : log_fail(errno, "mount: hide %s", dest);
	if (fstat(target, &st) != 0) {
		int err = errno;
		close(target);
		return log_fail(err, "mount: hide %s", dest);
	}
	int mfd;
	if (S_ISDIR(st.st_mode)) {
		mfd = new_tmpfs(0755, 0, 1, -1);
	} else {
		mfd = (int)open_tree(AT_FDCWD, EMPTY_FILE, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		struct mount_attr attr = { .attr_set = RO_ATTRS | MOUNT_ATTR_NOEXEC };
		if (mfd >= 0 && mount_setattr(mfd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) != 0) {
			int err = errno;
			close(mfd);
			mfd = -1;
			errno = err;
		}
	}
	if (mfd < 0) {
		int err = errno;
		close(target);
		return log_fail(err, "mount: empty mount to hide %s", dest);
	}
	int r = attach(mfd, target);
	close(mfd);
	close(target);
	return r ? log_fail(-r, "mount: hide %s", dest) : 0;
}

/* The only name server inside is the tripwire's stub on 127.0.0.1:53 (or
 * nothing, which fails as fast). A resolv.conf that is missing or a
 * symbolic link (into /run, empty here) already leaves glibc's default,
 * 127.0.0.1. */
static int attach_resolv(int rootfd, const char *dest)
{
	struct stat st;
	int target = root_open(rootfd, dest, O_PATH | O_NOFOLLOW);
	if (target < 0)
		return errno == ENOENT || errno == ELOOP ? 0 : log_fail(errno, "mount: %s", dest);
	if (fstat(target, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(target);
		return 0;
	}
	int mfd = (int)open_tree(AT_FDCWD, RESOLV_FILE, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	struct mount_attr attr = { .attr_set = RO_ATTRS | MOUNT_ATTR_NOEXEC };
	int r = mfd < 0 ? -errno : 0;
	if (r == 0 && mount_setattr(mfd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) != 0)
		r = -errno;
	if (r == 0)
		r = attach(mfd, target);
	if (mfd >= 0)
		close(mfd);
	close(target);
	return r ? log_fail(-r, "mount: %s for the DNS stub", dest) : 0;
}

static int attach_entry(int rootfd, struct entry *e)
{
	int r, mfd;
	const char *op;

	if (e->kind == E_HIDE)
		return attach_hide(rootfd, e->dest);
	if (e->kind == E_RESOLV)
		return attach_resolv(rootfd, e->dest);
	if (e->kind == E_SYMLINK) {
		char parent[4096];
		snprintf(parent, sizeof(parent), "%s", e->dest);
		*strrchr(parent, '/') = '\0';
		int dfd = mount_point_open(rootfd, parent[0] ? parent : "/", 1);
		if (dfd < 0)
			return log_fail(-dfd, "mount: directory for symlink %s", e->dest);
		r = symlinkat(e->link, dfd, strrchr(e->dest, '/') + 1);
		int err = errno;
		close(dfd);
		return r == 0 || err == EEXIST ? 0 : log_fail(err, "mount: symlink %s -> %s", e->dest, e->link);
	}
	int target = mount_point_open(rootfd, e->dest, e->is_dir);
	if (target < 0)
		return log_fail(-target, "mount: mount point %s", e->dest);
	switch (e->kind) {
	case E_TMPFS:
		mfd = new_tmpfs(e->mode, e->size_mb, 0, e->owner);
		op = "tmpfs";
		break;
	case E_PROC:
		mfd = new_proc();
		op = "proc";
		break;
	default:
		mfd = e->fd;
		op = "bind";
		break;
	}
	if (mfd < 0) {
		int err = errno;
		close(target);
		return log_fail(err, "mount: new %s for %s", op, e->dest);
	}
	r = attach(mfd, target);
	close(target);
	if (mfd != e->fd)
		close(mfd);
	if (r)
		return log_fail(-r, "mount: %s on %s", op, e->dest);
	if (e->kind == E_PROC)
		return proc_protect(rootfd);
	return 0;
}

int mountns_make_private(void)
{
	/* Nothing we mount may propagate back to the host. EPERM here means a
	 * user namespace without privileges (AppArmor's restriction): the caller
	 * decides, so no message. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return errno == EPERM ? -EPERM : log_fail(errno, "mount: make / private (mount MS_REC|MS_PRIVATE)");
	return 0;
}

static int staging_setup(void)
{
	if (mount("tmpfs", STAGING, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700,size=1m") != 0)
		return log_fail(errno, "mount: staging tmpfs on %s", STAGING);
	int fd = open(EMPTY_FILE, O_CREAT | O_WRONLY | O_CLOEXEC, 0444);
	if (fd < 0)
		return log_fail(errno, "mount: create %s", EMPTY_FILE);
	close(fd);
	static const char resolv[] = "# pkgguard: the tripwire's DNS stub (no network in here)\nnameserver 127.0.0.1\n";
	fd = open(RESOLV_FILE, O_CREAT | O_WRONLY | O_CLOEXEC, 0444);
	if (fd < 0 || write(fd, resolv, sizeof(resolv) - 1) != (ssize_t)sizeof(resolv) - 1) {
		int err = errno;
		if (fd >= 0)
			close(fd);
		return log_fail(err ? err : EIO, "mount: create %s", RESOLV_FILE);
	}
	close(fd);
	if (mkdir(NEWROOT, 0755) != 0)
		return log_fail(errno, "mount: mkdir %s", NEWROOT);
	if (mount("tmpfs", NEWROOT, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m") != 0)
		return log_fail(errno, "mount: root tmpfs on %s", NEWROOT);
	return 0;
}

static int pivot(void)
{
	if (chdir(NEWROOT) != 0)
		return log_fail(errno, "mount: chdir %s", NEWROOT);
	/* pivot_root(".", ".") stacks the old root on the new one; detaching
	 * "." then drops the old root (and the staging tmpfs) entirely. */
	if (syscall(SYS_pivot_root, ".", ".") != 0)
		return log_fail(errno, "mount: pivot_root");
	if (umount2(".", MNT_DETACH) != 0)
		return log_fail(errno, "mount: detach old root");
	if (chdir("/") != 0)
		return log_fail(errno, "mount: chdir /");
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
	if (mount_setattr(AT_FDCWD, "/", 0, &attr, sizeof(attr)) != 0)
		return log_fail(errno, "mount: make the new root read-only");
	return 0;
}

int mountns_build(const struct policy *p, const struct protect_set *protect,
		  const struct premade_trees *pre, long home_owner)
{
	struct plan pl = { 0 };
	int rootfd = -1;
	int r = plan_build(p, protect, &pl, pre, home_owner);

	if (r == 0)
		r = staging_setup();
	if (r == 0) {
		rootfd = open(NEWROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (rootfd < 0)
			r = log_fail(errno, "mount: open %s", NEWROOT);
	}
	for (size_t i = 0; r == 0 && i < pl.n; i++)
		r = attach_entry(rootfd, &pl.v[i]);
	if (r == 0) {
		/* /dev holds only what we bound; nothing may be added to it. */
		struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
		if (mount_setattr(AT_FDCWD, NEWROOT "/dev", 0, &attr, sizeof(attr)) != 0)
			r = log_fail(errno, "mount: make /dev read-only");
	}
	if (rootfd >= 0)
		close(rootfd);
	plan_free(&pl);
	if (r == 0)
		r = pivot();
	return r;
}
