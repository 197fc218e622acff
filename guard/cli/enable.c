/* enable.c — `pkgguard enable npm|pnpm` and `pkgguard disable npm|pnpm`:
 * route a plain `npm install` (no wrapper) through pkgguard-sandbox by
 * writing the script shell into the package manager's global config file,
 * and take exactly that back out.
 *
 * Where each package manager keeps it (asked of the package manager itself,
 * run with fork/exec, never through a shell):
 *   npm  — `npm config get globalconfig` (here /usr/etc/npmrc), ini format,
 *          key `script-shell`; read by every user of that npm.
 *   pnpm — `pnpm config get globalconfig` (pnpm 12: $XDG_CONFIG_HOME/pnpm/
 *          config.yaml, else ~/.config/pnpm/config.yaml), YAML, key
 *          `scriptShell`. pnpm 12 reads script-shell from no system-wide
 *          file and ignores it in ~/.npmrc and /usr/etc/npmrc, so this
 *          covers the user who runs `pkgguard enable pnpm` only.
 * yarn classic ignores script-shell for install scripts: nothing to enable.
 *
 * What is written, at the top of the file (so an ini `[section]` further
 * down cannot capture the key, and no missing final newline needs fixing):
 *   # added by pkgguard enable
 *   script-shell=/usr/local/bin/pkgguard-sandbox
 * The comment marks the block; `disable` removes those two lines and nothing
 * else, so the file is byte-for-byte what it was (or is removed, when the
 * marker says enable created it and nothing else is left). `npm config set
 * -g` rewrites the file without comments: a script-shell line that names this
 * pkgguard's own sandbox is then still recognised as ours.
 * Files are replaced atomically and durably (common/atomic_file.h) with
 * their mode and owner kept. */
#include "atomic_file.h"
#include "array_size.h"
#include "commands.h"
#include "log.h"
#include "pm_query.h"
#include "profile_args.h"
#include "self_path.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define MARKER "# added by pkgguard enable"
#define MARKER_CREATED MARKER " (which created this file)"
#define CONFIG_MAX (1 << 20) /* a package manager's config file, not a database */

enum config_syntax { SYNTAX_INI, SYNTAX_YAML };

struct pm_config {
	const char *name;
	const char *const *locate;  /* argv printing the global config file */
	const char *const *effective; /* argv printing the script shell in effect */
	const char *key;
	enum config_syntax syntax;
	const char *scope;          /* who the file routes, for the message */
};

static const char *const npm_locate[] = { "npm", "config", "get", "globalconfig", NULL };
static const char *const npm_effective[] = { "npm", "config", "get", "script-shell", NULL };
static const char *const pnpm_locate[] = { "pnpm", "config", "get", "globalconfig", NULL };
static const char *const pnpm_effective[] = { "pnpm", "config", "get", "scriptShell", NULL };

static const struct pm_config pm_configs[] = {
	{ "npm", npm_locate, npm_effective, "script-shell", SYNTAX_INI, "every user of this npm" },
	{ "pnpm", pnpm_locate, pnpm_effective, "scriptShell", SYNTAX_YAML, "the current user only" },
};

/* ---- the config file as lines ------------------------------------------ */

struct text {
	char *data;
	size_t len;
	bool existed;
	struct stat st; /* valid when existed */
};

static int read_config(const char *path, struct text *t)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT) {
			t->existed = false;
			t->data = calloc(1, 1);
			return t->data ? 0 : log_fail(ENOMEM, "reading %s", path);
		}
		return log_fail(errno, "cannot read %s", path);
	}
	int r = 0;
	if (fstat(fd, &t->st) != 0) {
		r = log_fail(errno, "cannot stat %s", path);
		goto out;
	}
	if (!S_ISREG(t->st.st_mode)) {
		r = log_fail_plain(EINVAL, "%s is not a regular file", path);
		goto out;
	}
	if (t->st.st_size > CONFIG_MAX) {
		r = log_fail_plain(EFBIG, "%s is larger than %d bytes: not a config file", path, CONFIG_MAX);
		goto out;
	}
	t->data = malloc((size_t)t->st.st_size + 1);
	if (!t->data) {
		r = log_fail(ENOMEM, "reading %s", path);
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, t->data + t->len, (size_t)t->st.st_size - t->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = log_fail(errno, "cannot read %s", path);
			goto out;
		}
		if (n == 0)
			break;
		t->len += (size_t)n;
		if (t->len == (size_t)t->st.st_size)
			break; /* a file that grows meanwhile is read to its size at fstat */
	}
	t->data[t->len] = '\0';
	if (memchr(t->data, '\0', t->len)) {
		r = log_fail_plain(EINVAL, "%s contains NUL bytes: not a config file", path);
		goto out;
	}
	t->existed = true;
out:
	close(fd);
	return r;
}

/* One line of the file: [start, end) without its '\n'; next is where the
 * following line starts (end + 1, or end at the last line without '\n'). */
struct line {
	size_t start, end, next;
};

static bool line_next(const struct text *t, size_t at, struct line *l)
{
	if (at >= t->len)
		return false;
	const char *nl = memchr(t->data + at, '\n', t->len - at);
	l->start = at;
	l->end = nl ? (size_t)(nl - t->data) : t->len;
	l->next = nl ? l->end + 1 : l->end;
	return true;
}

static bool line_is(const struct text *t, const struct line *l, const char *s)
{
	size_t n = strlen(s), e = l->end;
	if (e > l->start && t->data[e - 1] == '\r')
		e--;
	return e - l->start == n && memcmp(t->data + l->start, s, n) == 0;
}

/* The value of `key` when line l sets it at the top level (ini: before any
 * [section], any indentation; YAML: no indentation), malloc'd, quotes and
 * trailing comments removed; NULL when the line sets something else. */
static char *line_value(const struct text *t, const struct line *l, const struct pm_config *pm)
{
	const char *p = t->data + l->start, *end = t->data + l->end;
	size_t klen = strlen(pm->key);

	if (pm->syntax == SYNTAX_INI)
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
	if ((size_t)(end - p) < klen || memcmp(p, pm->key, klen) != 0)
		return NULL;
	p += klen;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end || *p != (pm->syntax == SYNTAX_INI ? '=' : ':'))
		return NULL;
	p++;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	const char *v_end = end;
	if (pm->syntax == SYNTAX_YAML && p < end && *p != '"' && *p != '\'') {
		/* A YAML comment starts at " #". */
		for (const char *c = p; c < end; c++)
			if (*c == '#' && c > p && (c[-1] == ' ' || c[-1] == '\t')) {
				v_end = c;
				break;
			}
	}
	while (v_end > p && (v_end[-1] == ' ' || v_end[-1] == '\t' || v_end[-1] == '\r'))
		v_end--;
	if (v_end - p >= 2 && (*p == '"' || *p == '\'') && v_end[-1] == *p) {
		p++;
		v_end--;
	}
	return strndup(p, (size_t)(v_end - p));
}

static bool line_opens_section(const struct text *t, const struct line *l, const struct pm_config *pm)
{
	const char *p = t->data + l->start, *end = t->data + l->end;
	if (pm->syntax != SYNTAX_INI)
		return false;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p < end && *p == '[';
}

/* What the file holds, as far as enable/disable care. */
struct scan {
	/* Our block: the marker line and the key line after it. */
	bool has_block;
	bool block_created;      /* marker says enable created the file */
	struct line marker, key; /* valid when has_block */
	char *block_value;
	/* A top-level setting of the key outside our block. */
	bool has_other;
	struct line other;
	char *other_value;
};

static void scan_free(struct scan *s)
{
	free(s->block_value);
	free(s->other_value);
}

static int scan_config(const struct text *t, const struct pm_config *pm, struct scan *s)
{
	struct line l, prev = { 0 };
	bool prev_marker = false, prev_created = false, in_section = false;

	for (size_t at = 0; line_next(t, at, &l); at = l.next) {
		char *v = in_section ? NULL : line_value(t, &l, pm);
		if (v && prev_marker && !s->has_block) {
			s->has_block = true;
			s->block_created = prev_created;
			s->marker = prev;
			s->key = l;
			s->block_value = v;
		} else if (v && !s->has_other) {
			s->has_other = true;
			s->other = l;
			s->other_value = v;
		} else if (v) {
			/* Several settings: the package manager takes one of them;
			 * which, is not ours to guess. */
			free(v);
			return log_fail_plain(EINVAL, "sets %s more than once", pm->key);
		}
		if (line_opens_section(t, &l, pm))
			in_section = true;
		prev_created = line_is(t, &l, MARKER_CREATED);
		prev_marker = prev_created || line_is(t, &l, MARKER);
		prev = l;
	}
	return 0;
}

/* ---- writing ------------------------------------------------------------ */

/* mkdir -p of dir; directories made by root take the owner of their parent
 * (so `sudo pkgguard enable pnpm` leaves a user's ~/.config theirs). */
static int make_dirs(const char *dir)
{
	char buf[PATH_MAX];
	struct stat st;

	if (stat(dir, &st) == 0)
		return S_ISDIR(st.st_mode) ? 0 : log_fail(ENOTDIR, "cannot create %s", dir);
	if (strlen(dir) >= sizeof(buf))
		return log_fail(ENAMETOOLONG, "cannot create %s", dir);
	strcpy(buf, dir);
	char *parent = dirname(buf);
	if (strcmp(parent, dir) != 0) {
		int r = make_dirs(parent);
		if (r)
			return r;
	}
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return log_fail(errno, "cannot create directory %s", dir);
	strcpy(buf, dir);
	if (geteuid() == 0 && stat(dirname(buf), &st) == 0 && chown(dir, st.st_uid, st.st_gid) != 0)
		return log_fail(errno, "chown %s", dir);
	return 0;
}

/* Replaces path with the n pieces given, atomically. mode/owner: the old
 * file's when it existed, else 0644 and the directory's owner (for root). */
struct piece {
	const char *p;
	size_t n;
};

static int write_config(const char *path, const struct text *old, const struct piece *pieces, size_t n)
{
	char dir[PATH_MAX];
	struct atomic_file f;
	struct stat dst;
	int r = 0;

	if (strlen(path) >= sizeof(dir))
		return log_fail(ENAMETOOLONG, "cannot write %s", path);
	strcpy(dir, path);
	char *slash = strrchr(dir, '/'); /* path is absolute */
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if ((r = make_dirs(dir)) || (r = atomic_file_open(&f, path)))
		return r;

	mode_t mode = old->existed ? old->st.st_mode & 07777 : 0644;
	uid_t uid = old->existed ? old->st.st_uid : (uid_t)-1;
	gid_t gid = old->existed ? old->st.st_gid : (gid_t)-1;
	if (!old->existed && geteuid() == 0 && stat(dir, &dst) == 0) {
		uid = dst.st_uid;
		gid = dst.st_gid;
	}
	for (size_t i = 0; i < n; i++)
		if ((r = atomic_file_write(&f, pieces[i].p, pieces[i].n)))
			return r;
	/* Owner first: chown clears set-id bits that the commit's fchmod then
	 * restores. */
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) && fchown(f.fd, uid, gid) != 0 &&
	    !(errno == EPERM && uid == geteuid())) {
		r = log_fail(errno, "cannot keep the owner of %s", path);
		atomic_file_abort(&f);
		return r;
	}
	return atomic_file_commit(&f, mode);
}

/* ---- the commands ------------------------------------------------------- */

/* Everything both commands need: which package manager, its config file
 * (symlinks resolved, so the link is not replaced by a copy), our sandbox. */
struct target {
	const struct pm_config *pm;
	char *file;
	char *sandbox;
	struct text text;
	struct scan scan;
};

static void target_free(struct target *tg)
{
	free(tg->file);
	free(tg->sandbox);
	free(tg->text.data);
	scan_free(&tg->scan);
}

static void usage(FILE *out, const char *cmd)
{
	fprintf(out,
		"usage: pkgguard %s npm|pnpm\n"
		"  enable:  writes script-shell=<pkgguard-sandbox> into the package manager's\n"
		"           global config, so a plain `npm install` runs every install script\n"
		"           in the sandbox (npm: for every user; pnpm: for the current user)\n"
		"  disable: removes exactly what enable wrote\n", cmd);
}

/* Parses "CMD PM" (argv[0] is the subcommand) and fills tg; returns a
 * CMD_* status when the command is already decided, -1 to go on. */
static int target_open(int argc, char **argv, const char *cmd, struct target *tg)
{
	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage(stdout, cmd);
		return CMD_OK;
	}
	if (argc != 2) {
		usage(stderr, cmd);
		return CMD_USAGE;
	}
	for (size_t i = 0; i < ARRAY_SIZE(pm_configs); i++)
		if (strcmp(argv[1], pm_configs[i].name) == 0)
			tg->pm = &pm_configs[i];
	if (!tg->pm && strcmp(argv[1], "yarn") == 0) {
		log_fail_plain(EINVAL, "%s yarn: yarn classic runs install scripts with sh whatever its "
			       "script-shell says; use `pkgguard run -- yarn install`", cmd);
		return CMD_USAGE;
	}
	if (!tg->pm) {
		log_fail_plain(EINVAL, "%s: unknown package manager \"%s\" (npm or pnpm)", cmd, argv[1]);
		return CMD_USAGE;
	}

	tg->sandbox = self_sibling("pkgguard-sandbox");
	struct stat st;
	if (!tg->sandbox) {
		log_fail(errno ? errno : ENOENT, "pkgguard-sandbox next to this pkgguard");
		return CMD_FAIL;
	}
	if (stat(tg->sandbox, &st) != 0 || !S_ISREG(st.st_mode)) {
		log_fail_plain(ENOEXEC, "%s is not an executable file", tg->sandbox);
		return CMD_FAIL;
	}
	/* What npm's ini parser and YAML would read back unchanged, unquoted. */
	if (tg->sandbox[strspn(tg->sandbox, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					    "0123456789/._+@-")] != '\0') {
		log_fail_plain(EINVAL, "the path %s has characters a config file would misread; "
			       "install pkgguard under a plain path", tg->sandbox);
		return CMD_FAIL;
	}

	char *file = pm_query_line(tg->pm->locate, "/");
	if (!file)
		return CMD_FAIL;
	if (file[0] != '/') {
		log_fail_plain(EINVAL, "`%s %s %s %s` printed \"%s\", not an absolute path", tg->pm->locate[0],
			       tg->pm->locate[1], tg->pm->locate[2], tg->pm->locate[3], file);
		free(file);
		return CMD_FAIL;
	}
	tg->file = realpath(file, NULL);
	if (!tg->file && errno == ENOENT)
		tg->file = strdup(file); /* created by enable */
	free(file);
	if (!tg->file) {
		log_fail(errno, "%s's global config", tg->pm->name);
		return CMD_FAIL;
	}
	if (read_config(tg->file, &tg->text) != 0)
		return CMD_FAIL;
	if (scan_config(&tg->text, tg->pm, &tg->scan) != 0) {
		log_fail_plain(EINVAL, "%s: cannot tell which %s is in effect; fix the file by hand", tg->file,
			       tg->pm->key);
		return CMD_FAIL;
	}
	return -1;
}

/* After enable: the package manager may still use another shell for the
 * current user (user config, environment). Worth a warning, not a failure. */
static void check_effective(const struct target *tg)
{
	char *v = pm_query_line(tg->pm->effective, "/");
	if (v && strcmp(v, tg->sandbox) != 0)
		log_warn("%s config get %s gives \"%s\" for this user (user config or environment): "
			 "it takes precedence over %s", tg->pm->name, tg->pm->key, v, tg->file);
	free(v);
}

/* npm hands its environment to the sandbox, which runs in each package's
 * directory: a relative entry there would name the package's own profiles,
 * so the sandbox refuses it. Said now, not at the first install. */
static void warn_relative_profile_path(void)
{
	char rel[256];

	if (profile_env_has_relative(rel, sizeof(rel)))
		log_warn("PKGGUARD_PROFILE_PATH has the relative entry \"%s\": the sandbox refuses relative "
			 "entries (every script would fail); use absolute paths", rel);
}

int cmd_enable(int argc, char **argv)
{
	struct target tg = { 0 };
	int rc = target_open(argc, argv, "enable", &tg);
	if (rc >= 0)
		goto out;
	rc = CMD_FAIL;
	const struct scan *s = &tg.scan;
	const char *sep = tg.pm->syntax == SYNTAX_INI ? "=" : ": ";

	if (s->has_other && strcmp(s->other_value, tg.sandbox) != 0) {
		log_fail_plain(EEXIST, "%s already sets %s%s%s; not overwriting it (remove it first)", tg.file,
			       tg.pm->key, sep, s->other_value);
		goto out;
	}
	if ((s->has_block && strcmp(s->block_value, tg.sandbox) == 0) || s->has_other) {
		printf("pkgguard: %s is already routed through %s (%s)\n", tg.pm->name, tg.sandbox, tg.file);
		rc = CMD_OK;
		goto out;
	}

	char *block;
	const char *marker = tg.text.existed ? MARKER : MARKER_CREATED;
	if (s->has_block) /* ours, from a pkgguard installed elsewhere: keep the marker */
		marker = s->block_created ? MARKER_CREATED : MARKER;
	if (asprintf(&block, "%s\n%s%s%s\n", marker, tg.pm->key, sep, tg.sandbox) < 0) {
		log_fail(ENOMEM, "enable");
		goto out;
	}
	struct piece pieces[3];
	size_t n = 0;
	if (s->has_block) {
		/* Replace our block in place. */
		pieces[n++] = (struct piece){ tg.text.data, s->marker.start };
		pieces[n++] = (struct piece){ block, strlen(block) };
		pieces[n++] = (struct piece){ tg.text.data + s->key.next, tg.text.len - s->key.next };
	} else {
		/* At the top; after a YAML document start if the file has one. */
		struct line first;
		size_t at = 0;
		if (tg.pm->syntax == SYNTAX_YAML && line_next(&tg.text, 0, &first) &&
		    line_is(&tg.text, &first, "---") && first.next > first.end)
			at = first.next;
		pieces[n++] = (struct piece){ tg.text.data, at };
		pieces[n++] = (struct piece){ block, strlen(block) };
		pieces[n++] = (struct piece){ tg.text.data + at, tg.text.len - at };
	}
	if (write_config(tg.file, &tg.text, pieces, n) == 0) {
		printf("pkgguard: %s install scripts now run in %s, for %s (%s%s%s in %s)\n", tg.pm->name,
		       tg.sandbox, tg.pm->scope, tg.pm->key, sep, tg.sandbox, tg.file);
		check_effective(&tg);
		warn_relative_profile_path();
		rc = CMD_OK;
	}
	free(block);
out:
	fflush(stdout);
	target_free(&tg);
	return rc;
}

int cmd_disable(int argc, char **argv)
{
	struct target tg = { 0 };
	int rc = target_open(argc, argv, "disable", &tg);
	if (rc >= 0)
		goto out;
	rc = CMD_FAIL;
	const struct scan *s = &tg.scan;
	struct piece pieces[2];
	const struct line *from, *to;

	if (s->has_block) {
		from = &s->marker;
		to = &s->key;
	} else if (s->has_other && strcmp(s->other_value, tg.sandbox) == 0) {
		/* The marker went (npm config set -g rewrites the file without
		 * comments), but the value is this pkgguard's own sandbox. */
		from = to = &s->other;
	} else {
		if (s->has_other)
			printf("pkgguard: %s was not enabled by pkgguard: %s sets %s to %s, left alone\n",
			       tg.pm->name, tg.file, tg.pm->key, s->other_value);
		else
			printf("pkgguard: %s was not enabled (%s has no %s)\n", tg.pm->name, tg.file, tg.pm->key);
		rc = CMD_OK;
		goto out;
	}
	pieces[0] = (struct piece){ tg.text.data, from->start };
	pieces[1] = (struct piece){ tg.text.data + to->next, tg.text.len - to->next };
	if (s->has_block && s->block_created && pieces[0].n + pieces[1].n == 0) {
		if (unlink(tg.file) != 0) {
			log_fail(errno, "cannot remove %s", tg.file);
			goto out;
		}
		printf("pkgguard: %s no longer routed; removed %s (pkgguard enable had created it)\n",
		       tg.pm->name, tg.file);
		rc = CMD_OK;
		goto out;
	}
	if (write_config(tg.file, &tg.text, pieces, 2) == 0) {
		printf("pkgguard: %s no longer routed; removed %s from %s\n", tg.pm->name, tg.pm->key, tg.file);
		rc = CMD_OK;
	}
out:
	fflush(stdout);
	target_free(&tg);
	return rc;
}
