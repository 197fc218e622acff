/* seccomp_signals.c — without a pid namespace (CONFINE_FALLBACK) the script
 * shares the host's pids: nothing but this filter and Landlock's signal
 * scope (ABI 6, not everywhere) keeps it from killing its supervisor, which
 * is the one process that kills what the script leaves behind, or from
 * `kill -9 -1`, which reaches every process of the user. Owns which pids
 * the script may not name. Built by the supervisor at run time (the pids
 * are its own) and loaded by the script next to the base filter.
 *
 * Refused with EPERM, comparing the low 32 bits the kernel reads as a pid:
 *  - kill(-1): every process at once;
 *  - kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo, pidfd_open and
 *    fcntl(F_SETOWN) naming the supervisor, any of its ancestors, their
 *    process groups or sessions (as a pid, or as -pgid);
 *  - pidfd_send_signal (its target is a descriptor: a pidfd or an open
 *    /proc/PID directory, which seccomp cannot read), F_SETOWN_EX, FIOSETOWN
 *    and SIOCSPGRP (the owner is behind a pointer): signal routes whose
 *    target cannot be checked;
 *  - prlimit64 on another process (pid != 0): a CPU limit of 0 kills.
 * Process groups the script makes itself (setsid, setpgid) are new ids and
 * stay signallable: `kill -- -PGID` of its own children works. */
#include "layers.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define MAX_IDS 96
#define MAX_DEPTH 32
#define LOW32 0xffffffffu

struct ids {
	pid_t v[MAX_IDS];
	size_t n;
};

static void ids_add(struct ids *s, pid_t v)
{
	if (v <= 0)
		return;
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] == v)
			return;
	if (s->n < MAX_IDS)
		s->v[s->n++] = v;
}

/* ppid, pgrp and session of pid (fields 4-6 of /proc/PID/stat). */
static int proc_stat_ids(pid_t pid, pid_t *ppid, pid_t *pgrp, pid_t *sid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	size_t len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	const char *end = strrchr(buf, ')'); /* the name may hold spaces */
	int a, b, c;
	if (!end || sscanf(end + 1, " %*c %d %d %d", &a, &b, &c) != 3)
		return -EINVAL;
	*ppid = a;
	*pgrp = b;
	*sid = c;
	return 0;
}

/* The supervisor and every ancestor up to pid 1, with their groups and
 * sessions. An ancestor that vanished while we read stops the walk: its
 * own ancestors are then ours no longer (we were re-parented). */
static int protected_ids(struct ids *s)
{
	pid_t pid = getpid();
	s->n = 0;
	for (int depth = 0; pid > 0 && depth < MAX_DEPTH; depth++) {
		pid_t ppid = 0, pgrp = 0, sid = 0;
		int rc = proc_stat_ids(pid, &ppid, &pgrp, &sid);
		if (rc && depth == 0)
			return log_fail(-rc, "seccomp: read /proc/%d/stat", (int)pid);
		if (rc)
			break;
		ids_add(s, pid);
		ids_add(s, pgrp);
		ids_add(s, sid);
		pid = ppid;
	}
	return 0;
}

static int deny(scmp_filter_ctx ctx, const char *name, unsigned int cnt, const struct scmp_arg_cmp *cmp)
{
	int nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR)
		return log_fail_plain(ENOSYS, "seccomp: seccomp_syscall_resolve_name(%s): unknown to libseccomp", name);
	int rc = seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(EPERM), nr, cnt, cmp);
	return rc < 0 ? log_fail(-rc, "seccomp: seccomp_rule_add(%s)", name) : 0;
}

static struct scmp_arg_cmp low32_is(unsigned int arg, uint32_t v)
{
	struct scmp_arg_cmp c = { .arg = arg, .op = SCMP_CMP_MASKED_EQ, .datum_a = LOW32, .datum_b = v };
	return c;
}

/* Every rule that names one protected id v. */
static int deny_id(scmp_filter_ctx ctx, pid_t v)
{
	uint32_t pos = (uint32_t)v, neg = (uint32_t)-v;
	struct scmp_arg_cmp c;
	int rc;

	c = low32_is(0, pos);
	if ((rc = deny(ctx, "kill", 1, &c)) || (rc = deny(ctx, "tkill", 1, &c)) ||
	    (rc = deny(ctx, "tgkill", 1, &c)) || (rc = deny(ctx, "rt_sigqueueinfo", 1, &c)) ||
	    (rc = deny(ctx, "rt_tgsigqueueinfo", 1, &c)) || (rc = deny(ctx, "pidfd_open", 1, &c)))
		return rc;
	c = low32_is(0, neg);
	if ((rc = deny(ctx, "kill", 1, &c)))
		return rc;
	c = low32_is(1, pos);
	if ((rc = deny(ctx, "tgkill", 1, &c)) || (rc = deny(ctx, "rt_tgsigqueueinfo", 1, &c)))
		return rc;
	struct scmp_arg_cmp own[2] = { low32_is(1, F_SETOWN), low32_is(2, pos) };
	if ((rc = deny(ctx, "fcntl", 2, own)))
		return rc;
	own[1] = low32_is(2, neg);
	return deny(ctx, "fcntl", 2, own);
}

static int deny_unscoped(scmp_filter_ctx ctx)
{
	struct scmp_arg_cmp c;
	int rc;

	c = low32_is(0, (uint32_t)-1);
	if ((rc = deny(ctx, "kill", 1, &c)) || (rc = deny(ctx, "pidfd_send_signal", 0, NULL)))
		return rc;
	c = low32_is(1, F_SETOWN_EX);
	if ((rc = deny(ctx, "fcntl", 1, &c)))
		return rc;
	c = low32_is(1, FIOSETOWN);
	if ((rc = deny(ctx, "ioctl", 1, &c)))
		return rc;
	c = low32_is(1, SIOCSPGRP);
	if ((rc = deny(ctx, "ioctl", 1, &c)))
		return rc;
	c = (struct scmp_arg_cmp){ .arg = 0, .op = SCMP_CMP_NE, .datum_a = 0, .datum_b = 0 };
	return deny(ctx, "prlimit64", 1, &c);
}

int seccomp_signals_build(struct seccomp_prog *out)
{
	struct ids ids;
	int rc;

	out->insns = NULL;
	out->len = 0;
	if ((rc = protected_ids(&ids)))
		return rc;
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return log_fail(ENOMEM, "seccomp: seccomp_init");
	/* Other architectures: EPERM as in the base filter (the strictest
	 * action of stacked filters wins, and the default is a kill). */
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(EPERM))) < 0) {
		rc = log_fail(-rc, "seccomp: seccomp_attr_set(SCMP_FLTATR_ACT_BADARCH)");
		goto out;
	}
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1)) < 0) {
		rc = log_fail(-rc, "seccomp: seccomp_attr_set(SCMP_FLTATR_API_SYSRAWRC)");
		goto out;
	}
	if ((rc = deny_unscoped(ctx)))
		goto out;
	for (size_t i = 0; i < ids.n; i++)
		if ((rc = deny_id(ctx, ids.v[i])))
			goto out;
	rc = seccomp_ctx_export(ctx, out);
out:
	seccomp_release(ctx);
	return rc;
}
