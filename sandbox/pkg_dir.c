/* pkg_dir.c — establishing the package directory (see pkg_dir.h). The
 * attack it stops: package A's preinstall replaces node_modules/B with a
 * symlink to the project (or ~/.local/bin, a site-packages); B's
 * postinstall then starts with its working directory through that link,
 * and a sandbox taking the resolved working directory would bind that
 * target writable. */
#include "pkg_dir.h"
#include "pkg_layout.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

enum pkg_dir_place pkg_dir_place(const char *root, const char *named, const char **rel)
{
	size_t n = strlen(root);

	*rel = NULL;
	while (n > 1 && root[n - 1] == '/')
		n--;
	if (strncmp(named, root, n) != 0)
		return PKG_DIR_OUTSIDE;
	if (named[n] == '\0' || (named[n] == '/' && named[n + 1] == '\0'))
		return PKG_DIR_ROOT;
	if (n == 1 && root[0] == '/')
		n = 0; /* the root is "/": named[0] is its '/' */
	if (named[n] != '/')
		return PKG_DIR_OUTSIDE;
	*rel = named + n + 1;
	if (pkg_layout_is_package(*rel))
		return PKG_DIR_PACKAGE;
	for (const char *s = *rel; s; s = strchr(s, '/')) {
		s += *s == '/';
		if (strncmp(s, "node_modules", 12) == 0 && (s[12] == '/' || s[12] == '\0'))
			return PKG_DIR_OTHER;
	}
	/* ".." or "." would make the string say something else than the walk. */
	for (const char *s = *rel; s; s = strchr(s, '/')) {
		s += *s == '/';
		if ((s[0] == '.' && (s[1] == '/' || s[1] == '\0')) ||
		    (s[0] == '.' && s[1] == '.' && (s[2] == '/' || s[2] == '\0')) || s[0] == '/' || s[0] == '\0')
			return PKG_DIR_OTHER;
	}
	return PKG_DIR_WORKSPACE;
}

static int refuse(char *err, size_t errlen, int e, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int refuse(char *err, size_t errlen, int e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -e;
}

/* rel under rootfd, every component a real directory. */
static int open_beneath(int rootfd, const char *rel)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, rootfd, rel && *rel ? rel : ".", &how, sizeof(how));

	return fd < 0 ? -errno : fd;
}

static const char *place_rule(enum pkg_dir_place p)
{
	return p == PKG_DIR_OTHER ? "under node_modules but not a package directory"
				  : "not inside the project";
}

/* Outside the project, a directory the package manager itself names: npm
 * and pnpm run a file: directory dependency (the project says
 * "x": "file:../x") in the directory it links to. Never through a link
 * (walked from "/" without following any: the manager names its real
 * path), never one containing a root (that would make the project
 * writable), and a package: it holds a package.json. The profile's rules on
 * writable paths ($HOME, system and credential directories) apply to it as
 * to any. */
static int establish_linked(const struct pkg_dir_request *rq, struct pkg_dir *out, char *err, size_t errlen)
{
	static const char rule[] = "outside the project only a file: directory the package manager names "
				   "(a real directory with a package.json, containing no project)";
	const char *rel;
	int fd;

	for (size_t i = 0; i < rq->nroots; i++)
		if (pkg_dir_place(rq->named, rq->roots[i], &rel) != PKG_DIR_OUTSIDE)
			return refuse(err, errlen, EPERM, "package directory %s refused: it contains %s; %s", rq->named,
				      rq->roots[i], rule);
	if (rq->named[0] != '/' || strstr(rq->named, "/./") || strstr(rq->named, "/../") ||
	    strstr(rq->named, "//"))
		return refuse(err, errlen, EPERM, "package directory %s refused: not a normalised path; %s", rq->named,
			      rule);
	{
		struct open_how how = {
			.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
		};
		fd = (int)syscall(SYS_openat2, AT_FDCWD, rq->named, &how, sizeof(how));
	}
	if (fd < 0 && errno == ELOOP)
		return refuse(err, errlen, EPERM, "package directory %s refused: a component is a symbolic link; %s",
			      rq->named, rule);
	if (fd < 0)
		return refuse(err, errlen, errno, "package directory %s: %s", rq->named, strerror(errno));
	if (faccessat(fd, "package.json", F_OK, AT_SYMLINK_NOFOLLOW) != 0 || fstat(fd, &out->st) != 0 ||
	    (rq->cwd && (rq->cwd->st_dev != out->st.st_dev || rq->cwd->st_ino != out->st.st_ino))) {
		close(fd);
		return refuse(err, errlen, EPERM, "package directory %s refused: no package.json, or not the working "
			      "directory; %s", rq->named, rule);
	}
	out->place = PKG_DIR_LINKED;
	out->fd = fd;
	out->path = strdup(rq->named);
	out->root = strdup(rq->named);
	if (!out->path || !out->root) {
		pkg_dir_release(out);
		return refuse(err, errlen, ENOMEM, "package directory %s: %s", rq->named, strerror(ENOMEM));
	}
	return 0;
}

int pkg_dir_establish(const struct pkg_dir_request *rq, struct pkg_dir *out, char *err, size_t errlen)
{
	static const char rule[] = "a dependency's script writes only a real directory of a package under the "
				   "project's node_modules";
	enum pkg_dir_place place = PKG_DIR_OUTSIDE;
	const char *rel = NULL;
	size_t i;
	int rootfd, fd;

	memset(out, 0, sizeof(*out));
	out->fd = -1;
	/* The first root under which named is a package directory; another
	 * root may contain this one (a global prefix under the project). */
	enum pkg_dir_place first = PKG_DIR_OUTSIDE;
	size_t first_i = 0;
	for (i = 0; i < rq->nroots; i++) {
		place = pkg_dir_place(rq->roots[i], rq->named, &rel);
		/* A global prefix is nobody's project; a workspace needs the
		 * manager's word: the working directory alone may have come
		 * through a link. */
		if ((place == PKG_DIR_ROOT && i >= rq->project_roots) ||
		    (place == PKG_DIR_WORKSPACE && (!rq->named_by_manager || i >= rq->project_roots)))
			place = PKG_DIR_OTHER;
		if (place != PKG_DIR_OUTSIDE && first == PKG_DIR_OUTSIDE) {
			first = place;
			first_i = i;
		}
		if (place != PKG_DIR_OUTSIDE && place != PKG_DIR_OTHER)
			break;
	}
	if (i == rq->nroots) {
		place = first;
		i = first_i;
	}
	if (place == PKG_DIR_OUTSIDE && rq->named_by_manager)
		return establish_linked(rq, out, err, errlen);
	if (place == PKG_DIR_OUTSIDE || place == PKG_DIR_OTHER) {
		char why[256];

		snprintf(why, sizeof(why), "%s (%s)", place_rule(place), i < rq->nroots ? rq->roots[i] : rq->roots[0]);
		snprintf(err, errlen, "package directory %s refused: %s; %s", rq->named,
			 place == PKG_DIR_OUTSIDE ? why : place_rule(place), rule);
		return -EPERM;
	}
	rootfd = open(rq->roots[i], O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return refuse(err, errlen, errno, "package directory: open the root %s: %s", rq->roots[i],
			      strerror(errno));
	fd = open_beneath(rootfd, place == PKG_DIR_ROOT ? NULL : rel);
	close(rootfd);
	if (fd == -ELOOP || fd == -EXDEV)
		return refuse(err, errlen, EPERM, "package directory %s refused: a component is a symbolic link; %s",
			      rq->named, rule);
	if (fd < 0)
		return refuse(err, errlen, -fd, "package directory %s: %s", rq->named, strerror(-fd));
	if (fstat(fd, &out->st) != 0) {
		int e = errno;

		close(fd);
		return refuse(err, errlen, e, "package directory %s: fstat: %s", rq->named, strerror(e));
	}
	if (rq->cwd && (rq->cwd->st_dev != out->st.st_dev || rq->cwd->st_ino != out->st.st_ino)) {
		close(fd);
		return refuse(err, errlen, EPERM,
			      "package directory %s refused: the working directory is another directory; %s",
			      rq->named, rule);
	}
	out->place = place;
	out->fd = fd;
	out->root = strdup(rq->roots[i]);
	if (place == PKG_DIR_ROOT)
		out->path = strdup(rq->roots[i]);
	else if (asprintf(&out->path, "%s/%s", strcmp(rq->roots[i], "/") == 0 ? "" : rq->roots[i], rel) < 0)
		out->path = NULL;
	if (!out->path || !out->root) {
		pkg_dir_release(out);
		return refuse(err, errlen, ENOMEM, "package directory %s: %s", rq->named, strerror(ENOMEM));
	}
	return 0;
}

void pkg_dir_release(struct pkg_dir *d)
{
	if (d->fd >= 0)
		close(d->fd);
	free(d->path);
	free(d->root);
	d->fd = -1;
	d->path = d->root = NULL;
}
