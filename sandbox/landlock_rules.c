/* landlock_rules.c — the Landlock layer: one ruleset built from the policy
 * and enforced on the calling thread (and so on the script it will exec).
 * Owns: ABI probing, the filesystem rules of both confinement modes, the TCP
 * bind/connect refusal for network = none, and the IPC scopes.
 * Does not own: mounts (mountns.c), no_new_privs (caps.c), syscall filtering
 * (seccomp_filter.c). Called after PR_SET_NO_NEW_PRIVS, before seccomp. */
#include "landlock_rules.h"
#include "array_size.h"
#include "layers.h"
#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/landlock.h>

/* The build host's headers may predate the running kernel: the values below
 * are the kernel's own (include/uapi/linux/landlock.h). */
#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset __NR_landlock_create_ruleset
#endif
#ifndef SYS_landlock_add_rule
#define SYS_landlock_add_rule __NR_landlock_add_rule
#endif
#ifndef SYS_landlock_restrict_self
#define SYS_landlock_restrict_self __NR_landlock_restrict_self
#endif
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)      /* ABI 2 */
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)   /* ABI 3 */
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)  /* ABI 5 */
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0)   /* ABI 4 */
#endif
#ifndef LANDLOCK_ACCESS_NET_CONNECT_TCP
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0) /* ABI 6 */
#endif
#ifndef LANDLOCK_SCOPE_SIGNAL
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif

#define FALLTHROUGH __attribute__((fallthrough))

/* Our own copy of the ruleset attribute as of ABI 6: an older header stops
 * after handled_access_fs. An older kernel accepts the larger struct as long
 * as the fields it does not know are zero, which ll_handled() ensures. */
struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

#define LL_FS_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR | \
		    LANDLOCK_ACCESS_FS_EXECUTE)

#define LL_FS_ALL (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
		   LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR | \
		   LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE | \
		   LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | \
		   LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK | \
		   LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK | \
		   LANDLOCK_ACCESS_FS_MAKE_SYM | LANDLOCK_ACCESS_FS_REFER | \
		   LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV)

/* The only rights a rule on a non-directory may carry (else EINVAL). */
#define LL_FS_FILE (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
		    LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE | \
		    LANDLOCK_ACCESS_FS_IOCTL_DEV)

/* The character devices every script may write to. TRUNCATE because a shell's
 * `> /dev/null` opens with O_TRUNC; IOCTL_DEV so that isatty() on them gets
 * the ENOTTY programs expect rather than EACCES. */
#define LL_FS_DEV_WRITE (LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE | \
			 LANDLOCK_ACCESS_FS_IOCTL_DEV)

static const char *const ll_dev_files[] = {
	"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
};

/* The ruleset being built: its fd and what the running ABI lets it handle
 * (rules may only name handled rights). */
struct ll_ruleset {
	int fd;
	uint64_t handled_fs;
};

/* How a path given to ll_allow_path() is treated. */
enum {
	LL_REQUIRED = 0,
	LL_OPTIONAL = 1 << 0, /* a missing path is skipped, not an error */
	LL_NOFOLLOW = 1 << 1, /* the path is already resolved; a symlink there now is skipped */
};


/* ---- ABI ---------------------------------------------------------------- */

/* Highest ABI the kernel supports, or -errno (ENOSYS: not built in;
 * EOPNOTSUPP: built in but not enabled at boot). */
static int ll_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	return abi < 0 ? -errno : (int)abi;
}

/* What to handle, downgraded from the newest ABI we know to the running one:
 * each case removes what its ABI lacks and falls through to the older ones. */
static struct ll_ruleset_attr ll_handled(int abi, enum network_mode net)
{
	struct ll_ruleset_attr a = {
		.handled_access_fs = LL_FS_ALL,
		.handled_access_net = net == NETWORK_NONE ?
			LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP : 0,
		.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL,
	};

	switch (abi) {
	case 1:
		a.handled_access_fs &= ~LANDLOCK_ACCESS_FS_REFER;
		FALLTHROUGH;
	case 2:
		a.handled_access_fs &= ~LANDLOCK_ACCESS_FS_TRUNCATE;
		FALLTHROUGH;
	case 3:
		a.handled_access_net = 0;
		FALLTHROUGH;
	case 4:
		a.handled_access_fs &= ~LANDLOCK_ACCESS_FS_IOCTL_DEV;
		FALLTHROUGH;
	case 5:
		a.scoped = 0;
		break;
	default:
		/* 6, and 7 which only adds logging flags we do not use. */
		break;
	}
	return a;
}

/* Unsupported kernel: with namespaces the mount namespace already bounds the
 * filesystem; in the fallback Landlock is the only boundary there is. */
static int ll_unsupported(enum confinement mode, int err)
{
	if (mode == CONFINE_NAMESPACES) {
		log_warn("landlock: not supported by this kernel; relying on the mount namespace");
		return 0;
	}
	return log_fail_plain(EOPNOTSUPP,
		"landlock: landlock_create_ruleset: %s: not supported by this kernel, and without "
		"user namespaces it is the only filesystem boundary, so the script is not run. "
		"Hint: enable Landlock (CONFIG_SECURITY_LANDLOCK, \"landlock\" in lsm=) or allow "
		"unprivileged user namespaces", strerror(err));
}

/* ---- paths -------------------------------------------------------------- */

/* True when path lies strictly below dir (both absolute). Lexical: callers
 * pass resolved paths, or paths built from the same policy strings. */
static bool ll_below(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 1 && dir[0] == '/')
		return path[0] == '/' && path[1] != '\0';
	return strncmp(path, dir, n) == 0 && path[n] == '/' && path[n + 1] != '\0';
}

static bool ll_at_or_below(const char *path, const char *dir)
{
	return strcmp(path, dir) == 0 || ll_below(path, dir);
}

static char *ll_join(const char *dir, const char *name)
{
	size_t n = strlen(dir);
	char *s;

	if (asprintf(&s, "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name) < 0)
		return NULL;
	return s;
}

/* ---- hidden paths inside allowed trees ----------------------------------- */

/* Hidden paths resolved once: a rule is about what a path resolves to, so the
 * comparison with the entries of a tree must be on resolved paths too. */
struct ll_hidden {
	char **path;
	bool *is_dir;
	size_t n;
};

static void ll_hidden_free(struct ll_hidden *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->path[i]);
	free(h->path);
	free(h->is_dir);
}

static int ll_hidden_resolve(const char *const *hidden, size_t nhidden, struct ll_hidden *h)
{
	h->n = 0;
	h->path = calloc(nhidden ? nhidden : 1, sizeof(*h->path));
	h->is_dir = calloc(nhidden ? nhidden : 1, sizeof(*h->is_dir));
	if (!h->path || !h->is_dir)
		return -ENOMEM;
	for (size_t i = 0; i < nhidden; i++) {
		struct stat st;
		char *r = realpath(hidden[i], NULL);

		/* A hidden path that does not exist has nothing to hide; one we may
		 * not even reach is out of the script's reach too (same uid). */
		if (!r) {
			if (errno == ENOENT || errno == ENOTDIR || errno == EACCES)
				continue;
			return -errno;
		}
		if (stat(r, &st) < 0) {
			int err = errno;
			free(r);
			return -err;
		}
		h->path[h->n] = r;
		h->is_dir[h->n] = S_ISDIR(st.st_mode);
		h->n++;
	}
	return 0;
}

static bool ll_hidden_is(const struct ll_hidden *h, const char *path)
{
	for (size_t i = 0; i < h->n; i++)
		if (strcmp(h->path[i], path) == 0)
			return true;
	return false;
}

/* Is some hidden path (some hidden directory, when dirs_only) strictly below dir? */
static bool ll_hidden_below(const struct ll_hidden *h, const char *dir, bool dirs_only)
{
	for (size_t i = 0; i < h->n; i++)
		if ((!dirs_only || h->is_dir[i]) && ll_below(h->path[i], dir))
			return true;
	return false;
}

/* One directory on the way to a hidden path: its entries become leaves,
 * except hidden ones (left out) and those that still contain a hidden path
 * (descended into). Symlinks are left out: a rule on a link is a rule on its
 * target, which may be the very file we hide; a link into an allowed tree
 * keeps working through that tree's own rule. */
static int ll_expand_dir(const char *dir, const struct ll_hidden *h,
			 struct strlist *leaves, struct strlist *listable)
{
	DIR *d;
	struct dirent *e;
	int rc = 0;

	d = opendir(dir);
	if (!d) {
		/* Unreadable: no rule for anything in it, which only denies more. */
		if (errno == EACCES) {
			log_debug("landlock: cannot list %s; its entries stay denied", dir);
			return 0;
		}
		return -errno;
	}

	/* READ_DIR is inherited by everything below: granting it here would let a
	 * hidden directory below be listed, so only when the hidden paths below
	 * are all files (READ_DIR does not open files). */
	if (!ll_hidden_below(h, dir, true)) {
		rc = strlist_take(listable, strdup(dir));
		if (rc < 0)
			goto out;
	}

	for (;;) {
		struct stat st;
		char *child;

		errno = 0;
		e = readdir(d);
		if (!e) {
			rc = errno ? -errno : 0;
			break;
		}
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT)
				continue; /* removed while we list */
			rc = -errno;
			break;
		}
		if (S_ISLNK(st.st_mode))
			continue;
		child = ll_join(dir, e->d_name);
		if (!child) {
			rc = -ENOMEM;
			break;
		}
		if (ll_hidden_is(h, child)) {
			free(child);
			continue;
		}
		if (S_ISDIR(st.st_mode) && ll_hidden_below(h, child, false)) {
			rc = ll_expand_dir(child, h, leaves, listable);
			free(child);
		} else {
			rc = strlist_take(leaves, child);
		}
		if (rc < 0)
			break;
	}
out:
	closedir(d);
	return rc;
}

/* Where rules go for one allowed tree so that no hidden path is reachable
 * through it. leaves get the tree's rights: the tree itself when nothing
 * hidden lies below it, else the entries along the way to each hidden path
 * minus the hidden ones (recursing only into directories that contain one).
 * listable are directories on that way that get READ_DIR alone. A tree that
 * is itself hidden, or lies inside a hidden directory, gives nothing.
 * Outputs are resolved paths (open them without following links); they are
 * appended to, and left for the caller to free even on error.
 * Returns 0 or -errno (-ENOENT: the tree does not exist). */
int landlock_hidden_expand(const char *tree, const char *const *hidden, size_t nhidden,
			   struct strlist *leaves, struct strlist *listable)
{
	struct ll_hidden h = { 0 };
	char *real;
	int rc;

	real = realpath(tree, NULL);
	if (!real)
		return -errno;
	rc = ll_hidden_resolve(hidden, nhidden, &h);
	if (rc < 0)
		goto out;

	for (size_t i = 0; i < h.n; i++)
		if (ll_at_or_below(real, h.path[i]))
			goto out; /* hidden wins over allowed */

	if (ll_hidden_below(&h, real, false)) {
		rc = ll_expand_dir(real, &h, leaves, listable);
	} else {
		rc = strlist_take(leaves, real);
		real = NULL;
	}
out:
	ll_hidden_free(&h);
	free(real);
	return rc;
}

/* ---- rules ---------------------------------------------------------------- */

/* Allows access beneath the directory or file fd is open on. */
static int ll_allow_fd(const struct ll_ruleset *rs, int fd, const char *path, uint64_t access)
{
	struct landlock_path_beneath_attr pb = { 0 };
	struct stat st;

	if (fstat(fd, &st) < 0)
		return log_fail(errno, "landlock: fstat %s", path);
	if (S_ISLNK(st.st_mode))
		return 0; /* replaced by a link since it was resolved */
	pb.allowed_access = access & rs->handled_fs;
	if (!S_ISDIR(st.st_mode))
		pb.allowed_access &= LL_FS_FILE;
	if (!pb.allowed_access)
		return 0;
	pb.parent_fd = fd;
	if (syscall(SYS_landlock_add_rule, rs->fd, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0)
		return log_fail(errno, "landlock: landlock_add_rule %s (access 0x%" PRIx64 ")",
				path, (uint64_t)pb.allowed_access);
	return 0;
}

/* Allows access beneath path (or on it, for a file). */
static int ll_allow_path(const struct ll_ruleset *rs, const char *path, uint64_t access,
			 unsigned flags)
{
	int fd, rc;

	fd = open(path, O_PATH | O_CLOEXEC | ((flags & LL_NOFOLLOW) ? O_NOFOLLOW : 0));
	if (fd < 0) {
		if ((flags & LL_OPTIONAL) && (errno == ENOENT || errno == ENOTDIR)) {
			log_debug("landlock: %s does not exist, no rule", path);
			return 0;
		}
		return log_fail(errno, "landlock: open %s", path);
	}
	rc = ll_allow_fd(rs, fd, path, access);
	close(fd);
	return rc;
}

static int ll_allow_list(const struct ll_ruleset *rs, const struct strlist *l, uint64_t access,
			 unsigned flags)
{
	for (size_t i = 0; i < l->n; i++) {
		int rc = ll_allow_path(rs, l->v[i], access, flags);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int ll_allow_devices(const struct ll_ruleset *rs, uint64_t access)
{
	for (size_t i = 0; i < ARRAY_SIZE(ll_dev_files); i++) {
		int rc = ll_allow_path(rs, ll_dev_files[i], access, LL_OPTIONAL);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* With namespaces, paths are the sandbox's: the mount namespace already holds
 * only what the policy shows, hidden paths are masked there, and $HOME is an
 * empty tmpfs. These rules repeat that boundary in the kernel's terms. */
static int ll_rules_namespaces(const struct ll_ruleset *rs, const struct policy *p)
{
	int rc;

	/* The root is a read-only tmpfs of mount points: listing it (and so any
	 * directory) reveals only what the mount policy already shows. */
	if ((rc = ll_allow_path(rs, "/", LANDLOCK_ACCESS_FS_READ_DIR, LL_REQUIRED)) < 0 ||
	    (rc = ll_allow_list(rs, &p->read_only, LL_FS_READ, LL_REQUIRED)) < 0 ||
	    (rc = ll_allow_list(rs, &p->read_only_optional, LL_FS_READ, LL_OPTIONAL)) < 0 ||
	    (rc = ll_allow_list(rs, &p->home_read_only, LL_FS_READ, LL_OPTIONAL)) < 0 ||
	    (rc = ll_allow_path(rs, "/proc", LL_FS_READ, LL_OPTIONAL)) < 0 ||
	    (rc = ll_allow_path(rs, "/dev", LL_FS_READ, LL_OPTIONAL)) < 0 ||
	    (rc = ll_allow_list(rs, &p->read_write, LL_FS_ALL, LL_REQUIRED)) < 0 ||
	    (rc = ll_allow_path(rs, "/tmp", LL_FS_ALL, LL_OPTIONAL)) < 0 ||
	    (rc = ll_allow_path(rs, "/var/tmp", LL_FS_ALL, LL_OPTIONAL)) < 0 ||
	    (rc = ll_allow_path(rs, "/dev/shm", LL_FS_ALL, LL_OPTIONAL)) < 0)
		return rc;
	/* $HOME is the sandbox's own empty tmpfs; home_read_only entries are
	 * read-only bind mounts inside it, which the mount flags keep so. */
	if (p->home && (rc = ll_allow_path(rs, p->home, LL_FS_ALL, LL_OPTIONAL)) < 0)
		return rc;
	return ll_allow_devices(rs, LL_FS_DEV_WRITE);
}

/* Fallback: one tree, with its hidden paths carved out. The directories on
 * the way to a hidden path get READ_DIR only: write rights there would let a
 * script replace or delete the hidden file. */
static int ll_allow_tree(const struct ll_ruleset *rs, const char *tree, uint64_t access,
			 const char *const *hidden, size_t nhidden, unsigned flags)
{
	struct strlist leaves = { 0 }, listable = { 0 };
	int rc;

	rc = landlock_hidden_expand(tree, hidden, nhidden, &leaves, &listable);
	if (rc == -ENOENT || rc == -ENOTDIR) {
		if (flags & LL_OPTIONAL) {
			log_debug("landlock: %s does not exist, no rule", tree);
			rc = 0;
			goto out;
		}
	}
	if (rc < 0) {
		rc = log_fail(-rc, "landlock: resolve %s", tree);
		goto out;
	}
	if ((rc = ll_allow_list(rs, &leaves, access, LL_NOFOLLOW)) < 0 ||
	    (rc = ll_allow_list(rs, &listable, LANDLOCK_ACCESS_FS_READ_DIR, LL_NOFOLLOW)) < 0)
		goto out;
	if (leaves.n > 1 || listable.n)
		log_debug("landlock: %s split into %zu rules around hidden paths", tree,
			  leaves.n + listable.n);
out:
	strlist_free(&leaves);
	strlist_free(&listable);
	return rc;
}

/* $HOME (last in hidden, counted in nhidden) is hidden from a tree that
 * contains it, but a tree the profile names inside $HOME (the project, the
 * package) is an explicit grant: for that one it is left out. */
static int ll_allow_tree_home(const struct ll_ruleset *rs, const char *tree, uint64_t access,
			      const char *const *hidden, size_t nhidden, const char *home,
			      unsigned flags)
{
	if (home && ll_below(tree, home))
		nhidden--;
	return ll_allow_tree(rs, tree, access, hidden, nhidden, flags);
}

static int ll_allow_trees(const struct ll_ruleset *rs, const struct strlist *trees,
			  uint64_t access, const char *const *hidden, size_t nhidden,
			  const char *home, unsigned flags)
{
	for (size_t i = 0; i < trees->n; i++) {
		int rc = ll_allow_tree_home(rs, trees->v[i], access, hidden, nhidden, home, flags);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The writable trees of the fallback. The package directory, when nothing
 * hidden lies in it, gets its rule through the fd it was opened by without
 * following links (pkg_dir.c), not through its path, which a script of
 * another package may have replaced by a link since. (0..2 are stdio: a
 * zeroed policy, as unit tests build, holds no fd.) */
static int ll_allow_writable(const struct ll_ruleset *rs, const struct policy *p,
			     const char *const *hidden, size_t nall, const char *home)
{
	for (size_t i = 0; i < p->read_write.n; i++) {
		const char *tree = p->read_write.v[i];
		struct strlist leaves = { 0 }, listable = { 0 };
		bool by_fd = false;
		int rc;

		if (p->pkg_dir && p->pkg_dir_fd > STDERR_FILENO && strcmp(tree, p->pkg_dir) == 0) {
			size_t nh = home && ll_below(tree, home) ? nall - 1 : nall;

			rc = landlock_hidden_expand(tree, hidden, nh, &leaves, &listable);
			by_fd = rc == 0 && leaves.n == 1 && listable.n == 0 && strcmp(leaves.v[0], tree) == 0;
			strlist_free(&leaves);
			strlist_free(&listable);
		}
		rc = by_fd ? ll_allow_fd(rs, p->pkg_dir_fd, tree, LL_FS_ALL)
			   : ll_allow_tree_home(rs, tree, LL_FS_ALL, hidden, nall, home, LL_REQUIRED);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Without namespaces, paths are the host's: Landlock is the whole filesystem
 * boundary, so it must itself keep $HOME and the hidden paths unreadable. */
static int ll_rules_fallback(const struct ll_ruleset *rs, const struct policy *p,
			     const char *fallback_tmp)
{
	const char *home = p->home;
	const char **hidden;
	size_t nh = p->hidden.n, nall;
	int rc;

	if (!fallback_tmp)
		return log_fail_plain(EINVAL, "landlock: the fallback needs a private temporary directory");

	/* p->hidden, then $HOME (see ll_allow_tree_home). */
	hidden = calloc(nh + 1, sizeof(*hidden));
	if (!hidden)
		return log_fail(ENOMEM, "landlock: hidden path list");
	for (size_t i = 0; i < nh; i++)
		hidden[i] = p->hidden.v[i];
	nall = nh;
	if (home)
		hidden[nall++] = home;

	if ((rc = ll_allow_trees(rs, &p->read_only, LL_FS_READ, hidden, nall, home,
				 LL_REQUIRED)) < 0 ||
	    (rc = ll_allow_trees(rs, &p->read_only_optional, LL_FS_READ, hidden, nall, home,
				 LL_OPTIONAL)) < 0 ||
	    /* Inside $HOME by definition: only p->hidden applies to them. */
	    (rc = ll_allow_trees(rs, &p->home_read_only, LL_FS_READ, hidden, nh, NULL,
				 LL_OPTIONAL)) < 0 ||
	    (rc = ll_allow_tree_home(rs, "/proc", LL_FS_READ, hidden, nall, home,
				     LL_OPTIONAL)) < 0 ||
	    (rc = ll_allow_writable(rs, p, hidden, nall, home)) < 0 ||
	    (rc = ll_allow_tree_home(rs, fallback_tmp, LL_FS_ALL, hidden, nall, home,
				     LL_REQUIRED)) < 0)
		goto out;
	/* Read too: /dev itself is not shown in the fallback. */
	rc = ll_allow_devices(rs, LANDLOCK_ACCESS_FS_READ_FILE | LL_FS_DEV_WRITE);
out:
	free(hidden);
	return rc;
}

/* ---- entry point ----------------------------------------------------------- */

int landlock_apply(const struct policy *p, enum confinement mode, const char *fallback_tmp)
{
	struct ll_ruleset_attr attr;
	struct ll_ruleset rs = { .fd = -1 };
	int abi, rc;

	if (!p || (mode != CONFINE_NAMESPACES && mode != CONFINE_FALLBACK))
		return log_fail_plain(EINVAL, "landlock: invalid arguments");

	abi = ll_abi();
	if (abi == -ENOSYS || abi == -EOPNOTSUPP)
		return ll_unsupported(mode, -abi);
	if (abi < 0)
		return log_fail(-abi, "landlock: landlock_create_ruleset(VERSION)");

	attr = ll_handled(abi, p->network);
	rs.handled_fs = attr.handled_access_fs;
	rs.fd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (rs.fd < 0)
		return log_fail(errno, "landlock: landlock_create_ruleset (ABI %d)", abi);

	rc = mode == CONFINE_NAMESPACES ? ll_rules_namespaces(&rs, p)
					: ll_rules_fallback(&rs, p, fallback_tmp);
	if (rc < 0)
		goto out;

	if (syscall(SYS_landlock_restrict_self, rs.fd, 0) < 0) {
		rc = log_fail(errno, "landlock: landlock_restrict_self");
		goto out;
	}
	if (p->network == NETWORK_NONE && !attr.handled_access_net)
		log_debug("landlock: ABI %d cannot refuse TCP; the network namespace or seccomp does", abi);
	log_debug("landlock: ABI %d enforced (fs 0x%" PRIx64 ", net 0x%" PRIx64 ", scopes 0x%" PRIx64 ")",
		  abi, attr.handled_access_fs, attr.handled_access_net, attr.scoped);
	rc = 0;
out:
	close(rs.fd);
	return rc;
}
