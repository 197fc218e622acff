/* protect.c — persistence points kept read-only inside a writable
 * directory (see protect.h). Everything is looked up with openat2 from the
 * writable directory without following links: it was itself opened that
 * way (pkg_dir.c), and a link on the way would make a placeholder or a bind
 * land elsewhere. */
#include "protect.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int open_no_links(int dirfd, const char *rel, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
}

/* The writable directory of p that strictly contains path, or NULL. */
static const char *writable_of(const struct policy *p, const char *path)
{
	for (size_t i = 0; i < p->read_write.n; i++) {
		const char *w = p->read_write.v[i];
		size_t n = strlen(w);

		if (strncmp(path, w, n) == 0 && path[n] == '/' && path[n + 1])
			return w;
	}
	return NULL;
}

static int add_item(struct protect_set *s, const char *writable, const char *held, bool placeholder,
		    const struct stat *st)
{
	struct protect_item *v = realloc(s->v, (s->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	s->v = v;
	v[s->n] = (struct protect_item){
		.held = strdup(held), .writable = strdup(writable), .placeholder = placeholder,
		.is_dir = S_ISDIR(st->st_mode), .dev = st->st_dev, .ino = st->st_ino,
	};
	if (!v[s->n].held || !v[s->n].writable) {
		free(v[s->n].held);
		free(v[s->n].writable);
		return -ENOMEM;
	}
	s->n++;
	return 0;
}

/* One protected path: walks it from its writable directory; the first
 * missing component becomes a placeholder (a directory, or a file when it
 * is the protected file itself). */
static int prepare_one(const char *writable, const char *path, bool want_dir, struct protect_set *s)
{
	char rel[PATH_MAX], held[PATH_MAX * 2 + 2];
	struct stat st;
	int wfd, fd, r = 0;

	if (snprintf(rel, sizeof(rel), "%s", path + strlen(writable) + 1) >= (int)sizeof(rel))
		return log_fail(ENAMETOOLONG, "protect: %s", path);
	wfd = open(writable, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (wfd < 0)
		return log_fail(errno, "protect: open %s", writable);
	for (char *end = rel;; ) {
		end = strchr(end, '/');
		bool last = end == NULL;
		if (!last)
			*end = '\0';
		snprintf(held, sizeof(held), "%s/%s", writable, rel);
		fd = open_no_links(wfd, rel, O_PATH);
		if (fd < 0 && errno == ENOENT) {
			/* Absent: held empty for the script's lifetime. */
			bool dir = !last || want_dir;
			int dfd = -1;
			char *slash = strrchr(rel, '/');
			if (slash) {
				*slash = '\0';
				dfd = open_no_links(wfd, rel, O_PATH | O_DIRECTORY);
				*slash = '/';
			}
			int pfd = slash ? dfd : wfd;
			const char *name = slash ? slash + 1 : rel;
			int made = pfd < 0 ? -1
				 : dir ? mkdirat(pfd, name, 0755)
				       : mknodat(pfd, name, S_IFREG | 0644, 0);
			if (made == 0)
				fd = open_no_links(wfd, rel, O_PATH);
			if (dfd >= 0)
				close(dfd);
			if (made != 0 || fd < 0 || fstat(fd, &st) != 0)
				r = log_fail(errno, "protect: placeholder %s", held);
			else if (add_item(s, writable, held, true, &st) != 0)
				r = log_fail(ENOMEM, "protect");
			break;
		}
		if (fd < 0 && errno == ELOOP) {
			r = log_fail_plain(ELOOP, "protect: %s is a symbolic link or lies under one: a persistence point "
					   "(%s) cannot be held read-only through a link", held, path);
			break;
		}
		if (fd < 0 && errno == ENOTDIR)
			break; /* under a file (.git as a file): nothing can be made there */
		if (fd < 0) {
			r = log_fail(errno, "protect: open %s", held);
			break;
		}
		if (last) {
			if (fstat(fd, &st) != 0)
				r = log_fail(errno, "protect: fstat %s", held);
			else if (add_item(s, writable, held, false, &st) != 0)
				r = log_fail(ENOMEM, "protect");
			break;
		}
		close(fd);
		fd = -1;
		*end++ = '/';
	}
	if (fd >= 0)
		close(fd);
	close(wfd);
	return r;
}

int protect_prepare(const struct policy *p, struct protect_set *out)
{
	const struct strlist *lists[] = { &p->protected_dirs, &p->protected_files };
	int r = 0;

	memset(out, 0, sizeof(*out));
	for (size_t l = 0; l < 2 && !r; l++) {
		for (size_t i = 0; i < lists[l]->n && !r; i++) {
			const char *path = lists[l]->v[i];
			const char *w = writable_of(p, path);

			if (w)
				r = prepare_one(w, path, l == 0, out);
		}
	}
	if (r)
		protect_finish(out);
	return r;
}

/* A placeholder is removed only while it is still the empty entry we made. */
static void remove_placeholder(const struct protect_item *it)
{
	struct stat st;

	if (lstat(it->held, &st) != 0 || st.st_dev != it->dev || st.st_ino != it->ino)
		return;
	if (it->is_dir ? rmdir(it->held) : (st.st_size == 0 && S_ISREG(st.st_mode) ? unlink(it->held) : 0))
		log_warn("protect: placeholder %s left in place: %s", it->held, strerror(errno));
}

void protect_finish(struct protect_set *s)
{
	for (size_t i = s->n; i-- > 0;) {
		if (s->v[i].placeholder)
			remove_placeholder(&s->v[i]);
		free(s->v[i].held);
		free(s->v[i].writable);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

int protect_between(const struct protect_item *item, struct strlist *out)
{
	size_t n = strlen(item->writable);
	char *copy = strdup(item->held);

	if (!copy)
		return -ENOMEM;
	for (char *s = strchr(copy + n + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		int r = strlist_push(out, copy);
		*s = '/';
		if (r) {
			free(copy);
			return r;
		}
	}
	free(copy);
	return 0;
}
