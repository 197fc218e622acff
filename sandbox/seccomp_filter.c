/* seccomp_filter.c — the syscall deny list, built with libseccomp and loaded
 * last, right before execve. Owns which syscalls (and which arguments) are
 * refused, and with which errno. Does not own no_new_privs (caps.c sets it
 * before; libseccomp's NNP attribute stays at its default all the same) nor
 * the validation of the profile's extra names (profile.c; checked again here).
 *
 * Default ALLOW; a deny list, always with an errno, never a kill: a build
 * that probes a feature must see a clean failure, not die. Only the native
 * ABI exists: 32-bit (int 0x80) and x32 entry points get EPERM. */
#include "layers.h"
#include "array_size.h"
#include "log.h"

#include <errno.h>
#include <stdbool.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>


/* Syscalls refused whatever their arguments. */
struct deny_rule {
	const char *name;
	int err;
};

static const struct deny_rule deny_table[] = {
	/* New namespaces are the sandbox's job; inside, they would give the
	 * script a user namespace with full capabilities to attack the kernel. */
	{ "unshare", EPERM },
	{ "setns", EPERM },
	/* clone3 passes its flags in memory, which seccomp cannot read. ENOSYS
	 * (not EPERM) makes glibc fall back to clone(), checked below. */
	{ "clone3", ENOSYS },
	/* The mount family, old and new API: the view is fixed by mountns.c. */
	{ "mount", EPERM },
	{ "umount2", EPERM },
	{ "pivot_root", EPERM },
	{ "chroot", EPERM },
	{ "fsopen", EPERM },
	{ "fsconfig", EPERM },
	{ "fsmount", EPERM },
	{ "fspick", EPERM },
	{ "open_tree", EPERM },
	{ "move_mount", EPERM },
	{ "mount_setattr", EPERM },
	/* Reaching into other processes. */
	{ "ptrace", EPERM },
	{ "process_vm_readv", EPERM },
	{ "process_vm_writev", EPERM },
	/* Kernel attack surface an install script never needs; io_uring's
	 * operations (socket, connect, openat…) would also bypass this filter. */
	{ "bpf", EPERM },
	{ "perf_event_open", EPERM },
	{ "userfaultfd", EPERM },
	{ "io_uring_setup", EPERM },
	{ "io_uring_enter", EPERM },
	{ "io_uring_register", EPERM },
	/* Keyrings are not namespaced: they may hold the user's credentials. */
	{ "keyctl", EPERM },
	{ "add_key", EPERM },
	{ "request_key", EPERM },
	/* Whole-system operations (most also need capabilities we dropped). */
	{ "kexec_load", EPERM },
	{ "kexec_file_load", EPERM },
	{ "init_module", EPERM },
	{ "finit_module", EPERM },
	{ "delete_module", EPERM },
	{ "open_by_handle_at", EPERM }, /* opens by inode, past the mount view */
	{ "name_to_handle_at", EPERM },
	{ "acct", EPERM },
	{ "swapon", EPERM },
	{ "swapoff", EPERM },
	{ "reboot", EPERM },
	{ "quotactl", EPERM },
	{ "quotactl_fd", EPERM },
	{ "lookup_dcookie", EPERM },
};

/* Syscalls newer than the libseccomp we build against (2.5.4), refused by
 * name when the library knows them, else by their x86_64 number (the
 * filter holds the native architecture only, so a raw number is read as an
 * x86_64 one). */
struct newer_syscall {
	const char *name;
	int x86_64_nr;
};

static const struct newer_syscall newer_table[] = {
	{ "open_tree_attr", 467 }, /* Linux 6.15: open_tree() + mount_setattr() */
};

/* Syscalls refused when their arguments match. libseccomp compares each
 * argument at most once per rule, and a rule's comparisons are ANDed. */
struct arg_rule {
	const char *name;
	const char *what; /* for messages */
	unsigned int cnt;
	struct scmp_arg_cmp cmp[2];
};

/* Plain initialisers: libseccomp's SCMP_Ax() are compound literals, not
 * constant expressions in a static table. */
#define CMP(a, op_, x, y) { .arg = (a), .op = (op_), .datum_a = (x), .datum_b = (y) }
#define HAS_FLAG(a, f) CMP(a, SCMP_CMP_MASKED_EQ, (f), (f))
/* The kernel takes an ioctl's request as an unsigned int: compare the low
 * 32 bits only, so 0x100005412 is TIOCSTI too. */
#define IOCTL_IS(req) CMP(1, SCMP_CMP_MASKED_EQ, 0xffffffffu, (req))

static const struct arg_rule arg_table[] = {
	/* clone(): one rule per namespace flag (a rule matches when that bit is
	 * set, whatever else is). CLONE_NEWTIME (0x80) lies in clone()'s
	 * exit-signal byte: there the kernel reads it as part of the signal and
	 * creates no time namespace (only clone3 and unshare do), so this rule
	 * just refuses exit signals >= 128, which no real caller passes. */
	{ "clone", "CLONE_NEWNS", 1, { HAS_FLAG(0, CLONE_NEWNS) } },
	{ "clone", "CLONE_NEWUSER", 1, { HAS_FLAG(0, CLONE_NEWUSER) } },
	{ "clone", "CLONE_NEWPID", 1, { HAS_FLAG(0, CLONE_NEWPID) } },
	{ "clone", "CLONE_NEWNET", 1, { HAS_FLAG(0, CLONE_NEWNET) } },
	{ "clone", "CLONE_NEWIPC", 1, { HAS_FLAG(0, CLONE_NEWIPC) } },
	{ "clone", "CLONE_NEWUTS", 1, { HAS_FLAG(0, CLONE_NEWUTS) } },
	{ "clone", "CLONE_NEWCGROUP", 1, { HAS_FLAG(0, CLONE_NEWCGROUP) } },
	{ "clone", "CLONE_NEWTIME", 1, { HAS_FLAG(0, CLONE_NEWTIME) } },
	/* Typing into the terminal the install runs in (TIOCSTI), console
	 * selection and paste (TIOCLINUX). */
	{ "ioctl", "TIOCSTI", 1, { IOCTL_IS(TIOCSTI) } },
	{ "ioctl", "TIOCLINUX", 1, { IOCTL_IS(TIOCLINUX) } },
	/* Netlink: routing only (ip link/addr, getifaddrs); no audit, uevent,
	 * xfrm, netfilter… sockets. */
	{ "socket", "AF_NETLINK protocol != NETLINK_ROUTE", 2,
	  { CMP(0, SCMP_CMP_EQ, AF_NETLINK, 0), CMP(2, SCMP_CMP_NE, NETLINK_ROUTE, 0) } },
	{ "socketpair", "AF_NETLINK protocol != NETLINK_ROUTE", 2,
	  { CMP(0, SCMP_CMP_EQ, AF_NETLINK, 0), CMP(2, SCMP_CMP_NE, NETLINK_ROUTE, 0) } },
};

/* Address families socket() and socketpair() may use. The largest one must
 * be last: everything above it is refused by one "greater than" rule, which
 * compares all 64 bits, so a family with high bits set (0x100000028, read by
 * the kernel as AF_VSOCK) is refused too. */
static const int families[] = { AF_UNIX, AF_INET, AF_INET6, AF_NETLINK };
/* Without a network namespace, socket() keeps netlink only; socketpair()
 * keeps AF_UNIX (node/libuv give children their stdio through it). */
static const int families_fallback[] = { AF_NETLINK };

static int add_rule(scmp_filter_ctx ctx, int nr, int err, unsigned int cnt,
		    const struct scmp_arg_cmp *cmp, const char *name, const char *what)
{
	int rc = seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO((uint32_t)err), nr, cnt, cmp);

	if (rc < 0)
		return log_fail(-rc, "seccomp: seccomp_rule_add(%s%s%s)", name, what ? " " : "",
				what ? what : "");
	return 0;
}

/* Resolves a syscall name for the native architecture. A name libseccomp
 * does not know in our own tables means an older library: fail closed. */
static int resolve(const char *name, int *nr)
{
	*nr = seccomp_syscall_resolve_name(name);
	if (*nr == __NR_SCMP_ERROR)
		return log_fail_plain(ENOSYS, "seccomp: seccomp_syscall_resolve_name(%s): unknown to libseccomp %u.%u",
				      name, seccomp_version()->major, seccomp_version()->minor);
	return 0;
}

/* The tripwire counts these refusals (a routine clone3 probe of glibc's
 * pthread_create is no evidence of anything). */
static bool is_counted(const struct deny_rule *r)
{
	return strcmp(r->name, "clone3") != 0;
}

int seccomp_counted_refusal(size_t i, const char **name, int *err)
{
	for (size_t k = 0, seen = 0; k < ARRAY_SIZE(deny_table); k++) {
		if (!is_counted(&deny_table[k]))
			continue;
		if (seen++ == i) {
			*name = deny_table[k].name;
			*err = deny_table[k].err;
			return 0;
		}
	}
	return -ENOENT;
}

/* skip_counted: the tripwire's notification filter refuses (and counts)
 * those instead; a refusal here would take precedence over it. */
static int add_deny_table(scmp_filter_ctx ctx, bool skip_counted)
{
	int nr, rc;

	for (size_t i = 0; i < ARRAY_SIZE(deny_table); i++) {
		if (skip_counted && is_counted(&deny_table[i]))
			continue;
		if ((rc = resolve(deny_table[i].name, &nr)) < 0 ||
		    (rc = add_rule(ctx, nr, deny_table[i].err, 0, NULL, deny_table[i].name, NULL)) < 0)
			return rc;
	}
	return 0;
}

static int add_newer_table(scmp_filter_ctx ctx)
{
	int nr, rc;

	for (size_t i = 0; i < ARRAY_SIZE(newer_table); i++) {
		const struct newer_syscall *s = &newer_table[i];

		nr = seccomp_syscall_resolve_name(s->name);
		if (nr == __NR_SCMP_ERROR) {
#if defined(__x86_64__) && !defined(__ILP32__)
			nr = s->x86_64_nr;
#else
			log_warn("seccomp: libseccomp does not know %s; it is not refused", s->name);
			continue;
#endif
		}
		if ((rc = add_rule(ctx, nr, EPERM, 0, NULL, s->name, NULL)) < 0)
			return rc;
	}
	return 0;
}

static int add_arg_table(scmp_filter_ctx ctx)
{
	int nr, rc;

	for (size_t i = 0; i < ARRAY_SIZE(arg_table); i++) {
		const struct arg_rule *r = &arg_table[i];

		if ((rc = resolve(r->name, &nr)) < 0 ||
		    (rc = add_rule(ctx, nr, EPERM, r->cnt, r->cmp, r->name, r->what)) < 0)
			return rc;
	}
	return 0;
}

/* personality(): only PER_LINUX (0) and the query 0xffffffff. The kernel
 * reads the argument as an unsigned int, so only its low 32 bits count.
 * "x != 0 && x != 0xffffffff" needs two comparisons of one argument, which
 * libseccomp refuses (EINVAL), and a rule cannot ALLOW under a default
 * ALLOW (EACCES). So the refused set is written as a union: a 32-bit value
 * that is neither all zeros nor all ones has a set bit whose (cyclic) next
 * bit is clear; one MASKED_EQ rule per bit position covers exactly that set
 * (and no union of fewer masked rules can: each value with a single clear
 * bit needs a rule of its own). */
static int add_personality_rules(scmp_filter_ctx ctx)
{
	int nr, rc;
	char what[48];

	if ((rc = resolve("personality", &nr)) < 0)
		return rc;
	for (unsigned int bit = 0; bit < 32; bit++) {
		uint64_t set = UINT64_C(1) << bit;
		uint64_t next = UINT64_C(1) << ((bit + 1) % 32);
		struct scmp_arg_cmp cmp = CMP(0, SCMP_CMP_MASKED_EQ, set | next, set);

		snprintf(what, sizeof(what), "bit %u set, bit %u clear", bit, (bit + 1) % 32);
		if ((rc = add_rule(ctx, nr, EPERM, 1, &cmp, "personality", what)) < 0)
			return rc;
	}
	return 0;
}

static int is_allowed(int family, const int *allowed, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (allowed[i] == family)
			return 1;
	return 0;
}

/* Refuses every family not in allowed[] (whose last entry is the largest):
 * one EQ rule per family below it, one GT rule above it. */
static int add_family_rules(scmp_filter_ctx ctx, const char *name, const int *allowed, size_t n)
{
	int max = allowed[n - 1];
	struct scmp_arg_cmp gt = CMP(0, SCMP_CMP_GT, (uint64_t)max, 0);
	char what[32];
	int nr, rc;

	if ((rc = resolve(name, &nr)) < 0)
		return rc;
	for (int family = 0; family < max; family++) {
		struct scmp_arg_cmp eq = CMP(0, SCMP_CMP_EQ, (uint64_t)family, 0);

		if (is_allowed(family, allowed, n))
			continue;
		snprintf(what, sizeof(what), "family %d", family);
		if ((rc = add_rule(ctx, nr, EPERM, 1, &eq, name, what)) < 0)
			return rc;
	}
	snprintf(what, sizeof(what), "family > %d", max);
	return add_rule(ctx, nr, EPERM, 1, &gt, name, what);
}

static int add_socket_rules(scmp_filter_ctx ctx, enum confinement mode)
{
	int rc;

	if (mode == CONFINE_FALLBACK)
		rc = add_family_rules(ctx, "socket", families_fallback, ARRAY_SIZE(families_fallback));
	else
		rc = add_family_rules(ctx, "socket", families, ARRAY_SIZE(families));
	if (rc < 0)
		return rc;
	return add_family_rules(ctx, "socketpair", families, ARRAY_SIZE(families));
}

/* The profile's additions (seccomp.deny_extra), already validated by the
 * profile loader; an unknown name is still an error, never a silent skip.
 * A rule that repeats one above is harmless: an unconditional rule takes
 * over a syscall's argument rules, and an existing errno is kept. */
static int add_extra_rules(scmp_filter_ctx ctx, const struct policy *p)
{
	int nr, rc;

	for (size_t i = 0; i < p->seccomp_deny_extra.n; i++) {
		const char *name = p->seccomp_deny_extra.v[i];

		nr = seccomp_syscall_resolve_name(name);
		if (nr == __NR_SCMP_ERROR)
			return log_fail_plain(EINVAL, "seccomp: seccomp_deny_extra: unknown syscall \"%s\"", name);
		if (nr < 0) {
			/* A libseccomp pseudo-number: no such syscall on this
			 * architecture (e.g. socketcall on x86_64). */
			log_debug("seccomp: %s does not exist on this architecture; nothing to refuse", name);
			continue;
		}
		if ((rc = add_rule(ctx, nr, EPERM, 0, NULL, name, "(profile)")) < 0)
			return rc;
	}
	return 0;
}

static int filter_ctx_build(const struct policy *p, enum confinement mode, bool skip_counted, scmp_filter_ctx *out)
{
	scmp_filter_ctx ctx;
	int rc;

	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (ctx == NULL)
		return log_fail(ENOMEM, "seccomp: seccomp_init");

	/* The filter holds the native architecture only; any other entry point
	 * (int 0x80 on x86_64, and x32's nr | 0x40000000, which libseccomp
	 * checks for an x86_64-only filter) gets this action. */
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(EPERM))) < 0) {
		rc = log_fail(-rc, "seccomp: seccomp_attr_set(SCMP_FLTATR_ACT_BADARCH)");
		goto fail;
	}
	/* Without it, libseccomp 2.5 turns every kernel error into ECANCELED. */
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1)) < 0) {
		rc = log_fail(-rc, "seccomp: seccomp_attr_set(SCMP_FLTATR_API_SYSRAWRC)");
		goto fail;
	}

	if ((rc = add_deny_table(ctx, skip_counted)) < 0 ||
	    (rc = add_newer_table(ctx)) < 0 ||
	    (rc = add_arg_table(ctx)) < 0 ||
	    (rc = add_personality_rules(ctx)) < 0 ||
	    (rc = add_socket_rules(ctx, mode)) < 0 ||
	    (rc = add_extra_rules(ctx, p)) < 0)
		goto fail;
	*out = ctx;
	return 0;
fail:
	seccomp_release(ctx);
	return rc;
}

int seccomp_ctx_export(void *ctx, struct seccomp_prog *out)
{
	struct stat st;
	int fd, rc;

	out->insns = NULL;
	out->len = 0;
	/* libseccomp 2.5 exports BPF only to a file descriptor. */
	fd = memfd_create("pkgguard-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return log_fail(errno, "seccomp: memfd_create");
	if ((rc = seccomp_export_bpf(ctx, fd)) < 0) {
		rc = log_fail(-rc, "seccomp: seccomp_export_bpf");
		goto out;
	}
	if (fstat(fd, &st) != 0 || st.st_size <= 0 || st.st_size % (off_t)sizeof(struct sock_filter) != 0 ||
	    st.st_size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS) {
		rc = log_fail(errno ? errno : EINVAL, "seccomp: exported program has a bad size");
		goto out;
	}
	out->insns = malloc((size_t)st.st_size);
	if (!out->insns) {
		rc = log_fail(ENOMEM, "seccomp: program");
		goto out;
	}
	if (pread(fd, out->insns, (size_t)st.st_size, 0) != st.st_size) {
		rc = log_fail(errno ? errno : EIO, "seccomp: read back the exported program");
		seccomp_prog_free(out);
		goto out;
	}
	out->len = (size_t)st.st_size / sizeof(struct sock_filter);
	rc = 0;
out:
	close(fd);
	return rc;
}

static int compile(const struct policy *p, enum confinement mode, bool skip_counted, struct seccomp_prog *out)
{
	scmp_filter_ctx ctx = NULL;
	int rc;

	out->insns = NULL;
	out->len = 0;
	if ((rc = filter_ctx_build(p, mode, skip_counted, &ctx)) < 0)
		return rc;
	rc = seccomp_ctx_export(ctx, out);
	seccomp_release(ctx);
	return rc;
}

int seccomp_filter_compile(const struct policy *p, enum confinement mode, struct seccomp_prog *out)
{
	return compile(p, mode, false, out);
}

int seccomp_filter_compile_uncounted(const struct policy *p, enum confinement mode, struct seccomp_prog *out)
{
	return compile(p, mode, true, out);
}

int seccomp_filter_load(const struct seccomp_prog *prog)
{
	struct sock_fprog fprog = { .len = (unsigned short)prog->len, .filter = prog->insns };

	if (!prog->insns || prog->len == 0)
		return log_fail_plain(EINVAL, "seccomp: no filter program to load");
	/* no_new_privs is already set (caps.c), so no privilege is needed. */
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) != 0)
		return log_fail(errno, "seccomp: seccomp(SECCOMP_SET_MODE_FILTER, %zu instructions)", prog->len);
	return 0;
}

void seccomp_prog_free(struct seccomp_prog *prog)
{
	free(prog->insns);
	prog->insns = NULL;
	prog->len = 0;
}
