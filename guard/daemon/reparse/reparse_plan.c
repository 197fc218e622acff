/* reparse_plan.c — see reparse_plan.h. */
#include "reparse_plan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "classify.h"
#include "daemon_log.h"
#include "package_name.h"
#include "pip_hook.h"
#include "reparse_scope.h"

#define ARGV_MAX_ENTRIES 65536
#define ARGV_MAX_BYTES (2u << 20)

/* execve(file, argv, envp) or execveat(dirfd, file, argv, envp, flags). */
static void call_args(const struct tracee_regs *r, uint64_t *file, uint64_t *argv, uint64_t *envp)
{
	bool at = r->nr == SYS_execveat;

	*file = r->arg[at ? 1 : 0];
	*argv = r->arg[at ? 2 : 1];
	*envp = r->arg[at ? 3 : 2];
}

int reparse_plan_read(pid_t pid, const struct tracee_regs *regs, struct tracee_strv *argv,
		      struct tracee_strv *envp)
{
	uint64_t file, a, e;
	int r;

	call_args(regs, &file, &a, &e);
	/* argv may be NULL (an empty argv: Linux then runs with argc 0). */
	r = a ? tracee_read_strv(pid, a, ARGV_MAX_ENTRIES, ARGV_MAX_BYTES, argv) : 0;
	if (!r && e)
		r = tracee_read_strv(pid, e, ARGV_MAX_ENTRIES, ARGV_MAX_BYTES, envp);
	return r;
}

bool reparse_plan_is_package_manager(const struct tracee_strv *argv, const struct strlist *commands)
{
	char buf[PATH_MAX * 2];
	size_t len = 0;

	for (size_t i = 0; i < argv->n; i++) {
		size_t n = strlen(argv->v[i]) + 1;

		if (len + n > sizeof(buf))
			break;
		memcpy(buf + len, argv->v[i], n);
		len += n;
	}
	return len > 0 && classify_cmdline_matches(buf, len, commands);
}

void reparse_plan_free(struct reparse_plan *p)
{
	free(p->items);
	strlist_free(&p->owned);
	tracee_strv_free(&p->log_argv);
	memset(p, 0, sizeof(*p));
}

static const char *env_get(const struct tracee_strv *envp, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; envp && i < envp->n; i++)
		if (strncmp(envp->v[i], name, n) == 0 && envp->v[i][n] == '=')
			return envp->v[i] + n + 1;
	return NULL;
}

/* path, absolute in pid's own view of the filesystem (its mount namespace
 * and root, which need not be the daemon's: under systemd the daemon has
 * its own, with a private /tmp), is a directory. */
static bool is_dir_for(pid_t pid, const char *path)
{
	char in_root[PATH_MAX + 64];
	struct stat st;

	if (!path || path[0] != '/' ||
	    snprintf(in_root, sizeof(in_root), "/proc/%d/root%s", (int)pid, path) >= (int)sizeof(in_root))
		return false;
	return stat(in_root, &st) == 0 && S_ISDIR(st.st_mode);
}

int reparse_plan_sandbox_visible(pid_t pid, const char *sandbox, dev_t dev, ino_t ino)
{
	char in_root[PATH_MAX + 64];
	struct stat st;

	if (snprintf(in_root, sizeof(in_root), "/proc/%d/root%s", (int)pid, sandbox) >= (int)sizeof(in_root))
		return -E2BIG;
	if (stat(in_root, &st) != 0)
		return -EXDEV;
	return st.st_dev == dev && st.st_ino == ino ? 0 : -EXDEV;
}

/* path (absolute) is the same file in pid's view as in the daemon's. */
static bool same_for(pid_t pid, const char *path)
{
	char in_root[PATH_MAX + 64];
	struct stat ours, theirs;

	if (snprintf(in_root, sizeof(in_root), "/proc/%d/root%s", (int)pid, path) >= (int)sizeof(in_root))
		return false;
	return stat(path, &ours) == 0 && stat(in_root, &theirs) == 0 && ours.st_dev == theirs.st_dev &&
	       ours.st_ino == theirs.st_ino;
}

int reparse_plan_profiles_visible(pid_t pid, const struct strlist *dirs)
{
	int r = 0;

	for (size_t i = 0; !r && dirs && i < dirs->n; i++) {
		DIR *d;
		const struct dirent *e;

		if (!same_for(pid, dirs->v[i]))
			return -ESTALE;
		d = opendir(dirs->v[i]);
		if (!d)
			return -ESTALE;
		/* A file mounted over one profile leaves the directory as it was. */
		while (!r && (e = readdir(d)) != NULL) {
			size_t n = strlen(e->d_name);
			char path[PATH_MAX];

			if (n < 6 || strcmp(e->d_name + n - 5, ".conf") != 0)
				continue;
			if (snprintf(path, sizeof(path), "%s/%s", dirs->v[i], e->d_name) >= (int)sizeof(path) ||
			    !same_for(pid, path))
				r = -ESTALE;
		}
		closedir(d);
	}
	return r;
}

/* Items are first collected as "new string index" or "process pointer";
 * the strings live in p->owned, whose storage may move while it grows,
 * so str pointers are set once it is complete. */
struct draft {
	struct { long owned; uint64_t ptr; } *v;
	size_t n, cap;
};

static int draft_add(struct draft *d, long owned, uint64_t ptr)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 32;
		void *nv = realloc(d->v, cap * sizeof(*d->v));

		if (!nv)
			return -ENOMEM;
		d->v = nv;
		d->cap = cap;
	}
	d->v[d->n].owned = owned;
	d->v[d->n].ptr = ptr;
	d->n++;
	return 0;
}

static int draft_str(struct draft *d, struct strlist *owned, const char *s)
{
	if (strlist_push(owned, s))
		return -ENOMEM;
	return draft_add(d, (long)owned->n - 1, 0);
}

static int draft_opt(struct draft *d, struct strlist *owned, const char *opt, const char *val)
{
	int r = draft_str(d, owned, opt);

	return r ? r : draft_str(d, owned, val);
}

/* The file to run, as the process named it where that is exact (an
 * absolute path: a venv's python must keep its own path, which the
 * resolved event file would lose); relative to its cwd otherwise. */
static int add_file(struct draft *d, struct strlist *owned, const struct reparse_plan_input *in)
{
	uint64_t file, a, e;
	char name[PATH_MAX], joined[PATH_MAX + 8];
	bool at = in->regs->nr == SYS_execveat;
	int dirfd = (int)in->regs->arg[0];
	int r;

	call_args(in->regs, &file, &a, &e);
	r = tracee_read_string(in->pid, file, name, sizeof(name));
	if (r)
		return r;
	if (name[0] == '/')
		return draft_add(d, -1, file);
	if (at && dirfd != AT_FDCWD)
		return draft_str(d, owned, in->file); /* by fd: the daemon's view of it */
	/* Relative to its cwd, which the sandbox keeps: "./" so that a bare
	 * name is not searched on PATH (execve never does). */
	if (strchr(name, '/'))
		return draft_add(d, -1, file);
	if (snprintf(joined, sizeof(joined), "./%s", name) >= (int)sizeof(joined))
		return -E2BIG;
	return draft_str(d, owned, joined);
}

int reparse_plan_build(struct reparse_plan *p, const struct reparse_plan_input *in)
{
	struct strlist rw = { 0 }, ro = { 0 };
	struct draft d = { 0 };
	const char *init_cwd = env_get(in->envp, "INIT_CWD");
	char pkg[256];
	uint64_t file, a, e;
	int r;

	call_args(in->regs, &file, &a, &e);
	(void)a;
	p->envp = e;
	{
		/* The file as the process named it (a venv's bin/python, which
		 * the event's resolved path would lose), else the event's. */
		char name[PATH_MAX];

		if (tracee_read_string(in->pid, file, name, sizeof(name)) != 0 || name[0] != '/')
			snprintf(name, sizeof(name), "%s", in->file);
		r = reparse_scope(in->pid, in->pm, in->argv, in->envp, in->cwd, name, &rw, &ro);
	}
	if (!r)
		r = draft_str(&d, &p->owned, in->sandbox);
	/* The daemon's profiles, the only ones searched: the caller's
	 * environment does not choose the policy. */
	for (size_t i = 0; !r && in->profile_dirs && i < in->profile_dirs->n; i++)
		r = draft_opt(&d, &p->owned, "--only-profiles", in->profile_dirs->v[i]);
	if (!r)
		r = draft_opt(&d, &p->owned, "--profile", in->pm);
	if (!r)
		r = draft_opt(&d, &p->owned, "--pkg-dir", "."); /* its cwd, as it sees it */
	/* The tripwire's record in the user's state directory, and a journald
	 * entry per finding (the tripwire). */
	if (!r)
		r = draft_str(&d, &p->owned, "--record");
	if (!r && is_dir_for(in->pid, init_cwd))
		r = draft_opt(&d, &p->owned, "--project-dir", init_cwd);
	if (!r && package_name_from_path(in->cwd, pkg, sizeof(pkg)) == 0)
		r = draft_opt(&d, &p->owned, "--package", pkg);
	for (size_t i = 0; !r && i < rw.n; i++)
		r = draft_opt(&d, &p->owned, "--rw", rw.v[i]);
	for (size_t i = 0; !r && i < ro.n; i++)
		r = draft_opt(&d, &p->owned, "--ro", ro.v[i]);
	/* A PEP 517 hook: pip acts on what it returns, outside the sandbox. */
	if (!r && in->pm && strcmp(in->pm, "pip") == 0 && in->argv && in->argv->v) {
		const char *hook, *control;

		if (pip_hook_pep517_call((const char *const *)in->argv->v, &hook, &control)) {
			r = draft_opt(&d, &p->owned, "--pip-hook", hook);
			if (!r)
				r = draft_opt(&d, &p->owned, "--pip-control", control);
		} else if (pip_hook_egg_info_call((const char *const *)in->argv->v, &control)) {
			r = draft_opt(&d, &p->owned, "--pip-egg-base", control);
		}
	}
	/* Its argv[0] as it was ("sh", not "/bin/sh"): the process's own string. */
	if (!r && in->argv && in->argv->n > 0) {
		r = draft_str(&d, &p->owned, "--argv0");
		if (!r)
			r = draft_add(&d, -1, in->argv->ptrs[0]);
	}
	if (!r)
		r = draft_str(&d, &p->owned, "--");
	if (!r)
		r = add_file(&d, &p->owned, in);
	for (size_t i = 1; !r && in->argv && i < in->argv->n; i++)
		r = draft_add(&d, -1, in->argv->ptrs[i]);
	strlist_free(&rw);
	strlist_free(&ro);
	if (!r) {
		p->items = calloc(d.n, sizeof(*p->items));
		if (!p->items)
			r = -ENOMEM;
	}
	for (size_t i = 0; !r && i < d.n; i++) {
		if (d.v[i].owned >= 0)
			p->items[i].str = p->owned.v[d.v[i].owned];
		else
			p->items[i].ptr = d.v[i].ptr;
	}
	if (!r)
		p->n = d.n;
	free(d.v);
	return r;
}
