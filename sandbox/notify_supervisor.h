/* notify_supervisor.h — the seccomp user-notification supervisor for the
 * network calls of a sandboxed script (the tripwire, README.md). The script loads a small
 * filter that turns connect(), sendto() with an address, sendmsg() and
 * sendmmsg() into notifications for this supervisor, which runs in
 * pkgguard-sandbox's parent, outside the sandbox. For each call it reads
 * the destination from the script's memory, checks with
 * seccomp_notify_id_valid() that the call is still the one it read, hands
 * the destination to the caller's observer (the record), and answers.
 *
 * The answer never rests on memory the script could change: an inet
 * destination outside loopback is refused with an error (ENETUNREACH, what
 * the empty network namespace gives). Everything else (loopback, AF_UNIX,
 * netlink) is let continue, and that is safe only because the sandbox's own
 * network namespace (and, without namespaces, the seccomp rule that refuses
 * inet sockets) is the boundary, not this supervisor: a script that swaps
 * the address after the read reaches nothing more than it could anyway.
 *
 * With the tripwire, the unconditional refusals of the main filter
 * (unshare, mount, ptrace, bpf, io_uring, keyctl… seccomp_counted_refusal())
 * are notified here instead, answered with the same errno before anything
 * else is looked at, and counted. The refusal does not rest on this
 * process: if it dies, the kernel fails every notified call with ENOSYS.
 *
 * The reusable base for allowing specific hosts later: such a decision must
 * not continue the script's call; it must make the connection itself
 * (SECCOMP_IOCTL_NOTIF_ADDFD with a socket the supervisor connected), so the
 * address that was checked is the one that is used. */
#ifndef PKGGUARD_NOTIFY_SUPERVISOR_H
#define PKGGUARD_NOTIFY_SUPERVISOR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "layers.h"

/* One inet destination a call named. */
struct net_dest {
	const char *syscall;          /* "connect", "sendto", "sendmsg", "sendmmsg" */
	char address[INET6_ADDRSTRLEN];
	unsigned port;
	const char *protocol;         /* "tcp", "udp", or "inet" when unknown */
	bool local;                   /* loopback: inside the sandbox's own network */
};

/* Called for every inet destination; payload is the first bytes the call
 * would have sent (sendto/sendmsg/sendmmsg), or NULL. */
typedef void (*net_observer)(void *ctx, const struct net_dest *d, const void *payload, size_t len);
/* Called for every refused call the supervisor counts (by syscall name). */
typedef void (*refusal_observer)(void *ctx, const char *syscall);

#define COUNTED_MAX 64

struct notify_supervisor {
	int listener;                 /* -1 until the script handed it over */
	net_observer observe;
	refusal_observer refused_call;
	void *ctx;
	struct { int nr; int err; const char *name; } counted[COUNTED_MAX];
	size_t ncounted;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	size_t handled, refused;
};

/* The notification filter, compiled with libseccomp: the network calls
 * and the counted refusals. sendmsg() on exempt_fd is not notified: the
 * script hands the listener itself over on that socket, right after loading
 * the filter. network: false leaves the network calls alone (a profile
 * that allows the network). */
int notify_filter_compile(int exempt_fd, bool network, struct seccomp_prog *out);
/* Script side: loads prog with SECCOMP_FILTER_FLAG_NEW_LISTENER. Returns
 * the listener fd or -errno. */
int notify_filter_load(const struct seccomp_prog *prog);

int notify_supervisor_init(struct notify_supervisor *s, net_observer observe, refusal_observer refused,
			   void *ctx);
/* Takes over the listener fd. */
void notify_supervisor_attach(struct notify_supervisor *s, int listener);
/* Answers one pending notification (the listener polled readable).
 * Returns 0, or -errno when the listener is gone (the script ended). */
int notify_supervisor_handle(struct notify_supervisor *s);
void notify_supervisor_close(struct notify_supervisor *s);

#endif
