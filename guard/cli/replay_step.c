/* replay_step.c — glue between `pkgguard run` and the installed tree
 * (pkgtree.c) / replay (replay.c). */
#include "replay_step.h"
#include "commands.h"
#include "log.h"
#include "pkgtree.h"
#include "replay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool same_dir(const char *d, const struct pkg *p)
{
	return d && (strcmp(d, p->dir) == 0 || (p->path && strcmp(d, p->path) == 0));
}

/* Fills what the installed tree says about each script's package (version
 * when the record has none, lockfile resolved and integrity); returns
 * whether p left any record. */
static bool note_records(struct run_report *r, const struct pkg *p)
{
	bool found = false;
	for (size_t i = 0; i < r->scripts.n; i++) {
		struct script_row *row = &r->scripts.v[i];
		if (!same_dir(row->pkg_dir, p))
			continue;
		found = true;
		/* The version npm did not pass on (npm_package_version) is the
		 * one the package states; its identity stays its path. */
		if (!row->version && p->version)
			row->version = strdup(p->version);
		if (!row->resolved && p->resolved)
			row->resolved = strdup(p->resolved);
		if (!row->integrity && p->integrity)
			row->integrity = strdup(p->integrity);
	}
	return found;
}

/* "preinstall,install (node-gyp rebuild)" */
static char *events_text(const struct pkg *p)
{
	char buf[256] = "";
	for (int e = 0; e < PKG_EVENT_COUNT; e++) {
		if (!p->scripts[e])
			continue;
		size_t used = strlen(buf);
		snprintf(buf + used, sizeof(buf) - used, "%s%s%s", used ? "," : "",
			 pkg_event_name((enum pkg_event)e),
			 e == PKG_INSTALL && p->implicit_install ? " (node-gyp rebuild)" : "");
	}
	return buf[0] ? strdup(buf) : NULL;
}

/* True when before already held p, unchanged: the package manager had no
 * reason to run its scripts in this run. */
static bool unchanged(const struct pkgtree *before, const struct pkg *p)
{
	long i = before ? pkgtree_find(before, p->dir) : -1;
	if (i < 0)
		return false;
	const struct pkg *b = &before->pkgs[i];
	return (b->version && p->version && strcmp(b->version, p->version) == 0) &&
	       ((!b->integrity && !p->integrity) || (b->integrity && p->integrity && strcmp(b->integrity, p->integrity) == 0));
}

int skipped_step(const char *project, const struct pkgtree *before, struct run_report *r)
{
	struct pkgtree t;
	int rc = pkgtree_load(project, &t);

	if (rc)
		return log_fail(-rc, "report: read the installed packages of %s", project);
	for (size_t i = 0; i < t.n && rc == 0; i++) {
		const struct pkg *p = &t.pkgs[i];
		bool recorded = note_records(r, p);
		char *events = events_text(p);
		if (!events || recorded || unchanged(before, p)) {
			free(events);
			continue;
		}
		struct skipped_script *grown = realloc(r->skipped, (r->n_skipped + 1) * sizeof(*grown));
		if (!grown) {
			free(events);
			rc = log_fail(ENOMEM, "report: skipped scripts");
			break;
		}
		r->skipped = grown;
		struct skipped_script *s = &r->skipped[r->n_skipped++];
		s->package = strdup(p->name);
		s->version = p->version ? strdup(p->version) : NULL;
		s->pkg_dir = strdup(p->dir);
		s->events = events;
	}
	pkgtree_free(&t);
	return rc;
}

int replay_step(const char *project, const struct pm_adapter *a, const char *sandbox,
		const char *profile, char **env, const char *const *allow)
{
	struct replay_opts o = {
		.project = project,
		.sandbox = sandbox,
		.profile = profile,
		.profiles_dir = NULL, /* PKGGUARD_PROFILE_PATH in env already says */
		.env = env,
		.allow = allow,
		.out = stderr,
	};
	int rc;

	fprintf(stderr, "pkgguard: replaying %s's %sinstall scripts in the sandbox\n", a->name,
		allow ? "approved " : "");
	rc = replay_run(&o);
	if (rc == 0)
		rc = replay_project(&o);
	if (rc < 0) {
		log_fail(-rc, "run: replay the install scripts of %s", project);
		return CMD_FAIL;
	}
	return rc;
}
