/* decoys.c — decoy secrets with per-run tokens (decoys.h). */
#include "decoys.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/inotify.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

struct decoy {
	const char *path;     /* under $HOME */
	const char *before, *after; /* the token goes between */
};

static const struct decoy table[] = {
	{ ".npmrc", "//registry.npmjs.org/:_authToken=npm_", "\n" },
	{ ".ssh/id_ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA",
	  "\n-----END OPENSSH PRIVATE KEY-----\n" },
	{ ".aws/credentials", "[default]\naws_access_key_id = AKIAPKGGUARDDECOY\naws_secret_access_key = ", "\n" },
	{ ".config/gh/hosts.yml", "github.com:\n    oauth_token: gho_", "\n    user: pkgguard\n    git_protocol: https\n" },
	{ ".docker/config.json", "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"", "\"}}}\n" },
	{ ".git-credentials", "https://pkgguard:ghp_", "@github.com\n" },
};

#define N_DECOYS (sizeof(table) / sizeof(table[0]))

const char *decoy_path(size_t i)
{
	static char paths[N_DECOYS][64];
	if (i >= N_DECOYS)
		return "?";
	if (!paths[i][0])
		snprintf(paths[i], sizeof(paths[i]), "~/%s", table[i].path);
	return paths[i];
}

const char *decoy_relpath(size_t i)
{
	return i < N_DECOYS ? table[i].path : "?";
}

int decoys_init(struct decoys *d)
{
	unsigned char raw[DECOYS_MAX][DECOY_TOKEN_LEN / 2];

	_Static_assert(N_DECOYS <= DECOYS_MAX, "too many decoys");
	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		return log_fail(errno ? errno : EIO, "tripwire: getrandom for the decoy tokens");
	d->n = N_DECOYS;
	for (size_t i = 0; i < d->n; i++) {
		for (size_t b = 0; b < DECOY_TOKEN_LEN / 2; b++)
			snprintf(d->token[i] + 2 * b, 3, "%02x", raw[i][b]);
		d->wd[i] = -1;
	}
	return 0;
}

/* mkdir -p of the decoy's directories under home (0700, like ~/.ssh). */
static int make_parents(const char *home, const char *rel)
{
	char path[4096];
	int n = snprintf(path, sizeof(path), "%s/%s", home, rel);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	for (char *s = path + strlen(home) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	return 0;
}

int decoys_plant(struct decoys *d, const char *home, int inotify_fd)
{
	char path[4096], body[512];

	for (size_t i = 0; i < d->n; i++) {
		snprintf(path, sizeof(path), "%s/%s", home, table[i].path);
		if (make_parents(home, table[i].path) != 0)
			continue; /* a read-only bind is there: not ours to plant */
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			continue;
		int len = snprintf(body, sizeof(body), "%s%s%s", table[i].before, d->token[i], table[i].after);
		int ok = write(fd, body, (size_t)len) == len;
		int err = errno;
		close(fd);
		if (!ok)
			return log_fail(err, "tripwire: write the decoy %s", path);
		if (inotify_fd >= 0 && (d->wd[i] = inotify_add_watch(inotify_fd, path, IN_OPEN)) < 0)
			return log_fail(errno, "tripwire: inotify_add_watch %s", path);
	}
	return 0;
}

int decoys_find_token(const struct decoys *d, const void *buf, size_t len)
{
	const char *s = buf;

	for (size_t i = 0; i + DECOY_TOKEN_LEN <= len; i++)
		for (size_t k = 0; k < d->n; k++)
			if ((s[i] | 0x20) == d->token[k][0] && strncasecmp(s + i, d->token[k], DECOY_TOKEN_LEN) == 0)
				return (int)k;
	return -1;
}

void decoys_read_events(const struct decoys *d, int inotify_fd, void (*opened)(void *ctx, size_t i), void *ctx)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	while ((n = read(inotify_fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			for (size_t i = 0; i < d->n; i++)
				if (d->wd[i] == ev->wd && (ev->mask & IN_OPEN))
					opened(ctx, i);
			p += sizeof(*ev) + ev->len;
		}
	}
}
