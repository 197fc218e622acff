/* tripwire.c — wires the tripwire's pieces into the sandbox's three
 * processes (tripwire.h). */
#include "tripwire.h"
#include "decoys.h"
#include "dns_stub.h"
#include "leftovers.h"
#include "log.h"
#include "notify_supervisor.h"
#include "record.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROCESSES_MAX 32

enum { DIR_HOME, DIR_TMP, DIR_VARTMP, DIR_SHM, DIRS };
static const char *const dir_prefix[DIRS] = { "~", "/tmp", "/var/tmp", "/dev/shm" };

enum msg_kind { MSG_DNS = 1, MSG_LISTENER, MSG_VIEW, MSG_PROCESS, MSG_GIVE_BACK };

struct msg {
	int kind;
	int have[DIRS + 1];          /* MSG_VIEW: inotify, then the dirs sent */
	int wd[DECOYS_MAX];
	struct leftover_process proc;
};

struct tripwire {
	const struct policy *p;
	bool network;                /* notifier + DNS stub (profile network = none) */
	enum confinement mode;
	int chan[2];                 /* [0] parent's end, [1] the children's */
	struct seccomp_prog notify_prog;
	struct notify_supervisor sup;
	int dns_fd, inotify_fd;
	int dirs[DIRS];
	ino_t skip_ino;              /* fallback: $HOME inside the private TMPDIR */
	struct decoys decoys;
	struct pkg_snapshot snap;
	struct findings findings;
	unsigned processes;
	pid_t noted[PROCESSES_MAX];  /* fallback: pids already recorded */
	int record_dirfd;
	char name[64], quarantine[96], status[256];
	int quarantined;
};

/* init's copy, for the final sweep (pidns_init.c has no tripwire handle). */
static struct tripwire *init_tripwire;

static void add(struct tripwire *tw, const struct finding *f)
{
	if (findings_add(&tw->findings, f) < 0)
		tw->findings.dropped++;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* ---- observers (parent) ---- */

static void on_net(void *ctx, const struct net_dest *d, const void *payload, size_t len)
{
	struct tripwire *tw = ctx;
	struct finding f = { .kind = FINDING_CONNECT, .name = (char *)d->syscall, .address = (char *)d->address,
			     .protocol = (char *)d->protocol, .port = d->port, .local = d->local };

	/* Queries to the stub are its own findings. */
	if (d->local && d->port == 53)
		return;
	add(tw, &f);
	int k = payload ? decoys_find_token(&tw->decoys, payload, len) : -1;
	if (k >= 0) {
		char where[128];
		snprintf(where, sizeof(where), "%s to %s port %u", d->syscall, d->address, d->port);
		struct finding t = { .kind = FINDING_DECOY_SENT, .path = (char *)decoy_path((size_t)k), .detail = where };
		add(tw, &t);
	}
}

static void on_refused(void *ctx, const char *syscall)
{
	struct tripwire *tw = ctx;
	struct finding f = { .kind = FINDING_REFUSED_CALL, .name = (char *)syscall };
	add(tw, &f);
}

static void on_dns(void *ctx, const char *name)
{
	struct tripwire *tw = ctx;
	struct finding f = { .kind = FINDING_DNS, .name = (char *)name };

	add(tw, &f);
	int k = decoys_find_token(&tw->decoys, name, strlen(name));
	if (k >= 0) {
		char where[300];
		snprintf(where, sizeof(where), "the DNS name %s", name);
		struct finding t = { .kind = FINDING_DECOY_SENT, .path = (char *)decoy_path((size_t)k), .detail = where };
		add(tw, &t);
	}
}

static void on_decoy_opened(void *ctx, size_t i)
{
	struct tripwire *tw = ctx;
	struct finding f = { .kind = FINDING_DECOY_OPENED, .path = (char *)decoy_path(i) };
	add(tw, &f);
}

static void on_process(struct tripwire *tw, const struct leftover_process *p)
{
	char exe[sizeof(p->exe)], cmd[sizeof(p->cmdline)];

	snprintf(exe, sizeof(exe), "%s", p->exe);
	snprintf(cmd, sizeof(cmd), "%s", p->cmdline);
	for (char *s = cmd; *s; s++)
		if (!isprint((unsigned char)*s))
			*s = '?';
	struct finding f = { .kind = FINDING_PROCESS_LEFT, .pid = p->pid, .path = exe, .detail = cmd };
	add(tw, &f);
}

/* ---- setup (parent) ---- */

struct tripwire *tripwire_new(const struct policy *p, const char *command, const char *record_dir)
{
	struct tripwire *tw = calloc(1, sizeof(*tw));

	if (!tw) {
		log_fail(ENOMEM, "tripwire");
		return NULL;
	}
	tw->p = p;
	tw->chan[0] = tw->chan[1] = tw->dns_fd = tw->inotify_fd = -1;
	for (int i = 0; i < DIRS; i++)
		tw->dirs[i] = -1;
	tw->network = p->network == NETWORK_NONE;
	record_name(tw->name, sizeof(tw->name));
	snprintf(tw->quarantine, sizeof(tw->quarantine), "%s.quarantine", tw->name);
	tw->record_dirfd = open(record_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (tw->record_dirfd < 0 || decoys_init(&tw->decoys) != 0 ||
	    notify_supervisor_init(&tw->sup, on_net, on_refused, tw) != 0) {
		if (tw->record_dirfd < 0)
			log_fail(errno, "tripwire: open the record directory %s", record_dir);
		tripwire_free(tw);
		return NULL;
	}
	pkg_snapshot_take(&tw->snap, p->pkg_dir, command);
	return tw;
}

static void drop_sandbox_fds(struct tripwire *tw)
{
	close_fd(&tw->dns_fd);
	close_fd(&tw->inotify_fd);
	for (int i = 0; i < DIRS; i++)
		close_fd(&tw->dirs[i]);
	notify_supervisor_attach(&tw->sup, -1);
	tw->sup.listener = -1;
}

void tripwire_free(struct tripwire *tw)
{
	if (!tw)
		return;
	drop_sandbox_fds(tw);
	close_fd(&tw->chan[0]);
	close_fd(&tw->chan[1]);
	close_fd(&tw->record_dirfd);
	notify_supervisor_close(&tw->sup);
	seccomp_prog_free(&tw->notify_prog);
	findings_free(&tw->findings);
	free(tw);
}

int tripwire_channel_open(struct tripwire *tw, enum confinement mode)
{
	close_fd(&tw->chan[0]);
	close_fd(&tw->chan[1]);
	drop_sandbox_fds(tw); /* from a namespace attempt that fell back */
	tw->mode = mode;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, tw->chan) != 0)
		return log_fail(errno, "tripwire: socketpair");
	int fl = fcntl(tw->chan[0], F_GETFL);
	fcntl(tw->chan[0], F_SETFL, fl | O_NONBLOCK);
	seccomp_prog_free(&tw->notify_prog);
	return notify_filter_compile(tw->chan[1], tw->network, &tw->notify_prog);
}

void tripwire_channel_close_child(struct tripwire *tw)
{
	close_fd(&tw->chan[1]);
}

int tripwire_filter_build(const struct tripwire *tw, const struct policy *p, enum confinement mode,
			  struct seccomp_prog *out)
{
	return tw ? seccomp_filter_compile_uncounted(p, mode, out) : seccomp_filter_build(p, mode, out);
}

/* ---- the sandbox's side ---- */

/* quiet: nobody to tell (the give-back to an init that is already gone). */
static int send_msg_to(int sock, const struct msg *m, const int *fds, int nfds, bool quiet)
{
	char control[CMSG_SPACE(sizeof(int) * (DIRS + 3))];
	struct iovec iov = { (void *)m, sizeof(*m) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	memset(control, 0, sizeof(control));
	if (nfds > 0) {
		mh.msg_control = control;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)nfds);
	}
	if (sendmsg(sock, &mh, MSG_NOSIGNAL) != (ssize_t)sizeof(*m))
		return quiet ? -EPIPE : log_fail(errno ? errno : EPIPE, "tripwire: hand over to the parent");
	return 0;
}

static int send_msg(int sock, const struct msg *m, const int *fds, int nfds)
{
	return send_msg_to(sock, m, fds, nfds, false);
}

int tripwire_script_netns(struct tripwire *tw)
{
	struct msg m = { .kind = MSG_DNS };

	if (!tw || !tw->network || tw->mode != CONFINE_NAMESPACES)
		return 0;
	int fd = dns_stub_socket();
	if (fd < 0)
		return fd;
	int rc = send_msg(tw->chan[1], &m, &fd, 1);
	close(fd);
	return rc;
}

int tripwire_script_notify(struct tripwire *tw)
{
	struct msg m = { .kind = MSG_LISTENER };

	/* Always with a tripwire: the main filter left the counted refusals
	 * to this one (tripwire_filter_build). */
	if (!tw)
		return 0;
	int fd = notify_filter_load(&tw->notify_prog);
	if (fd < 0)
		return fd;
	int rc = send_msg(tw->chan[1], &m, &fd, 1);
	close(fd);
	return rc;
}

/* Plants the decoys under home, opens the private directories and sends
 * them with the inotify descriptor. */
static int hand_over_view(struct tripwire *tw, const char *home, const char *const paths[DIRS])
{
	struct msg m = { .kind = MSG_VIEW };
	int fds[DIRS + 1], n = 0, rc = 0;

	int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (in < 0)
		return log_fail(errno, "tripwire: inotify_init1");
	if (home && (rc = decoys_plant(&tw->decoys, home, in)) != 0) {
		close(in);
		return rc;
	}
	memcpy(m.wd, tw->decoys.wd, sizeof(m.wd));
	fds[n++] = in;
	m.have[0] = 1;
	for (int i = 0; i < DIRS; i++) {
		int fd = paths[i] ? open(paths[i], O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
		if (fd >= 0) {
			fds[n++] = fd;
			m.have[i + 1] = 1;
		}
	}
	rc = send_msg(tw->chan[1], &m, fds, n);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	return rc;
}

int tripwire_init_view(struct tripwire *tw, const struct policy *p)
{
	const char *home = p->home && strcmp(p->home, "/") != 0 ? p->home : NULL;
	const char *const paths[DIRS] = { home, "/tmp", "/var/tmp", "/dev/shm" };

	if (!tw)
		return 0;
	init_tripwire = tw;
	return hand_over_view(tw, home, paths);
}

void tripwire_init_sweep(void)
{
	struct tripwire *tw = init_tripwire;
	struct dirent *de;
	unsigned sent = 0;

	if (!tw)
		return;
	/* Nothing may run (fork, exec, rewrite its command line) while it is
	 * listed; SIGSTOP cannot be caught. init itself is spared by kill(-1). */
	kill(-1, SIGSTOP);
	DIR *d = opendir("/proc");
	while (d && (de = readdir(d)) && sent < PROCESSES_MAX) {
		struct msg m = { .kind = MSG_PROCESS };
		int pid = atoi(de->d_name);
		if (pid <= 1 || leftover_process_read(pid, &m.proc) != 0)
			continue; /* init, not a pid, or a zombie */
		if (send_msg(tw->chan[1], &m, NULL, 0) == 0)
			sent++;
	}
	if (d)
		closedir(d);
}

void tripwire_init_linger(void)
{
	struct tripwire *tw = init_tripwire;

	if (!tw)
		return;
	/* The caller's stdio (npm's pipes) must not wait for us: its end of
	 * file comes when the script's processes are gone, as without the
	 * tripwire. Nothing is printed from here on. */
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int fd = 0; fd <= 2; fd++)
		if (null < 0 || dup2(null, fd) < 0)
			close(fd);
	if (null > 2)
		close(null);
	/* Until EOF, when the parent is done (or gone: PR_SET_PDEATHSIG ends
	 * us too). What it gives back (MSG_GIVE_BACK) is only held, so that
	 * the last close of the namespaces' mounts and sockets is our exit's. */
	for (;;) {
		char control[CMSG_SPACE(sizeof(int) * (DIRS + 3))], byte;
		struct iovec iov = { &byte, 1 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
				     .msg_controllen = sizeof(control) };
		ssize_t n = recvmsg(tw->chan[1], &mh, 0);
		if (n == 0 || (n < 0 && errno != EINTR))
			return;
	}
}

/* ---- parent: CONFINE_FALLBACK ---- */

int tripwire_fallback_view(struct tripwire *tw, const char *fallback_tmp)
{
	char home[4200];
	struct stat st;

	if (!tw)
		return 0;
	snprintf(home, sizeof(home), "%s/home", fallback_tmp);
	if (stat(home, &st) == 0)
		tw->skip_ino = st.st_ino;
	const char *const paths[DIRS] = { home, fallback_tmp, NULL, NULL };
	return hand_over_view(tw, home, paths);
}

void tripwire_note_process(struct tripwire *tw, pid_t pid)
{
	struct leftover_process p;

	if (!tw || tw->processes >= PROCESSES_MAX)
		return;
	/* A killed process is seen again until it is reaped. */
	for (unsigned i = 0; i < tw->processes; i++)
		if (tw->noted[i] == pid)
			return;
	if (leftover_process_read(pid, &p) == 0) {
		tw->noted[tw->processes++] = pid;
		on_process(tw, &p);
	}
}

/* ---- parent: while the sandbox runs ---- */

static void take_fds(struct tripwire *tw, const struct msg *m, int *fds, int n)
{
	int used = 0;

	switch (m->kind) {
	case MSG_DNS:
		if (n >= 1 && tw->dns_fd < 0) {
			tw->dns_fd = fds[0];
			used = 1;
		}
		break;
	case MSG_LISTENER:
		if (n >= 1 && tw->sup.listener < 0) {
			notify_supervisor_attach(&tw->sup, fds[0]);
			used = 1;
		}
		break;
	case MSG_VIEW:
		if (tw->inotify_fd >= 0)
			break;
		for (int i = 0; i <= DIRS && used < n; i++) {
			if (!m->have[i])
				continue;
			if (i == 0)
				tw->inotify_fd = fds[used++];
			else
				tw->dirs[i - 1] = fds[used++];
		}
		memcpy(tw->decoys.wd, m->wd, sizeof(tw->decoys.wd));
		break;
	case MSG_PROCESS:
		if (tw->processes++ < PROCESSES_MAX)
			on_process(tw, &m->proc);
		break;
	}
	for (int i = used; i < n; i++)
		close(fds[i]);
}

static void read_channel(struct tripwire *tw)
{
	for (;;) {
		char control[CMSG_SPACE(sizeof(int) * (DIRS + 1))];
		struct msg m;
		struct iovec iov = { &m, sizeof(m) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
				     .msg_controllen = sizeof(control) };
		int fds[DIRS + 1], n = 0;

		ssize_t got = recvmsg(tw->chan[0], &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (got == 0) {
			close_fd(&tw->chan[0]); /* every sender is gone */
			return;
		}
		if (got < 0)
			return;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
				int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
				for (int i = 0; i < k && n < DIRS + 1; i++)
					memcpy(&fds[n++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			}
		if (got == (ssize_t)sizeof(m) && !(mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)))
			take_fds(tw, &m, fds, n);
		else
			for (int i = 0; i < n; i++)
				close(fds[i]);
	}
}

int tripwire_pollfds(const struct tripwire *tw, struct pollfd *fds)
{
	int n = 0;

	if (!tw)
		return 0;
	const int wanted[TRIPWIRE_POLL_MAX] = { tw->chan[0], tw->sup.listener, tw->dns_fd };
	for (int i = 0; i < TRIPWIRE_POLL_MAX; i++)
		fds[n++] = (struct pollfd){ wanted[i], POLLIN, 0 }; /* -1 is ignored by poll */
	return n;
}

void tripwire_poll_ready(struct tripwire *tw, const struct pollfd *fds, int n)
{
	if (!tw || n < TRIPWIRE_POLL_MAX)
		return;
	if (fds[0].revents & (POLLIN | POLLHUP))
		read_channel(tw);
	if (fds[1].fd >= 0 && fds[1].fd == tw->sup.listener) {
		if (fds[1].revents & POLLIN)
			notify_supervisor_handle(&tw->sup);
		else if (fds[1].revents & (POLLHUP | POLLERR))
			notify_supervisor_attach(&tw->sup, -1); /* no process left to notify */
	}
	if (fds[2].fd >= 0 && (fds[2].revents & POLLIN))
		dns_stub_answer(tw->dns_fd, on_dns, tw);
}

/* ---- parent: the end ---- */

int tripwire_finish(struct tripwire *tw)
{
	struct quarantine q = { .dirfd = tw->record_dirfd, .name = tw->quarantine };
	int rc = 0;

	if (tw->chan[0] >= 0)
		read_channel(tw);
	if (tw->dns_fd >= 0)
		dns_stub_answer(tw->dns_fd, on_dns, tw);
	if (tw->inotify_fd >= 0)
		decoys_read_events(&tw->decoys, tw->inotify_fd, on_decoy_opened, tw);
	/* Decoys that are gone: a wiper, or a stealer covering its tracks. */
	for (size_t i = 0; tw->dirs[DIR_HOME] >= 0 && i < tw->decoys.n; i++) {
		struct stat st;
		if (tw->decoys.wd[i] >= 0 && fstatat(tw->dirs[DIR_HOME], decoy_relpath(i), &st, AT_SYMLINK_NOFOLLOW) != 0 &&
		    errno == ENOENT) {
			struct finding f = { .kind = FINDING_DECOY_OPENED, .path = (char *)decoy_path(i), .detail = "deleted" };
			add(tw, &f);
		}
	}
	for (int i = 0; i < DIRS && rc == 0; i++)
		if (tw->dirs[i] >= 0)
			rc = leftovers_walk(tw->dirs[i],
					    tw->mode == CONFINE_FALLBACK && i == DIR_TMP ? "$TMPDIR" : dir_prefix[i],
					    &tw->decoys, &q, i == DIR_TMP ? tw->skip_ino : 0, &tw->findings);
	if (rc == 0)
		rc = pkg_snapshot_compare(&tw->snap, tw->p->pkg_dir, &tw->findings);
	tw->quarantined = q.made;
	snprintf(tw->status, sizeof(tw->status), "%s%s%s",
		 tw->mode == CONFINE_FALLBACK ? "fallback: " : "",
		 tw->network ? (tw->mode == CONFINE_FALLBACK ? "no DNS stub (no network namespace); " : "") :
			       "network allowed by the profile: not watched; ",
		 tw->inotify_fd >= 0 ? "decoys, files, processes, package files" : "package files only");
	/* The last references to the sandbox's mounts and network namespace
	 * go back to init, whose exit pays their teardown (an RCU grace period
	 * or more, milliseconds) after we are gone. */
	if (tw->mode == CONFINE_NAMESPACES && tw->chan[0] >= 0) {
		int fds[DIRS + 3], n = 0;
		const int mine[] = { tw->dns_fd, tw->inotify_fd, tw->sup.listener, tw->dirs[0], tw->dirs[1], tw->dirs[2], tw->dirs[3] };
		struct msg m = { .kind = MSG_GIVE_BACK };
		for (size_t i = 0; i < sizeof(mine) / sizeof(mine[0]); i++)
			if (mine[i] >= 0)
				fds[n++] = mine[i];
		if (n)
			send_msg_to(tw->chan[0], &m, fds, n, true);
	}
	drop_sandbox_fds(tw);
	close_fd(&tw->chan[0]);
	return rc;
}

const struct findings *tripwire_findings(const struct tripwire *tw)
{
	return &tw->findings;
}

const char *tripwire_record_name(const struct tripwire *tw)
{
	return tw->name;
}

const char *tripwire_quarantine(const struct tripwire *tw)
{
	return tw->quarantined ? tw->quarantine : NULL;
}

const char *tripwire_status(const struct tripwire *tw)
{
	return tw->status;
}
