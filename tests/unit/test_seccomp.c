/* test_seccomp.c — seccomp_filter_apply(): every rule of the deny list, each
 * with its control. A forked child first makes the call unfiltered (it must
 * not already fail the way the filter would make it fail, else the row
 * proves nothing and is skipped with its reason), then sets no_new_privs,
 * loads the filter and makes the call again. The child reports through its
 * exit status; its stderr says what went wrong.
 *
 * Controls use arguments the kernel rejects after its permission check
 * (bad pointers, bad fds, bad magic), so they are harmless as root; run as
 * an unprivileged user, many controls fail with EPERM and their rows skip. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/netlink.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <linux/filter.h>

#include "layers.h"
#include "array_size.h"
#include "policy.h"
#include "unit_helpers.h"

/* Newer than the system headers (Linux 6.15); same number on every
 * architecture that uses the common syscall table, x86_64 included. */
#ifndef SYS_open_tree_attr
#define SYS_open_tree_attr 467
#endif

#define X32_SYSCALL_BIT 0x40000000L
#define HIGH_BIT 0x100000000L /* above what the kernel reads as an int */

static const struct policy no_extra; /* zero: no seccomp_deny_extra */

/* no_new_privs as caps.c sets it, then the filter. */
static int confine(const struct policy *p, enum confinement mode)
{
	int rc;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		ut_note("prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
		return -1;
	}
	rc = seccomp_filter_apply(p, mode);
	if (rc != 0) {
		ut_note("seccomp_filter_apply: %s", strerror(-rc));
		return -1;
	}
	return 0;
}

/* ---- one row per rule: (mode, syscall, arguments, errno after) ---------- */

struct sys_case {
	const char *label;
	enum confinement mode;
	long nr;
	long a[6];
	int expect; /* errno after the filter; 0: allowed, same result as the control */
};

/* An argument replaced by a writable buffer (socketpair's sv). */
#define SCRATCH 0x5c7a7c4L
static char scratch[256];

/* The label is the call as written in the table: the # must sit in these
 * macros themselves, or the arguments are expanded before stringification. */
#define ROW(label, mode, expect, nr, ...) { label, mode, nr, { __VA_ARGS__ }, expect }
#define DENY(nr, ...) ROW(#nr "(" #__VA_ARGS__ ")", CONFINE_NAMESPACES, EPERM, nr, __VA_ARGS__)
#define ALLOW(nr, ...) ROW(#nr "(" #__VA_ARGS__ ")", CONFINE_NAMESPACES, 0, nr, __VA_ARGS__)
#define DENY_FB(nr, ...) \
	ROW("fallback: " #nr "(" #__VA_ARGS__ ")", CONFINE_FALLBACK, EPERM, nr, __VA_ARGS__)
#define ALLOW_FB(nr, ...) \
	ROW("fallback: " #nr "(" #__VA_ARGS__ ")", CONFINE_FALLBACK, 0, nr, __VA_ARGS__)

static const struct sys_case rows[] = {
	/* New namespaces. The controls succeed as root (in the child only). */
	DENY(SYS_unshare, CLONE_NEWUTS),
	DENY(SYS_setns, -1, 0), /* EBADF */
	DENY(SYS_clone, CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0),
	DENY(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0),
	DENY(SYS_clone, CLONE_NEWPID | SIGCHLD, 0, 0, 0, 0),
	DENY(SYS_clone, CLONE_NEWNET | SIGCHLD, 0, 0, 0, 0),
	DENY(SYS_clone, CLONE_NEWIPC | SIGCHLD, 0, 0, 0, 0),
	DENY(SYS_clone, CLONE_NEWUTS | SIGCHLD, 0, 0, 0, 0),
	DENY(SYS_clone, CLONE_NEWCGROUP | SIGCHLD, 0, 0, 0, 0),
	/* CLONE_NEWTIME (0x80) is in clone()'s exit-signal byte: the control
	 * succeeds with exit signal 0x91 and no new time namespace. */
	DENY(SYS_clone, CLONE_NEWTIME | SIGCHLD, 0, 0, 0, 0),
	DENY(SYS_clone, HIGH_BIT | CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0),
	ALLOW(SYS_clone, SIGCHLD, 0, 0, 0, 0), /* fork */
	/* clone3 hides its flags in memory: ENOSYS so glibc falls back to
	 * clone(). Control: EINVAL (size 0). */
	ROW("SYS_clone3(0, 0)", CONFINE_NAMESPACES, ENOSYS, SYS_clone3, 0, 0),

	/* Mount family, old and new API: bad pointers and fds (EFAULT, EBADF,
	 * EINVAL after the CAP_SYS_ADMIN check). */
	DENY(SYS_mount, 0, 0, 0, 0, 0),
	DENY(SYS_umount2, 1, 0),
	DENY(SYS_pivot_root, 1, 1),
	DENY(SYS_chroot, 1),
	DENY(SYS_fsopen, 1, 0),
	DENY(SYS_fsconfig, -1, 0, 0, 0, 0),
	DENY(SYS_fsmount, -1, 0, 0),
	DENY(SYS_fspick, -1, 1, 0),
	DENY(SYS_open_tree, -1, 1, 0),
	DENY(SYS_move_mount, -1, 1, -1, 1, 0),
	DENY(SYS_mount_setattr, -1, 1, 0, 0, 0),
	DENY(SYS_open_tree_attr, -1, 1, 0, 0, 0), /* ENOSYS before Linux 6.15 */

	/* Other processes: no such pid; an empty vector (returns 0). */
	DENY(SYS_ptrace, PTRACE_PEEKDATA, INT_MAX, 0, 0),
	DENY(SYS_process_vm_readv, 0, 0, 0, 0, 0, 0),
	DENY(SYS_process_vm_writev, 0, 0, 0, 0, 0, 0),

	/* Kernel attack surface. */
	DENY(SYS_bpf, -1, 0, 0),
	DENY(SYS_perf_event_open, 0, 0, -1, -1, 0),
	DENY(SYS_userfaultfd, 0xffff),
	DENY(SYS_io_uring_setup, 0, 0),
	DENY(SYS_io_uring_enter, -1, 0, 0, 0, 0, 0),
	DENY(SYS_io_uring_register, -1, 0, 0, 0),
	DENY(SYS_keyctl, -1, 0, 0, 0, 0),
	DENY(SYS_add_key, 1, 1, 0, 0, 0),
	DENY(SYS_request_key, 1, 1, 0, 0),
	/* kexec and modules: ENOSYS on kernels built without them, which still
	 * shows the call reaches the kernel unfiltered. */
	DENY(SYS_kexec_load, 0, 0, 0, 0xffff0000L),
	DENY(SYS_kexec_file_load, -1, -1, 0, 0, 0xffff0000L),
	DENY(SYS_init_module, 0, 0, 0),
	DENY(SYS_finit_module, -1, 0, 0),
	DENY(SYS_delete_module, 1, 0),
	DENY(SYS_open_by_handle_at, -1, 0, 0),
	DENY(SYS_name_to_handle_at, -1, 1, 1, 1, 0),
	DENY(SYS_acct, 1),      /* a bad name, never NULL: NULL turns accounting off */
	DENY(SYS_swapon, 1, 0),
	DENY(SYS_swapoff, 1),
	DENY(SYS_reboot, 0, 0, 0, 0), /* wrong magic: EINVAL, checked before any action */
	DENY(SYS_quotactl, 0, 0, 0, 0),
	DENY(SYS_lookup_dcookie, 0, 0, 0), /* removed in Linux 6.8: control ENOSYS */

	/* personality: PER_LINUX and the query only; the kernel reads the low
	 * 32 bits, so -1L is the query and HIGH_BIT is PER_LINUX. Controls
	 * that change the persona are undone at once (see undo()). */
	ALLOW(SYS_personality, 0),
	ALLOW(SYS_personality, 0xffffffffL),
	ALLOW(SYS_personality, -1L),
	ALLOW(SYS_personality, HIGH_BIT),
	DENY(SYS_personality, ADDR_NO_RANDOMIZE),
	DENY(SYS_personality, HIGH_BIT | ADDR_NO_RANDOMIZE),
	DENY(SYS_personality, PER_LINUX32),
	DENY(SYS_personality, READ_IMPLIES_EXEC),
	DENY(SYS_personality, 1),
	DENY(SYS_personality, 0x80000000L),
	DENY(SYS_personality, 0xfffffffeL),
	DENY(SYS_personality, 0x7fffffffL),

	/* socket(): families. Refused controls work as root or fail with
	 * EAFNOSUPPORT/EPROTONOSUPPORT where the kernel lacks them. */
	ALLOW(SYS_socket, AF_UNIX, SOCK_STREAM, 0),
	ALLOW(SYS_socket, AF_INET, SOCK_DGRAM, 0),
	ALLOW(SYS_socket, AF_INET6, SOCK_DGRAM, 0),
	ALLOW(SYS_socket, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE),
	DENY(SYS_socket, AF_UNSPEC, SOCK_STREAM, 0),
	DENY(SYS_socket, AF_PACKET, SOCK_RAW, 0),
	DENY(SYS_socket, AF_KEY, SOCK_RAW, 2),
	DENY(SYS_socket, AF_BLUETOOTH, SOCK_RAW, 0),
	DENY(SYS_socket, AF_ALG, SOCK_SEQPACKET, 0),
	DENY(SYS_socket, AF_VSOCK, SOCK_STREAM, 0),
	DENY(SYS_socket, AF_NETLINK, SOCK_RAW, NETLINK_AUDIT),
	DENY(SYS_socket, AF_NETLINK, SOCK_RAW, NETLINK_KOBJECT_UEVENT),
	DENY(SYS_socket, AF_NETLINK, SOCK_RAW, HIGH_BIT | NETLINK_AUDIT),
	/* The kernel reads the family as an int: high bits must not help. */
	DENY(SYS_socket, HIGH_BIT | AF_VSOCK, SOCK_STREAM, 0),
	DENY(SYS_socket, HIGH_BIT | AF_PACKET, SOCK_RAW, 0),
	DENY(SYS_socket, HIGH_BIT | AF_UNIX, SOCK_STREAM, 0), /* every family >= 2^32 */
	DENY(SYS_socket, -1L, SOCK_STREAM, 0),
	ALLOW(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, SCRATCH),
	ALLOW(SYS_socketpair, AF_INET, SOCK_STREAM, 0, SCRATCH), /* EOPNOTSUPP both times */
	DENY(SYS_socketpair, AF_VSOCK, SOCK_STREAM, 0, SCRATCH),
	DENY(SYS_socketpair, AF_PACKET, SOCK_RAW, 0, SCRATCH),
	DENY(SYS_socketpair, HIGH_BIT | AF_VSOCK, SOCK_STREAM, 0, SCRATCH),
	DENY(SYS_socketpair, AF_NETLINK, SOCK_RAW, NETLINK_AUDIT, SCRATCH),

	/* Fallback (no network namespace): no inet or unix socket(), but
	 * socketpair(AF_UNIX) for child stdio; the rest of the list stays. */
	DENY_FB(SYS_socket, AF_INET, SOCK_STREAM, 0),
	DENY_FB(SYS_socket, AF_INET6, SOCK_DGRAM, 0),
	DENY_FB(SYS_socket, AF_UNIX, SOCK_STREAM, 0),
	DENY_FB(SYS_socket, AF_VSOCK, SOCK_STREAM, 0),
	DENY_FB(SYS_socket, HIGH_BIT | AF_NETLINK, SOCK_RAW, NETLINK_ROUTE),
	ALLOW_FB(SYS_socket, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE),
	ALLOW_FB(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, SCRATCH),
	DENY_FB(SYS_socketpair, AF_VSOCK, SOCK_STREAM, 0, SCRATCH),
	DENY_FB(SYS_unshare, CLONE_NEWUTS),
	DENY_FB(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0),
};

/* Leaves the child as it was after a successful call. */
static void undo(const struct sys_case *c, long r)
{
	if (c->nr == SYS_clone && r == 0)
		_exit(0); /* the new process */
	if (c->nr == SYS_clone)
		waitpid((pid_t)r, NULL, 0);
	else if (c->nr == SYS_personality)
		syscall(SYS_personality, r); /* back to the old persona */
	else if (c->nr == SYS_socket)
		close((int)r);
}

/* Makes the row's call; returns 0 or the errno it failed with. */
static int call(const struct sys_case *c)
{
	long a[6];
	long r;
	int err;

	for (size_t i = 0; i < ARRAY_SIZE(a); i++)
		a[i] = c->a[i] == SCRATCH ? (long)(uintptr_t)scratch : c->a[i];
	errno = 0;
	r = syscall(c->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	err = r == -1 ? errno : 0;
	if (r != -1)
		undo(c, r);
	return err;
}

static const char *errname(int err)
{
	return err ? strerror(err) : "success";
}

static int row_child(const void *arg)
{
	const struct sys_case *c = arg;
	int refused = c->expect ? c->expect : EPERM;
	int before, after;

	before = call(c);
	if (before == refused) {
		ut_note("control: %s already fails with %s without the filter; nothing to compare",
		     c->label, errname(before));
		return CHILD_SKIP;
	}
	if (confine(&no_extra, c->mode) != 0)
		return CHILD_FAIL;
	after = call(c);
	if (c->expect ? after != c->expect : after != before) {
		ut_note("%s: %s without the filter, %s with it; expected %s", c->label, errname(before),
		     errname(after), c->expect ? errname(c->expect) : "no change");
		return CHILD_FAIL;
	}
	return CHILD_OK;
}

static void test_row(void **state)
{
	ut_run_in_child(row_child, *state);
}

/* ---- what must keep working ----------------------------------------------- */

static void *thread_main(void *arg)
{
	return arg;
}

static int spawn_works_child(const void *arg)
{
	static char *const argv[] = { "true", NULL };
	extern char **environ;
	static int token;
	pthread_t t;
	void *ret = NULL;
	int status, rc;
	pid_t pid;

	(void)arg;
	if (confine(&no_extra, CONFINE_NAMESPACES) != 0)
		return CHILD_FAIL;
	/* The raw clone(CLONE_NEWUSER) is refused... */
	if (syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0) != -1 || errno != EPERM) {
		ut_note("clone(CLONE_NEWUSER) was not refused with EPERM");
		return CHILD_FAIL;
	}
	/* ...while fork(), threads (glibc tries clone3, gets ENOSYS, falls
	 * back to clone) and posix_spawn still work. */
	pid = fork();
	if (pid == 0)
		_exit(42);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 42) {
		ut_note("fork() under the filter: %s", pid < 0 ? strerror(errno) : "child did not exit 42");
		return CHILD_FAIL;
	}
	rc = pthread_create(&t, NULL, thread_main, &token);
	if (rc != 0 || pthread_join(t, &ret) != 0 || ret != &token) {
		ut_note("pthread_create under the filter: %s", strerror(rc));
		return CHILD_FAIL;
	}
	rc = posix_spawnp(&pid, "true", NULL, NULL, argv, environ);
	if (rc != 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		ut_note("posix_spawnp(true) under the filter: %s", rc ? strerror(rc) : "bad exit");
		return CHILD_FAIL;
	}
	return CHILD_OK;
}

static void test_clone_newuser_refused_fork_threads_spawn_work(void **state)
{
	(void)state;
	ut_run_in_child(spawn_works_child, NULL);
}

/* ---- terminal ioctls -------------------------------------------------------- */

static int open_pty_slave(void)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	const char *name;

	if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0 || (name = ptsname(master)) == NULL)
		return -1;
	return open(name, O_RDWR | O_NOCTTY);
}

static int ioctl_err(int fd, long req, void *arg)
{
	errno = 0;
	return syscall(SYS_ioctl, fd, req, arg) == -1 ? errno : 0;
}

static int ioctl_child(const void *arg)
{
	static const struct {
		const char *name;
		long req;
	} refused[] = {
		{ "TIOCSTI", TIOCSTI },
		{ "HIGH_BIT|TIOCSTI", HIGH_BIT | TIOCSTI },
		{ "TIOCLINUX", TIOCLINUX },
		{ "HIGH_BIT|TIOCLINUX", HIGH_BIT | TIOCLINUX },
	};
	char c = 'x'; /* TIOCSTI's character; TIOCLINUX's subcommand (0: invalid) */
	struct termios tio;
	int before[ARRAY_SIZE(refused)];
	int fd = open_pty_slave();

	(void)arg;
	if (fd < 0) {
		ut_note("no pty: %s", strerror(errno));
		return CHILD_SKIP;
	}
	/* Controls: as root TIOCSTI on our own pty works (it types into a
	 * pty nobody reads); TIOCLINUX on a pty gives ENOTTY/EINVAL. Unprivileged,
	 * with dev.tty.legacy_tiocsti=0, TIOCSTI fails with EIO or EPERM
	 * anyway: then the unrelated TCGETS below is the observable. */
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
		before[i] = ioctl_err(fd, refused[i].req, &c);
		if (before[i] == EPERM)
			ut_note("control: ioctl(%s) gives EPERM without the filter; only the filter's EPERM is checked",
			     refused[i].name);
	}
	if (ioctl_err(fd, TCGETS, &tio) != 0) {
		ut_note("control: ioctl(TCGETS): %s", strerror(errno));
		return CHILD_FAIL;
	}
	if (confine(&no_extra, CONFINE_NAMESPACES) != 0)
		return CHILD_FAIL;
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
		int after = ioctl_err(fd, refused[i].req, &c);

		if (after != EPERM) {
			ut_note("ioctl(%s): %s without the filter, %s with it; expected EPERM", refused[i].name,
			     errname(before[i]), errname(after));
			return CHILD_FAIL;
		}
	}
	if (ioctl_err(fd, TCGETS, &tio) != 0) {
		ut_note("ioctl(TCGETS) under the filter: %s", strerror(errno));
		return CHILD_FAIL;
	}
	return CHILD_OK;
}

static void test_ioctl_tiocsti_tioclinux_masked(void **state)
{
	(void)state;
	ut_run_in_child(ioctl_child, NULL);
}

/* ---- other entry points: int 0x80 (i386) and x32 ------------------------------- */

#if defined(__x86_64__)
/* PKGGUARD_TEST_NO_IA32=1 simulates a kernel without 32-bit emulation: it
 * has no gate at vector 0x80, so `int $0x80` raises #GP (SIGSEGV); vector
 * 0x81 has no user gate on any x86_64 kernel, so `int $0x81` faults the
 * very same way here. */
static long int80_getpid(void)
{
	static int simulate = -1;
	long ret;

	if (simulate < 0)
		simulate = getenv("PKGGUARD_TEST_NO_IA32") && strcmp(getenv("PKGGUARD_TEST_NO_IA32"), "1") == 0;
	/* i386 getpid is 20. int 0x80 from 64-bit code may clobber r8-r11. */
	if (simulate)
		__asm__ __volatile__("int $0x81" : "=a"(ret) : "0"(20L) : "rcx", "r8", "r9", "r10", "r11", "memory");
	else
		__asm__ __volatile__("int $0x80" : "=a"(ret) : "0"(20L) : "rcx", "r8", "r9", "r10", "r11", "memory");
	return ret;
}

static int int80_control_child(const void *arg)
{
	(void)arg;
	return int80_getpid() == getpid() ? 0 : 1;
}

static int int80_child(const void *arg)
{
	int status;
	long r;
	pid_t pid;

	(void)arg;
	/* Control in a grandchild: without IA32 emulation (or with
	 * ia32_emulation=0), int 0x80 kills with SIGSEGV. */
	pid = ut_fork();
	if (pid == 0)
		_exit(int80_control_child(NULL));
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return CHILD_FAIL;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		ut_note("control: int 0x80 getpid does not work here (%s); no 32-bit entry point to close",
		     WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "wrong result");
		return CHILD_SKIP;
	}
	if (confine(&no_extra, CONFINE_NAMESPACES) != 0)
		return CHILD_FAIL;
	r = int80_getpid();
	if ((int)r != -EPERM) {
		ut_note("int 0x80 getpid under the filter returned %ld, expected -EPERM", r);
		return CHILD_FAIL;
	}
	return CHILD_OK;
}

static int x32_child(const void *arg)
{
	long r;

	(void)arg;
	/* Control: the pid where x32 is enabled, ENOSYS where the kernel has
	 * it disabled; never EPERM. The filter sees the call either way. */
	errno = 0;
	r = syscall(X32_SYSCALL_BIT | SYS_getpid);
	if (r == -1 && errno == EPERM) {
		ut_note("control: x32 getpid gives EPERM without the filter");
		return CHILD_SKIP;
	}
	ut_note("control: x32 getpid returns %s", r == -1 ? strerror(errno) : "the pid");
	if (confine(&no_extra, CONFINE_NAMESPACES) != 0)
		return CHILD_FAIL;
	errno = 0;
	r = syscall(X32_SYSCALL_BIT | SYS_getpid);
	if (r != -1 || errno != EPERM) {
		ut_note("x32 getpid under the filter: %ld (%s), expected EPERM", r, errname(errno));
		return CHILD_FAIL;
	}
	/* The native call still works. */
	if (syscall(SYS_getpid) != getpid())
		return CHILD_FAIL;
	return CHILD_OK;
}

static void test_int80_refused(void **state)
{
	(void)state;
	ut_run_in_child(int80_child, NULL);
}

static void test_x32_refused(void **state)
{
	(void)state;
	ut_run_in_child(x32_child, NULL);
}
#else
static void test_int80_refused(void **state)
{
	(void)state;
	skip(); /* x86_64 only */
}

static void test_x32_refused(void **state)
{
	(void)state;
	skip(); /* x86_64 only */
}
#endif

/* ---- the profile's extra names ---------------------------------------------- */

static int extra_child(const void *arg)
{
	static const long calls[] = { SYS_getppid, SYS_sysinfo };
	static char *names[] = { "getppid", "sysinfo" };
	struct policy p;
	char info[512]; /* larger than struct sysinfo */

	(void)arg;
	memset(&p, 0, sizeof(p));
	p.seccomp_deny_extra.v = names;
	p.seccomp_deny_extra.n = ARRAY_SIZE(names);
	for (size_t i = 0; i < ARRAY_SIZE(calls); i++) {
		if (syscall(calls[i], info) == -1) {
			ut_note("control: %s: %s", names[i], strerror(errno));
			return CHILD_SKIP;
		}
	}
	if (confine(&p, CONFINE_NAMESPACES) != 0)
		return CHILD_FAIL;
	for (size_t i = 0; i < ARRAY_SIZE(calls); i++) {
		errno = 0;
		if (syscall(calls[i], info) != -1 || errno != EPERM) {
			ut_note("%s from seccomp_deny_extra was not refused with EPERM", names[i]);
			return CHILD_FAIL;
		}
	}
	return CHILD_OK;
}

static void test_extra_names_refused(void **state)
{
	(void)state;
	ut_run_in_child(extra_child, NULL);
}

/* A name that repeats the base list (with its own errno or with argument
 * rules) is accepted; the syscall stays refused. */
static int extra_overlap_child(const void *arg)
{
	static char *names[] = { "ptrace", "clone3", "socket", "personality" };
	struct policy p;

	(void)arg;
	memset(&p, 0, sizeof(p));
	p.seccomp_deny_extra.v = names;
	p.seccomp_deny_extra.n = ARRAY_SIZE(names);
	if (confine(&p, CONFINE_NAMESPACES) != 0)
		return CHILD_FAIL;
	errno = 0;
	if (syscall(SYS_clone3, 0, 0) != -1 || (errno != ENOSYS && errno != EPERM)) {
		ut_note("clone3 not refused: %s", errname(errno));
		return CHILD_FAIL;
	}
	/* An unconditional "socket" refuses even AF_UNIX now. */
	errno = 0;
	if (syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0) != -1 || errno != EPERM) {
		ut_note("socket(AF_UNIX) not refused though the profile lists socket");
		return CHILD_FAIL;
	}
	errno = 0;
	if (syscall(SYS_personality, 0xffffffffL) != -1 || errno != EPERM) {
		ut_note("personality not refused though the profile lists it");
		return CHILD_FAIL;
	}
	return CHILD_OK;
}

static void test_extra_names_overlapping_base_list(void **state)
{
	(void)state;
	ut_run_in_child(extra_overlap_child, NULL);
}

/* An unknown name is -EINVAL, and nothing is loaded. */
static int extra_unknown_child(const void *arg)
{
	static char *names[] = { "getppid", "no_such_syscall" };
	struct policy p;
	int rc;

	(void)arg;
	memset(&p, 0, sizeof(p));
	p.seccomp_deny_extra.v = names;
	p.seccomp_deny_extra.n = ARRAY_SIZE(names);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return CHILD_FAIL;
	rc = seccomp_filter_apply(&p, CONFINE_NAMESPACES);
	if (rc != -EINVAL) {
		ut_note("seccomp_filter_apply with an unknown name returned %d, expected -EINVAL", rc);
		return CHILD_FAIL;
	}
	if (syscall(SYS_getppid) == -1 || prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 0) {
		ut_note("a filter was loaded although seccomp_filter_apply failed");
		return CHILD_FAIL;
	}
	return CHILD_OK;
}

static void test_extra_unknown_name_is_einval(void **state)
{
	(void)state;
	ut_run_in_child(extra_unknown_child, NULL);
}

/* The program built into the binary (libseccomp, at build time) is the one
 * libseccomp makes now: a stale prebuilt filter would silently weaken the
 * deny list. And a profile's extra syscall leads to a fresh compile. */
static void test_prebuilt_matches_compiled(void **state)
{
	(void)state;
	for (int mode = CONFINE_NAMESPACES; mode <= CONFINE_FALLBACK; mode++) {
		struct policy p;
		struct seccomp_prog pre, fresh;

		memset(&p, 0, sizeof(p));
		assert_int_equal(seccomp_filter_build(&p, (enum confinement)mode, &pre), 0);
		assert_int_equal(seccomp_filter_compile(&p, (enum confinement)mode, &fresh), 0);
		assert_int_equal(pre.len, fresh.len);
		assert_memory_equal(pre.insns, fresh.insns, pre.len * sizeof(struct sock_filter));
		seccomp_prog_free(&pre);
		seccomp_prog_free(&fresh);

		char *extra[] = { "acct", NULL };
		p.seccomp_deny_extra = (struct strlist){ extra, 1 };
		assert_int_equal(seccomp_filter_build(&p, (enum confinement)mode, &pre), 0);
		assert_int_equal(seccomp_filter_compile(&p, (enum confinement)mode, &fresh), 0);
		assert_memory_equal(pre.insns, fresh.insns, pre.len * sizeof(struct sock_filter));
		seccomp_prog_free(&pre);
		seccomp_prog_free(&fresh);
	}
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_clone_newuser_refused_fork_threads_spawn_work),
		cmocka_unit_test(test_ioctl_tiocsti_tioclinux_masked),
		cmocka_unit_test(test_int80_refused),
		cmocka_unit_test(test_x32_refused),
		cmocka_unit_test(test_extra_names_refused),
		cmocka_unit_test(test_extra_names_overlapping_base_list),
		cmocka_unit_test(test_extra_unknown_name_is_einval),
		cmocka_unit_test(test_prebuilt_matches_compiled),
	};
	static struct CMUnitTest tests[ARRAY_SIZE(rows) + ARRAY_SIZE(fixed)];
	size_t n = 0;

	/* One test per row, named after its call. */
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		tests[n].name = rows[i].label;
		tests[n].test_func = test_row;
		tests[n].initial_state = (void *)&rows[i];
		n++;
	}
	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		tests[n++] = fixed[i];
	return _cmocka_run_group_tests("seccomp", tests, n, NULL, NULL);
}
