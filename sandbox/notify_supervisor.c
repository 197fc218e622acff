/* notify_supervisor.c — network calls of the script, answered from outside
 * the sandbox (notify_supervisor.h). */
#include "notify_supervisor.h"
#include "log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef SECCOMP_USER_NOTIF_FLAG_CONTINUE
#define SECCOMP_USER_NOTIF_FLAG_CONTINUE (1UL << 0)
#endif
#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif

#define PAYLOAD_MAX 4096   /* bytes of a refused send kept for the token search */
#define MMSG_MAX 64        /* sendmmsg() entries read */

int notify_filter_compile(int exempt_fd, bool network, struct seccomp_prog *out)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int rc;

	out->insns = NULL;
	out->len = 0;
	if (!ctx)
		return log_fail(ENOMEM, "tripwire: seccomp_init");
	/* Other architectures' entry points are refused by the main filter. */
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1)) < 0) {
		rc = log_fail(-rc, "tripwire: seccomp_attr_set");
		goto out;
	}
	/* Plain initialisers: libseccomp's SCMP_Ax() leave a field out, which
	 * clang's -Wmissing-field-initializers refuses. */
	const struct scmp_arg_cmp with_address = { .arg = 4, .op = SCMP_CMP_NE, .datum_a = 0, .datum_b = 0 };
	const struct scmp_arg_cmp not_exempt = { .arg = 0, .op = SCMP_CMP_NE, .datum_a = (uint64_t)exempt_fd, .datum_b = 0 };
	if (network &&
	    ((rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(connect), 0)) < 0 ||
	     (rc = seccomp_rule_add_array(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(sendto), 1, &with_address)) < 0 ||
	     (rc = seccomp_rule_add_array(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(sendmsg), 1, &not_exempt)) < 0 ||
	     (rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(sendmmsg), 0)) < 0)) {
		rc = log_fail(-rc, "tripwire: the notification filter's rules");
		goto out;
	}
	const char *name;
	int err;
	for (size_t i = 0; seccomp_counted_refusal(i, &name, &err) == 0; i++) {
		int nr = seccomp_syscall_resolve_name(name);
		if (nr == __NR_SCMP_ERROR) {
			rc = log_fail_plain(ENOSYS, "tripwire: %s unknown to libseccomp", name);
			goto out;
		}
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 0)) < 0) {
			rc = log_fail(-rc, "tripwire: seccomp_rule_add(%s, NOTIFY)", name);
			goto out;
		}
	}
	rc = seccomp_ctx_export(ctx, out);
out:
	seccomp_release(ctx);
	return rc;
}

int notify_filter_load(const struct seccomp_prog *prog)
{
	struct sock_fprog fprog = { .len = (unsigned short)prog->len, .filter = prog->insns };
	long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &fprog);

	if (fd < 0)
		return log_fail(errno, "tripwire: seccomp(SECCOMP_SET_MODE_FILTER, NEW_LISTENER)");
	return (int)fd;
}

int notify_supervisor_init(struct notify_supervisor *s, net_observer observe, refusal_observer refused,
			   void *ctx)
{
	const char *name;
	int err;

	memset(s, 0, sizeof(*s));
	s->listener = -1;
	s->observe = observe;
	s->refused_call = refused;
	s->ctx = ctx;
	if (seccomp_counted_refusal(COUNTED_MAX, &name, &err) == 0)
		return log_fail_plain(E2BIG, "tripwire: more counted refusals than COUNTED_MAX");
	for (size_t i = 0; seccomp_counted_refusal(i, &name, &err) == 0; i++) {
		int nr = seccomp_syscall_resolve_name(name);
		if (nr == __NR_SCMP_ERROR)
			return log_fail_plain(ENOSYS, "tripwire: %s unknown to libseccomp", name);
		s->counted[s->ncounted].nr = nr;
		s->counted[s->ncounted].err = err;
		s->counted[s->ncounted].name = name;
		s->ncounted++;
	}
	int rc = seccomp_notify_alloc(&s->req, &s->resp);
	return rc < 0 ? log_fail(-rc, "tripwire: seccomp_notify_alloc") : 0;
}

void notify_supervisor_attach(struct notify_supervisor *s, int listener)
{
	if (s->listener >= 0)
		close(s->listener);
	s->listener = listener;
}

void notify_supervisor_close(struct notify_supervisor *s)
{
	if (s->listener >= 0)
		close(s->listener);
	s->listener = -1;
	seccomp_notify_free(s->req, s->resp);
	s->req = NULL;
	s->resp = NULL;
}

/* Reads len bytes at addr of pid; returns the bytes read (short at the end
 * of a mapping) or -1. */
static ssize_t peek(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { buf, len }, remote = { (void *)(uintptr_t)addr, len };

	if (!addr || !len)
		return -1;
	return process_vm_readv(pid, &local, 1, &remote, 1, 0);
}

/* The socket's protocol, from a copy of the script's descriptor. */
static const char *socket_protocol(pid_t pid, int fd)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0), type = 0;
	socklen_t len = sizeof(type);
	const char *proto = "inet";

	if (pidfd < 0)
		return proto;
	int copy = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	if (copy >= 0 && getsockopt(copy, SOL_SOCKET, SO_TYPE, &type, &len) == 0)
		proto = type == SOCK_STREAM ? "tcp" : type == SOCK_DGRAM ? "udp" : type == SOCK_RAW ? "raw" : "inet";
	if (copy >= 0)
		close(copy);
	close(pidfd);
	return proto;
}

/* Fills d from a sockaddr; returns 1 for inet, 0 for other families. */
static int parse_dest(const void *sa, size_t len, struct net_dest *d)
{
	sa_family_t family;

	if (len < sizeof(family))
		return 0;
	memcpy(&family, sa, sizeof(family));
	if (family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		struct sockaddr_in in;
		memcpy(&in, sa, sizeof(in));
		inet_ntop(AF_INET, &in.sin_addr, d->address, sizeof(d->address));
		d->port = ntohs(in.sin_port);
		d->local = (ntohl(in.sin_addr.s_addr) >> 24) == 127;
		return 1;
	}
	if (family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 in6;
		memcpy(&in6, sa, sizeof(in6));
		inet_ntop(AF_INET6, &in6.sin6_addr, d->address, sizeof(d->address));
		d->port = ntohs(in6.sin6_port);
		d->local = IN6_IS_ADDR_LOOPBACK(&in6.sin6_addr) ||
			   (IN6_IS_ADDR_V4MAPPED(&in6.sin6_addr) && in6.sin6_addr.s6_addr[12] == 127);
		return 1;
	}
	return 0;
}

/* Reads a msghdr's destination and first payload bytes. Returns 1 when it
 * names an inet destination (d filled), 0 otherwise. */
static int read_msghdr(pid_t pid, const struct msghdr *m, struct net_dest *d, char *payload, size_t *plen)
{
	unsigned char sa[sizeof(struct sockaddr_storage)];
	size_t salen = m->msg_namelen < sizeof(sa) ? m->msg_namelen : sizeof(sa);
	ssize_t n;

	*plen = 0;
	if (!m->msg_name || (n = peek(pid, (uintptr_t)m->msg_name, sa, salen)) <= 0 ||
	    !parse_dest(sa, (size_t)n, d))
		return 0;
	struct iovec iov[8];
	size_t niov = m->msg_iovlen < 8 ? m->msg_iovlen : 8;
	n = peek(pid, (uintptr_t)m->msg_iov, iov, niov * sizeof(iov[0]));
	for (size_t i = 0; n > 0 && i < (size_t)n / sizeof(iov[0]) && *plen < PAYLOAD_MAX; i++) {
		size_t want = iov[i].iov_len < PAYLOAD_MAX - *plen ? iov[i].iov_len : PAYLOAD_MAX - *plen;
		ssize_t got = peek(pid, (uintptr_t)iov[i].iov_base, payload + *plen, want);
		if (got > 0)
			*plen += (size_t)got;
	}
	return 1;
}

/* The first inet destination outside loopback a call names (d, payload),
 * 1 when there is one; every inet destination is observed. */
static int inspect(struct notify_supervisor *s, const struct seccomp_notif *req, struct net_dest *first,
		   char *payload, size_t *plen)
{
	pid_t pid = (pid_t)req->pid;
	const __u64 *a = req->data.args;
	char buf[PAYLOAD_MAX];
	size_t blen = 0;
	struct net_dest d;
	int refused = 0;
	ssize_t n;

	memset(&d, 0, sizeof(d));
	*plen = 0;
	if (req->data.nr == SYS_connect || req->data.nr == SYS_sendto) {
		unsigned char sa[sizeof(struct sockaddr_storage)];
		uint64_t addr = req->data.nr == SYS_connect ? a[1] : a[4];
		uint64_t alen = req->data.nr == SYS_connect ? a[2] : a[5];
		d.syscall = req->data.nr == SYS_connect ? "connect" : "sendto";
		n = peek(pid, addr, sa, alen < sizeof(sa) ? alen : sizeof(sa));
		if (n <= 0 || !parse_dest(sa, (size_t)n, &d))
			return 0;
		if (req->data.nr == SYS_sendto) {
			n = peek(pid, a[1], buf, a[2] < sizeof(buf) ? a[2] : sizeof(buf));
			blen = n > 0 ? (size_t)n : 0;
		}
		if (seccomp_notify_id_valid(s->listener, req->id) != 0)
			return -1;
		d.protocol = socket_protocol(pid, (int)a[0]);
		s->observe(s->ctx, &d, blen ? buf : NULL, blen);
		if (!d.local) {
			*first = d;
			memcpy(payload, buf, blen);
			*plen = blen;
		}
		return !d.local;
	}
	/* sendmsg: one msghdr; sendmmsg: an array of mmsghdr. */
	size_t count = req->data.nr == SYS_sendmsg ? 1 : (a[2] < MMSG_MAX ? (size_t)a[2] : MMSG_MAX);
	size_t stride = req->data.nr == SYS_sendmsg ? sizeof(struct msghdr) : sizeof(struct mmsghdr);
	for (size_t i = 0; i < count; i++) {
		struct msghdr m;
		memset(&m, 0, sizeof(m));
		if (peek(pid, a[1] + i * stride, &m, sizeof(m)) != (ssize_t)sizeof(m))
			break;
		memset(&d, 0, sizeof(d));
		d.syscall = req->data.nr == SYS_sendmsg ? "sendmsg" : "sendmmsg";
		if (!read_msghdr(pid, &m, &d, buf, &blen))
			continue;
		if (seccomp_notify_id_valid(s->listener, req->id) != 0)
			return -1;
		d.protocol = socket_protocol(pid, (int)a[0]);
		s->observe(s->ctx, &d, blen ? buf : NULL, blen);
		if (!d.local && !refused) {
			refused = 1;
			*first = d;
			memcpy(payload, buf, blen);
			*plen = blen;
		}
	}
	return refused;
}

int notify_supervisor_handle(struct notify_supervisor *s)
{
	char payload[PAYLOAD_MAX];
	struct net_dest d;
	size_t plen;
	int rc;

	memset(s->req, 0, sizeof(*s->req));
	if ((rc = seccomp_notify_receive(s->listener, s->req)) < 0)
		return rc == -ENOENT || rc == -EINTR ? 0 : rc;
	s->handled++;
	/* A counted refusal: refused as the main filter would, first. */
	for (size_t i = 0; i < s->ncounted; i++)
		if (s->req->data.nr == s->counted[i].nr) {
			memset(s->resp, 0, sizeof(*s->resp));
			s->resp->id = s->req->id;
			s->resp->error = -s->counted[i].err;
			rc = seccomp_notify_respond(s->listener, s->resp);
			s->refused_call(s->ctx, s->counted[i].name);
			return rc < 0 && rc != -ENOENT ? rc : 0;
		}
	/* Anything else the filter did not mean to send here is refused:
	 * only the four network calls below may ever continue. */
	long nr = s->req->data.nr;
	if (nr != SYS_connect && nr != SYS_sendto && nr != SYS_sendmsg && nr != SYS_sendmmsg) {
		memset(s->resp, 0, sizeof(*s->resp));
		s->resp->id = s->req->id;
		s->resp->error = -EPERM;
		rc = seccomp_notify_respond(s->listener, s->resp);
		return rc < 0 && rc != -ENOENT ? rc : 0;
	}
	int refuse = inspect(s, s->req, &d, payload, &plen);
	if (refuse < 0)
		return 0; /* the call is gone (the process died or was interrupted) */
	memset(s->resp, 0, sizeof(*s->resp));
	s->resp->id = s->req->id;
	if (refuse) {
		s->refused++;
		s->resp->error = -ENETUNREACH;
	} else {
		s->resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	}
	rc = seccomp_notify_respond(s->listener, s->resp);
	return rc < 0 && rc != -ENOENT ? rc : 0;
}
