/* leftovers.c — files and processes a script left, and its own package
 * files changed (leftovers.h). */
#include "leftovers.h"
#include "log.h"
#include "sha256.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WALK_DEPTH 16

struct walk {
	const struct decoys *decoys;
	struct quarantine *q;
	struct findings *out;
	dev_t dev;
	ino_t skip_ino;
	unsigned seen;
};

/* "3-ld.sh": the n-th copy, with the file's name made harmless. */
static void copy_name(char *buf, size_t len, unsigned n, const char *base)
{
	int at = snprintf(buf, len, "%u-", n);
	for (const char *s = base; *s && (size_t)at + 1 < len && at < 64; s++)
		buf[at++] = isalnum((unsigned char)*s) || *s == '.' || *s == '-' || *s == '_' ? *s : '_';
	buf[at] = '\0';
}

/* Hashes the file, looks for decoy tokens in its first bytes and keeps a
 * copy of them when the quarantine has room. */
static int examine(struct walk *w, int fd, const char *base, struct finding *f, char *qpath, size_t qlen,
		   int *token)
{
	static char buf[65536];
	struct sha256 h;
	uint64_t total = 0;
	int out = -1, err = 0;
	unsigned char head[4] = { 0 };
	ssize_t n;

	*token = -1;
	qpath[0] = '\0';
	sha256_init(&h);
	if (w->q->dirfd >= 0 && w->q->used < QUARANTINE_SCRIPT_MAX) {
		if (!w->q->made && mkdirat(w->q->dirfd, w->q->name, 0700) != 0 && errno != EEXIST)
			return log_fail(errno, "tripwire: mkdir the quarantine %s", w->q->name);
		w->q->made = 1;
		char name[96];
		copy_name(name, sizeof(name), ++w->q->files, base);
		snprintf(qpath, qlen, "%s/%s", w->q->name, name);
		out = openat(w->q->dirfd, qpath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (out < 0)
			return log_fail(errno, "tripwire: create the quarantined copy %s", qpath);
	}
	while (total < HASH_FILE_MAX && w->q->hashed < HASH_SCRIPT_MAX && (n = read(fd, buf, sizeof(buf))) > 0) {
		w->q->hashed += (uint64_t)n;
		if (total == 0)
			memcpy(head, buf, n < 4 ? (size_t)n : 4);
		if (total < QUARANTINE_FILE_MAX && *token < 0)
			*token = w->decoys ? decoys_find_token(w->decoys, buf, (size_t)n) : -1;
		if (out >= 0 && total < QUARANTINE_FILE_MAX && w->q->used < QUARANTINE_SCRIPT_MAX) {
			uint64_t room = QUARANTINE_FILE_MAX - total;
			if (room > QUARANTINE_SCRIPT_MAX - w->q->used)
				room = QUARANTINE_SCRIPT_MAX - w->q->used;
			size_t take = (uint64_t)n < room ? (size_t)n : (size_t)room;
			if (write(out, buf, take) != (ssize_t)take)
				err = errno ? errno : EIO;
			w->q->used += take;
		}
		sha256_update(&h, buf, (size_t)n);
		total += (uint64_t)n;
	}
	if (out >= 0)
		close(out);
	if (err)
		return log_fail(err, "tripwire: write the quarantined copy %s", qpath);
	/* A file not read to its end has no hash (the budget ran out, or
	 * it is larger than HASH_FILE_MAX): the record says so by its absence. */
	if (total == (uint64_t)f->size)
		sha256_final_hex(&h, f->sha256);
	else
		f->sha256 = NULL;
	f->executable = f->executable || (head[0] == '#' && head[1] == '!') ||
			(head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F');
	return 0;
}

static int is_planted_decoy(const struct walk *w, const char *path, const struct stat *st)
{
	for (size_t i = 0; w->decoys && i < w->decoys->n; i++)
		if (strcmp(path, decoy_path(i)) == 0)
			return st->st_mtime == st->st_ctime && (st->st_mode & 07777) == 0600;
	return 0;
}

static int record_file(struct walk *w, int dirfd, const char *base, const char *path, const struct stat *st)
{
	char sha[65] = "", qpath[256];
	struct finding f = { .kind = FINDING_FILE_LEFT, .path = (char *)path, .size = (uint64_t)st->st_size,
			     .mode = st->st_mode & 07777, .executable = (st->st_mode & 0111) != 0, .sha256 = sha };
	int token, rc;

	if (is_planted_decoy(w, path, st))
		return 0;
	if (++w->seen > LEFTOVER_FILES_MAX) {
		w->out->dropped++;
		return 0;
	}
	int fd = openat(dirfd, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return 0; /* gone or not readable: the entry itself is recorded below */
	rc = examine(w, fd, base, &f, qpath, sizeof(qpath), &token);
	close(fd);
	if (rc)
		return rc;
	f.quarantine = qpath[0] ? qpath : NULL;
	if ((rc = findings_add(w->out, &f)) < 0)
		return rc;
	if (token >= 0) {
		struct finding t = { .kind = FINDING_DECOY_SENT, .path = (char *)decoy_path((size_t)token),
				     .detail = (char *)path };
		return findings_add(w->out, &t);
	}
	return 0;
}

static int walk_dir(struct walk *w, int dirfd, const char *prefix, int depth)
{
	DIR *d;
	struct dirent *de;
	int rc = 0;

	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while (rc == 0 && (de = readdir(d))) {
		char path[4096];
		struct stat st;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (++w->q->entries > WALK_ENTRIES_MAX) {
			w->out->dropped++;
			break;
		}
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || st.st_dev != w->dev)
			continue; /* gone, or a mount point (a read-only bind in $HOME) */
		if (depth == 0 && w->skip_ino && st.st_ino == w->skip_ino)
			continue;
		snprintf(path, sizeof(path), "%s/%s", prefix, de->d_name);
		if (S_ISREG(st.st_mode)) {
			rc = record_file(w, dirfd, de->d_name, path, &st);
		} else if (S_ISDIR(st.st_mode) && depth < WALK_DEPTH) {
			int sub = openat(dirfd, de->d_name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0) {
				rc = walk_dir(w, sub, path, depth + 1);
				close(sub);
			}
		}
	}
	closedir(d);
	return rc;
}

int leftovers_walk(int dirfd, const char *prefix, const struct decoys *decoys, struct quarantine *q,
		   ino_t skip_ino, struct findings *out)
{
	struct walk w = { .decoys = decoys, .q = q, .out = out, .skip_ino = skip_ino };
	struct stat st;

	if (fstat(dirfd, &st) != 0)
		return log_fail(errno, "tripwire: stat %s", prefix);
	w.dev = st.st_dev;
	return walk_dir(&w, dirfd, prefix, 0);
}

static void read_small(const char *path, char *buf, size_t len, int nul_to_space)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, len - 1) : -1;
	if (fd >= 0)
		close(fd);
	n = n < 0 ? 0 : n;
	buf[n] = '\0';
	for (ssize_t i = 0; nul_to_space && i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	while (n > 0 && buf[n - 1] == ' ')
		buf[--n] = '\0';
}

int leftover_process_read(pid_t pid, struct leftover_process *p)
{
	char path[64];

	memset(p, 0, sizeof(*p));
	p->pid = pid;
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	ssize_t n = readlink(path, p->exe, sizeof(p->exe) - 1);
	p->exe[n > 0 ? n : 0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	read_small(path, p->cmdline, sizeof(p->cmdline), 1);
	if (p->exe[0] || p->cmdline[0])
		return 0;
	/* Neither is readable: the process may be another uid's (a root
	 * caller's script runs as nobody, init does not) or caught in the
	 * middle of an execve. It is still a process left unless stat says it
	 * is a zombie or gone; its name from stat stands in for the command. */
	char stat[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	read_small(path, stat, sizeof(stat), 0);
	const char *open_paren = strchr(stat, '('), *close_paren = strrchr(stat, ')');
	if (!open_paren || !close_paren || close_paren < open_paren || close_paren[1] != ' ' || close_paren[2] == 'Z' ||
	    close_paren[2] == 'X')
		return -ESRCH;
	snprintf(p->cmdline, sizeof(p->cmdline), "[%.*s]", (int)(close_paren - open_paren - 1), open_paren + 1);
	return 0;
}

static int hash_file(int dirfd, const char *name, struct pkg_file *f)
{
	static char buf[65536];
	struct sha256 h;
	struct stat st;
	uint64_t total = 0;
	ssize_t n;
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	f->present = 0;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	sha256_init(&h);
	while (total < QUARANTINE_FILE_MAX && (n = read(fd, buf, sizeof(buf))) > 0) {
		sha256_update(&h, buf, (size_t)n);
		total += (uint64_t)n;
	}
	close(fd);
	sha256_final_hex(&h, f->sha256);
	f->size = (uint64_t)st.st_size;
	f->present = 1;
	return 0;
}

static void snapshot_add(struct pkg_snapshot *s, int dirfd, const char *name, const char *role)
{
	if (s->n >= PKG_SNAPSHOT_MAX || strlen(name) >= sizeof(s->v[0].name) || strstr(name, ".."))
		return;
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].name, name) == 0)
			return;
	struct pkg_file *f = &s->v[s->n];
	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->role = role;
	if (hash_file(dirfd, name, f) == 0)
		s->n++;
}

void pkg_snapshot_take(struct pkg_snapshot *s, const char *pkg_dir, const char *command)
{
	s->n = 0;
	if (!pkg_dir)
		return;
	int dirfd = open(pkg_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return;
	snapshot_add(s, dirfd, "package.json", "manifest");
	/* The files the command names: "node setup.js", "sh ./install.sh". */
	for (const char *c = command ? command : ""; *c;) {
		char word[256];
		size_t n = strcspn(c, " \t\n;&|()<>'\"");
		if (n > 0 && n < sizeof(word)) {
			memcpy(word, c, n);
			word[n] = '\0';
			const char *w = strncmp(word, "./", 2) == 0 ? word + 2 : word;
			if (w[0] != '-' && w[0] != '/' && strchr(w, '.'))
				snapshot_add(s, dirfd, w, "script");
		}
		c += n;
		if (*c)
			c++;
	}
	close(dirfd);
}

int pkg_snapshot_compare(const struct pkg_snapshot *s, const char *pkg_dir, struct findings *out)
{
	int dirfd = pkg_dir ? open(pkg_dir, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
	int rc = 0;

	for (size_t i = 0; dirfd >= 0 && rc == 0 && i < s->n; i++) {
		struct pkg_file now;
		const char *change = NULL;
		if (hash_file(dirfd, s->v[i].name, &now) != 0)
			change = "deleted";
		else if (now.size != s->v[i].size || strcmp(now.sha256, s->v[i].sha256) != 0)
			change = "rewrote";
		if (!change)
			continue;
		struct finding f = { .kind = FINDING_SELF_MODIFIED, .name = (char *)s->v[i].role,
				     .path = (char *)s->v[i].name, .detail = (char *)change,
				     .sha256 = now.present ? now.sha256 : NULL };
		rc = findings_add(out, &f);
	}
	if (dirfd >= 0)
		close(dirfd);
	return rc;
}
