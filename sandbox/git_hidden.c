/* git_hidden.c — a profile hides "<dir>/.git/config" (remote URLs with
 * tokens, credential helpers, core.fsmonitor and core.hooksPath, which run
 * programs), but in a git worktree or a submodule .git is a FILE,
 * "gitdir: <path>", and the configuration lives where it points: the
 * worktree's own directory (config.worktree) and the repository's common
 * directory (named by its "commondir" file), or the superproject's
 * .git/modules/<name>. A superproject's .git directory holds the config of
 * each submodule under modules/ too. This adds those files to the hidden
 * list, resolved, so they are hidden wherever they are shown.
 *
 * The .git file and commondir come from the checkout, which a package may
 * have written: each is read once, bounded, must hold one line, and its
 * path is resolved with realpath(); only regular files named config or
 * config.worktree are ever added, so a hostile gitdir can only hide more. */
#include "git_hidden.h"
#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_MODULE_DEPTH 8
#define MAX_ADDED 256

static const char *const config_names[] = { "config", "config.worktree" };

struct adder {
	struct strlist *hidden;
	int added;
};

/* Adds dir/name when it is a regular file not listed yet. */
static int add_file(struct adder *a, const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return 0;
	if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) || strlist_has(a->hidden, path))
		return 0;
	if (a->added >= MAX_ADDED)
		return 0;
	a->added++;
	return strlist_push(a->hidden, path);
}

static int add_configs(struct adder *a, const char *dir)
{
	for (size_t i = 0; i < sizeof(config_names) / sizeof(config_names[0]); i++) {
		int rc = add_file(a, dir, config_names[i]);
		if (rc)
			return rc;
	}
	return 0;
}

/* The one line of a small file (a .git file, commondir), without its
 * newline; NULL when missing, unreadable, empty, too long or not text. */
static char *read_line(const char *path)
{
	char buf[PATH_MAX + 16];
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return NULL;
	struct stat st;
	ssize_t n = -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	size_t len = strcspn(buf, "\r\n");
	if (len == 0 || (len == (size_t)n && n == (ssize_t)sizeof(buf) - 1))
		return NULL;
	buf[len] = '\0';
	return strdup(buf);
}

/* target resolved against base's directory when relative; NULL unless it
 * is an existing directory. */
static char *resolve_dir(const char *base, const char *target)
{
	char joined[PATH_MAX * 2];
	struct stat st;

	if (target[0] == '/')
		snprintf(joined, sizeof(joined), "%s", target);
	else
		snprintf(joined, sizeof(joined), "%s/%s", base, target);
	char *real = realpath(joined, NULL);
	if (real && (stat(real, &st) != 0 || !S_ISDIR(st.st_mode))) {
		free(real);
		real = NULL;
	}
	return real;
}

/* .git is a file: the worktree's (or submodule's) git directory, and the
 * common directory it names. */
static int add_gitfile(struct adder *a, const char *gitfile, const char *checkout)
{
	char *line = read_line(gitfile);
	int rc = 0;

	if (!line || strncmp(line, "gitdir: ", 8) != 0) {
		free(line);
		return 0;
	}
	char *gitdir = resolve_dir(checkout, line + 8);
	free(line);
	if (!gitdir)
		return 0;
	rc = add_configs(a, gitdir);
	char common_file[PATH_MAX];
	if (rc == 0 && snprintf(common_file, sizeof(common_file), "%s/commondir", gitdir) < (int)sizeof(common_file)) {
		char *common = read_line(common_file);
		char *commondir = common ? resolve_dir(gitdir, common) : NULL;
		if (commondir)
			rc = add_configs(a, commondir);
		free(common);
		free(commondir);
	}
	free(gitdir);
	return rc;
}

/* Every submodule's git directory below dir (modules/<name>; a name may
 * hold '/', so a directory without HEAD is a step of a name): its config,
 * then its own modules/. Objects and refs are never walked. */
static int add_modules(struct adder *a, const char *dir, int depth)
{
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (depth > MAX_MODULE_DEPTH || !(d = opendir(dir)))
		return 0;
	while (rc == 0 && (e = readdir(d))) {
		char sub[PATH_MAX], head[PATH_MAX + 8];
		struct stat st;
		if (e->d_name[0] == '.' || snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name) >= (int)sizeof(sub))
			continue;
		if (lstat(sub, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		snprintf(head, sizeof(head), "%s/HEAD", sub);
		if (lstat(head, &st) != 0) {
			rc = add_modules(a, sub, depth + 1);
			continue;
		}
		rc = add_configs(a, sub);
		if (rc == 0 && depth < MAX_MODULE_DEPTH) {
			snprintf(head, sizeof(head), "%s/modules", sub);
			rc = add_modules(a, head, depth + 1);
		}
	}
	closedir(d);
	return rc;
}

/* .git is a directory: its worktrees' config.worktree and its submodules. */
static int add_gitdir_children(struct adder *a, const char *git)
{
	char path[PATH_MAX];
	int rc = add_configs(a, git);
	if (rc == 0 && snprintf(path, sizeof(path), "%s/modules", git) < (int)sizeof(path))
		rc = add_modules(a, path, 0);
	if (rc == 0 && snprintf(path, sizeof(path), "%s/worktrees", git) < (int)sizeof(path))
		rc = add_modules(a, path, MAX_MODULE_DEPTH); /* worktrees/<name>: one level */
	return rc;
}

/* "<checkout>/.git/config": the checkout, else NULL. */
static char *checkout_of(const char *hidden)
{
	static const char suffix[] = "/.git/config";
	size_t n = strlen(hidden), s = sizeof(suffix) - 1;
	if (n <= s || strcmp(hidden + n - s, suffix) != 0)
		return NULL;
	return strndup(hidden, n - s);
}

int git_hidden_expand(struct strlist *hidden)
{
	struct adder a = { .hidden = hidden, .added = 0 };
	size_t n = hidden->n; /* only the profile's own entries */

	for (size_t i = 0; i < n; i++) {
		char *checkout = checkout_of(hidden->v[i]);
		char git[PATH_MAX];
		struct stat st;
		int rc = 0;

		if (!checkout)
			continue;
		if (snprintf(git, sizeof(git), "%s/.git", checkout) < (int)sizeof(git) && lstat(git, &st) == 0) {
			if (S_ISREG(st.st_mode))
				rc = add_gitfile(&a, git, checkout);
			else if (S_ISDIR(st.st_mode))
				rc = add_gitdir_children(&a, git);
		}
		free(checkout);
		if (rc)
			return log_fail(-rc, "hidden: git configuration of %s", hidden->v[i]);
	}
	return 0;
}
