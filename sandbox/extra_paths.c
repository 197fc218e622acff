/* extra_paths.c — the --rw / --ro directories of pkgguard-sandbox, added to
 * a policy after its profile is loaded (see extra_paths.h). They obey the
 * rules a profile's own entries obey (profile_paths.c), checked on the
 * resolved path: a symlink cannot turn an allowed name into a refused
 * directory. The mount layer binds them like profile entries, deeper paths
 * after shallower ones, so one under /tmp or /var/tmp lands on top of the
 * sandbox's private tmpfs there, and hidden paths below them stay masked. */
#include "extra_paths.h"
#include "array_size.h"
#include "profile_paths.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Kernel and runtime interfaces: /run holds the host's sockets (Docker,
 * D-Bus), which a read-only mount does not stop anyone connecting to. */
static const char *const ro_refused_trees[] = { "/proc", "/sys", "/dev", "/run" };
/* The sandbox's own tmpfs would cover a bind of these. */
static const char *const ro_refused_exact[] = { "/tmp", "/var/tmp" };

__attribute__((format(printf, 6, 7)))
static int refuse(char *err, size_t errlen, int e, const char *opt, const char *dir,
		  const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s %s: %s", opt, dir, why);
	return -e;
}

/* $HOME as given (normalised) and as resolved: the checks run on both, so a
 * home reached through a symlink is recognised either way. */
struct homes {
	char *v[2];
};

static void homes_free(struct homes *h)
{
	free(h->v[0]);
	free(h->v[1]);
}

static void homes_get(const char *home, struct homes *h)
{
	h->v[0] = h->v[1] = NULL;
	if (!home || home[0] != '/')
		return;
	h->v[0] = strdup(home);
	if (h->v[0] && path_normalise(h->v[0]) < 0) {
		free(h->v[0]);
		h->v[0] = NULL;
	}
	h->v[1] = realpath(home, NULL);
}

/* Why the resolved path may not be added at all, or NULL. */
static const char *common_refusal(const struct policy *p, const struct homes *h, const char *real)
{
	if (strcmp(real, "/") == 0)
		return "\"/\" cannot be shown: the sandbox's root is its own";
	for (size_t i = 0; i < 2; i++) {
		if (!h->v[i])
			continue;
		if (path_at_or_under(h->v[i], real))
			return "contains $HOME, which the sandbox replaces with an empty directory";
		if (path_is_home_secret(real, h->v[i]))
			return "a credential or start-up directory under $HOME is never shown";
	}
	for (size_t i = 0; i < p->hidden.n; i++) {
		char *hr = realpath(p->hidden.v[i], NULL);
		bool hit = path_at_or_under(real, hr ? hr : p->hidden.v[i]);

		free(hr);
		if (hit)
			return "hidden by the profile";
	}
	return NULL;
}

static const char *rw_refusal(const struct homes *h, const char *real)
{
	if (rw_is_refused(real, h->v[0]) || (h->v[1] && rw_is_refused(real, h->v[1])))
		return "a system or credential directory must not be writable";
	return NULL;
}

static const char *ro_refusal(const char *real)
{
	for (size_t i = 0; i < ARRAY_SIZE(ro_refused_trees); i++)
		if (path_at_or_under(real, ro_refused_trees[i]))
			return "a kernel or runtime interface (/proc, /sys, /dev, /run) is never shown";
	for (size_t i = 0; i < ARRAY_SIZE(ro_refused_exact); i++)
		if (strcmp(real, ro_refused_exact[i]) == 0)
			return "the sandbox has its own private one";
	return NULL;
}

static bool list_covers(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (path_at_or_under(s, l->v[i]))
			return true;
	return false;
}

int extra_path_add(struct policy *p, const char *opt, const char *dir, bool writable,
		   char *err, size_t errlen)
{
	struct homes h;
	struct stat st;
	const char *why;
	char *real;
	int r = 0;

	if (!dir || dir[0] != '/')
		return refuse(err, errlen, EINVAL, opt, dir ? dir : "", "not an absolute path");
	real = realpath(dir, NULL);
	if (!real)
		return refuse(err, errlen, errno, opt, dir, "%s", strerror(errno));
	if (stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
		free(real);
		return refuse(err, errlen, ENOTDIR, opt, dir, "not a directory");
	}
	homes_get(p->home, &h);
	why = common_refusal(p, &h, real);
	if (!why)
		why = writable ? rw_refusal(&h, real) : ro_refusal(real);
	homes_free(&h);
	if (why) {
		r = refuse(err, errlen, EPERM, opt, dir, "%s%s%s", strcmp(real, dir) ? real : "",
			   strcmp(real, dir) ? ": " : "", why);
		goto out;
	}
	/* The same directory both ways: which one was meant is unknown. */
	if (strlist_has(writable ? &p->read_only : &p->read_write, real)) {
		r = refuse(err, errlen, EINVAL, opt, dir, "already %s",
			   writable ? "read-only" : "writable");
		goto out;
	}
	/* Already shown so: nothing to bind (system trees are read-only already). */
	if (writable ? strlist_has(&p->read_write, real)
		     : list_covers(&p->read_only, real) || list_covers(&p->read_only_optional, real) ||
			       list_covers(&p->home_read_only, real))
		goto out;
	if (strlist_push(writable ? &p->read_write : &p->read_only, real) != 0)
		r = refuse(err, errlen, ENOMEM, opt, dir, "out of memory");
out:
	free(real);
	return r;
}
