/* control_server.c — answering `pkgguard status` (control_proto.h). */
#include "control_server.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static long rss_kb(void)
{
	char buf[4096];
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	ssize_t n;
	const char *p;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strstr(buf, "VmRSS:");
	return p ? strtol(p + 6, NULL, 10) : -1;
}

static int make_parent(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return log_fail(errno, "control socket: mkdir %s", dir);
	return 0;
}

int control_open(struct control_server *s, const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int r;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	for (size_t i = 0; i < CONTROL_MAX_CONNS; i++)
		s->conns[i].fd = -1;
	if (strlen(path) >= sizeof(a.sun_path))
		return log_fail_plain(ENAMETOOLONG, "control socket: path too long: %s", path);
	r = make_parent(path);
	if (r)
		return r;
	strcpy(a.sun_path, path);
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return log_fail(errno, "control socket: socket");
	unlink(path);
	mode_t old = umask(0077);
	r = bind(s->fd, (struct sockaddr *)&a, sizeof(a));
	umask(old);
	if (r != 0 || listen(s->fd, CONTROL_MAX_CONNS) != 0) {
		r = log_fail(errno, "control socket: bind/listen %s", path);
		close(s->fd);
		s->fd = -1;
		return r;
	}
	s->path = strdup(path);
	return 0;
}

static void conn_drop(struct control_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->n = 0;
}

void control_close(struct control_server *s)
{
	for (size_t i = 0; i < CONTROL_MAX_CONNS; i++)
		conn_drop(&s->conns[i]);
	if (s->fd >= 0) {
		close(s->fd);
		if (s->path)
			unlink(s->path);
	}
	s->fd = -1;
	free(s->path);
	s->path = NULL;
}

size_t control_pollfds(const struct control_server *s, struct pollfd *fds)
{
	size_t n = 0;

	if (s->fd < 0)
		return 0;
	fds[n++] = (struct pollfd){ .fd = s->fd, .events = POLLIN };
	for (size_t i = 0; i < CONTROL_MAX_CONNS; i++)
		if (s->conns[i].fd >= 0)
			fds[n++] = (struct pollfd){ .fd = s->conns[i].fd, .events = POLLIN };
	return n;
}

static void accept_one(struct control_server *s)
{
	int fd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	for (size_t i = 0; i < CONTROL_MAX_CONNS; i++)
		if (s->conns[i].fd < 0) {
			s->conns[i] = (struct control_conn){ .fd = fd,
							     .deadline_ms = now_ms() + PKGGUARD_CONTROL_TIMEOUT_MS };
			return;
		}
	close(fd); /* busy: the client retries */
}

static unsigned long long ull(uint64_t v)
{
	return (unsigned long long)v;
}

/* "p50":…,"p90":…,"p99":…,"max":… or "p50 … us, p90 … us, …" */
static void percentiles(const struct latency_hist *h, bool json, char *out, size_t len)
{
	snprintf(out, len, json ? "{\"p50\":%llu,\"p90\":%llu,\"p99\":%llu,\"max\":%llu}"
				: "p50 %llu us, p90 %llu us, p99 %llu us, max %llu us",
		 ull(hist_percentile_us(h, 50)), ull(hist_percentile_us(h, 90)),
		 ull(hist_percentile_us(h, 99)), ull(h->max_ns / 1000));
}

/* The profile directories: ["A","B"] (JSON-escaped) or "A:B". */
static void dirs_text(const struct strlist *dirs, bool json, char *out, size_t len)
{
	struct json_object *a = json ? json_object_new_array() : NULL;
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; dirs && i < dirs->n; i++) {
		if (a)
			json_object_array_add(a, json_object_new_string(dirs->v[i]));
		else if (n < len)
			n += (size_t)snprintf(out + n, len - n, "%s%s", i ? ":" : "", dirs->v[i]);
	}
	if (a) {
		snprintf(out, len, "%s", json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(a);
	} else if (!out[0]) {
		snprintf(out, len, "none");
	}
}

static int answer(const char *req, const struct control_view *v, char *out, size_t len)
{
	const struct daemon_stats *st = v->stats;
	const struct reparse_stats *rp = v->reparse;
	bool json = strcmp(req, "status json") == 0;
	char lat[160], rlat[160], buckets[3200]; /* 96 × "[bound,count]," at most */
	char dirs[1536];

	if (!json && strcmp(req, "status") != 0)
		return snprintf(out, len, "error: unknown request\n");
	percentiles(&st->latency, json, lat, sizeof(lat));
	percentiles(&rp->latency, json, rlat, sizeof(rlat));
	dirs_text(v->profile_dirs, json, dirs, sizeof(dirs));
	if (hist_json_buckets(&st->latency, buckets, sizeof(buckets)) >= (int)sizeof(buckets))
		snprintf(buckets, sizeof(buckets), "null");
	if (json)
		return snprintf(out, len,
				"{\"pid\":%d,\"mode\":\"%s\",\"uptime_s\":%llu,\"events\":%llu,\"allows\":%llu,"
				"\"denies\":%llu,\"audit_would_deny\":%llu,\"cache_hits\":%llu,\"overflows\":%llu,"
				"\"reparsed\":%llu,\"reparsed_via_mmap\":%llu,\"reparse_nested\":%llu,\"reparse_fallbacks\":%llu,"
				"\"latency_us\":%s,\"latency_buckets_us\":%s,\"reparse_latency_us\":%s,"
				"\"rss_kb\":%ld,\"profile_dirs\":%s}\n",
				(int)getpid(), v->mode, ull(v->uptime_s), ull(st->events), ull(st->allows),
				ull(st->denies), ull(st->audit_would_deny), ull(st->cache_hits), ull(st->overflows),
				ull(rp->reparsed), ull(rp->via_mmap), ull(rp->nested), ull(rp->fallbacks), lat, buckets,
				rlat, rss_kb(), dirs);
	return snprintf(out, len,
			"pid %d, mode %s, up %llu s\nevents %llu, allows %llu, denies %llu, "
			"audit would-deny %llu, cache hits %llu, overflows %llu\n"
			"reparsed %llu, nested package managers %llu, reparse fallbacks (denied) %llu\n"
			"decision latency %s; rss %ld kB\nreparse latency %s\nprofiles from %s\n",
			(int)getpid(), v->mode, ull(v->uptime_s), ull(st->events), ull(st->allows),
			ull(st->denies), ull(st->audit_would_deny), ull(st->cache_hits), ull(st->overflows),
			ull(rp->reparsed), ull(rp->nested), ull(rp->fallbacks), lat, rss_kb(), rlat, dirs);
}

static void conn_read(struct control_conn *c, const struct control_view *v)
{
	char out[6144];
	ssize_t n = read(c->fd, c->buf + c->n, sizeof(c->buf) - 1 - c->n);
	char *nl;
	int len;

	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			conn_drop(c);
		return;
	}
	c->n += (size_t)n;
	c->buf[c->n] = '\0';
	nl = strchr(c->buf, '\n');
	if (!nl) {
		if (c->n + 1 >= sizeof(c->buf))
			conn_drop(c);
		return;
	}
	*nl = '\0';
	len = answer(c->buf, v, out, sizeof(out));
	if (len > 0)
		(void)!send(c->fd, out, (size_t)len < sizeof(out) ? (size_t)len : sizeof(out) - 1,
			    MSG_DONTWAIT | MSG_NOSIGNAL);
	conn_drop(c);
}

void control_handle(struct control_server *s, const struct pollfd *fds, size_t n,
		    const struct control_view *v)
{
	for (size_t i = 0; i < n; i++) {
		if (!fds[i].revents)
			continue;
		if (fds[i].fd == s->fd) {
			accept_one(s);
			continue;
		}
		for (size_t j = 0; j < CONTROL_MAX_CONNS; j++)
			if (s->conns[j].fd == fds[i].fd)
				conn_read(&s->conns[j], v);
	}
}

void control_expire(struct control_server *s)
{
	uint64_t now = now_ms();

	for (size_t i = 0; i < CONTROL_MAX_CONNS; i++)
		if (s->conns[i].fd >= 0 && now > s->conns[i].deadline_ms)
			conn_drop(&s->conns[i]);
}
