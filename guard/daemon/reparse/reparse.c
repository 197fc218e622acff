/* reparse.c — exec reparse, the answering thread's side (reparse.h):
 * starting and stopping the tracer thread, handing it one request at a
 * time and waiting a bounded time for the attach, the allowances and
 * counters it leaves. The tracer itself: reparse_tracer.c. */
#include "reparse_tracer.h"
#include "array_size.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "clock.h"

const char *reparse_error_name(int err)
{
	switch (err) {
	case -EPERM: return "already traced or ptrace not permitted";
	case -EBUSY: return "reparse busy";
	case -ETIMEDOUT: return "attach timed out";
	case -ESRCH: return "process gone";
	case -ENOSYS: return "architecture not supported";
	case -EXDEV: return "the trusted pkgguard-sandbox is not at its path in the process's mount namespace";
	case -ELOOP: return "the sandbox itself was refused";
	case -EMLINK: return "multi-threaded process";
	case -ENOEXEC: return "not a native execve";
	case -EFAULT: return "memory not writable";
	case -E2BIG: return "arguments too large";
	case -EINTR: return "signal pending";
	case -ENOENT: return "no trusted pkgguard-sandbox";
	case -ESTALE: return "the daemon's profiles are not the same files in the process's mount namespace";
	default: return strerror(-err);
	}
}

void reparse_trust(struct reparse *r, dev_t dev, ino_t ino)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->mu);
	r->sandbox_dev = dev;
	r->sandbox_ino = ino;
	pthread_mutex_unlock(&r->mu);
}

int reparse_set_profiles(struct reparse *r, const struct strlist *dirs)
{
	struct strlist copy = { 0 };

	if (!r)
		return 0;
	if (strlist_copy(&copy, dirs) != 0) {
		strlist_free(&copy);
		return -ENOMEM;
	}
	pthread_mutex_lock(&r->mu);
	strlist_free(&r->profile_dirs);
	r->profile_dirs = copy;
	pthread_mutex_unlock(&r->mu);
	return 0;
}

int reparse_open(struct reparse **out, const char *sandbox_path, dev_t dev, ino_t ino)
{
	struct reparse *r = calloc(1, sizeof(*r));
	const char *force = getenv("PKGGUARDD_REPARSE_FORCE_MMAP");
	sigset_t chld;
	int e;

	*out = NULL;
	if (!r)
		return -ENOMEM;
	r->req_fd = r->ack_fd = r->quit_fd = r->chld_fd = -1;
	pthread_mutex_init(&r->mu, NULL);
	r->force_mmap = force && strcmp(force, "1") == 0;
	r->sandbox_path = sandbox_path ? strdup(sandbox_path) : NULL;
	r->sandbox_dev = dev;
	r->sandbox_ino = ino;
	/* SIGCHLD (a tracee stopped) is read by the tracer alone, through its
	 * signalfd; blocked here first so that every thread inherits it. */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (pthread_sigmask(SIG_BLOCK, &chld, NULL) != 0) {
		e = -EINVAL;
		goto fail;
	}
	r->req_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	r->ack_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	r->quit_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	r->chld_fd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
	if (r->req_fd < 0 || r->ack_fd < 0 || r->quit_fd < 0 || r->chld_fd < 0) {
		e = -errno;
		goto fail;
	}
	{
		/* The tracer takes no signal at all (SIGCHLD comes by signalfd). */
		sigset_t all, old;

		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		e = -pthread_create(&r->thread, NULL, reparse_tracer_main, r);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	if (e)
		goto fail;
	r->thread_started = true;
	*out = r;
	return 0;
fail:
	reparse_close(r);
	return e;
}

void reparse_close(struct reparse *r)
{
	uint64_t one = 1;

	if (!r)
		return;
	if (r->thread_started) {
		(void)!write(r->quit_fd, &one, sizeof(one));
		pthread_join(r->thread, NULL);
	}
	reparse_tracer_free_jobs(r);
	if (r->req_fd >= 0)
		close(r->req_fd);
	if (r->ack_fd >= 0)
		close(r->ack_fd);
	if (r->quit_fd >= 0)
		close(r->quit_fd);
	if (r->chld_fd >= 0)
		close(r->chld_fd);
	strlist_free(&r->req_commands);
	strlist_free(&r->profile_dirs);
	free(r->sandbox_path);
	pthread_mutex_destroy(&r->mu);
	free(r);
}

static int copy_str(char *dst, size_t len, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n >= len)
		return -E2BIG;
	memcpy(dst, src ? src : "", n + 1);
	return 0;
}

int reparse_submit(struct reparse *r, const struct reparse_request *req, int timeout_ms)
{
	struct pollfd p = { .fd = r->ack_fd, .events = POLLIN };
	uint64_t one = 1, deadline = now_ns() + (uint64_t)timeout_ms * 1000000u;
	int e = 0;

	if (!r->sandbox_path)
		return -ENOENT;
	pthread_mutex_lock(&r->mu);
	if (r->slot != SLOT_FREE && r->slot != SLOT_DONE) {
		pthread_mutex_unlock(&r->mu);
		return -EBUSY; /* the tracer is still stuck in an earlier attach */
	}
	reparse_drain(r->ack_fd);
	if (copy_str(r->req_pm, sizeof(r->req_pm), req->pm) ||
	    copy_str(r->req_file, sizeof(r->req_file), req->file) ||
	    copy_str(r->req_cwd, sizeof(r->req_cwd), req->cwd) ||
	    strlist_copy(&r->req_commands, req->commands) != 0) {
		pthread_mutex_unlock(&r->mu);
		return -E2BIG;
	}
	/* The caller's strings and lists live on its stack or in a policy a
	 * reload frees: the thread sees only the copies. */
	r->req = *req;
	r->req.pm = r->req_pm;
	r->req.file = r->req_file;
	r->req.cwd = r->req_cwd;
	r->req.commands = &r->req_commands;
	r->slot = SLOT_SUBMITTED;
	pthread_mutex_unlock(&r->mu);
	(void)!write(r->req_fd, &one, sizeof(one));
	for (;;) {
		uint64_t now = now_ns();
		int ms = now >= deadline ? 0 : (int)((deadline - now + 999999) / 1000000);

		if (poll(&p, 1, ms) > 0)
			reparse_drain(r->ack_fd);
		pthread_mutex_lock(&r->mu);
		if (r->slot == SLOT_DONE) {
			e = r->ack_err;
			r->slot = SLOT_FREE;
			pthread_mutex_unlock(&r->mu);
			return e;
		}
		if (now_ns() >= deadline) {
			r->slot = SLOT_CANCELLED;
			pthread_mutex_unlock(&r->mu);
			return -ETIMEDOUT;
		}
		pthread_mutex_unlock(&r->mu);
	}
}

bool reparse_take_allowance(struct reparse *r, pid_t pid, uint64_t start)
{
	bool found = false;

	pthread_mutex_lock(&r->mu);
	for (size_t i = 0; i < ARRAY_SIZE(r->allowance); i++)
		if (r->allowance[i].pid == pid && r->allowance[i].start == start) {
			r->allowance[i].pid = 0;
			found = true;
		}
	pthread_mutex_unlock(&r->mu);
	return found;
}

void reparse_count_fallback(struct reparse *r, uint64_t t0)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->mu);
	r->stats.fallbacks++;
	hist_add(&r->stats.latency, now_ns() - t0);
	pthread_mutex_unlock(&r->mu);
}

void reparse_stats_copy(struct reparse *r, struct reparse_stats *out)
{
	if (!r) {
		memset(out, 0, sizeof(*out));
		return;
	}
	pthread_mutex_lock(&r->mu);
	*out = r->stats;
	pthread_mutex_unlock(&r->mu);
}
