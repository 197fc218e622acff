/* doctor_kernel.c — the kernel's side of `pkgguard doctor`: user
 * namespaces (and what refuses them), pkgguard's AppArmor profile,
 * Landlock, seccomp, fanotify permission events, the children lists the
 * daemon's fast path reads, and which confinement a script really gets
 * (asked of pkgguard-sandbox itself). Each check fills one line. */
#include "doctor.h"
#include "doctor_probe.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#endif
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif

#define AA_PROFILE "pkgguard-sandbox"
#define AA_FILE "/etc/apparmor.d/pkgguard-sandbox"
#define SYSCTL_FIX_PERSIST " (and the same in /etc/sysctl.d/ to keep it)"

/* In a child: a user namespace, then a mount in its own mount namespace —
 * what the sandbox needs. 0, the errno of unshare, or -EPERM when the
 * namespace came without the rights to mount (AppArmor's restriction gives
 * the namespace, then refuses its capabilities). */
static int userns_probe(void)
{
	pid_t pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0) {
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
			_exit(errno & 0x7f);
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
			_exit(errno == EPERM || errno == EACCES ? 0x80 : errno & 0x7f);
		_exit(0);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return errno;
	if (!WIFEXITED(status))
		return EIO;
	return WEXITSTATUS(status) == 0x80 ? -EPERM : WEXITSTATUS(status);
}

static void check_userns(struct doctor_ctx *ctx, struct doctor_line *l)
{
	long max = doctor_read_long(ctx, "/proc/sys/user/max_user_namespaces");
	long unpriv = doctor_read_long(ctx, "/proc/sys/kernel/unprivileged_userns_clone");
	long aa = doctor_read_long(ctx, "/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
	int aa_loaded = doctor_apparmor_loaded(ctx, AA_PROFILE, NULL, 0);

	l->check = "user namespaces";
	if (max == 0) {
		doctor_set(l, DOCTOR_FAIL, "sysctl -w user.max_user_namespaces=15000" SYSCTL_FIX_PERSIST,
			   "refused by sysctl user.max_user_namespaces=0");
		return;
	}
	if (unpriv == 0) {
		doctor_set(l, DOCTOR_FAIL, "sysctl -w kernel.unprivileged_userns_clone=1" SYSCTL_FIX_PERSIST,
			   "refused to unprivileged users by sysctl kernel.unprivileged_userns_clone=0");
		return;
	}
	if (aa == 1 && aa_loaded != 1) {
		doctor_set(l, DOCTOR_FAIL,
			   "load pkgguard's AppArmor profile: apparmor_parser -r " AA_FILE
			   " (make install and the Debian package put it there)",
			   "restricted by AppArmor (kernel.apparmor_restrict_unprivileged_userns=1), and the "
			   AA_PROFILE " profile that grants them is not loaded");
		return;
	}
	int probe = userns_probe();
	if (aa == 1) {
		/* This process is not pkgguard-sandbox: the profile does not
		 * apply to the probe; the confinement line asks the sandbox. */
		ctx->userns_ok = true;
		doctor_set(l, DOCTOR_OK, NULL,
			   "restricted by AppArmor (kernel.apparmor_restrict_unprivileged_userns=1); the "
			   AA_PROFILE " profile loaded grants them to the sandbox");
		return;
	}
	if (probe == -EPERM) {
		doctor_set(l, DOCTOR_FAIL,
			   "find the security module refusing it (AppArmor, SELinux) or run where the container "
			   "runtime allows user namespaces",
			   "a user namespace is given, but without the rights to mount in it (EPERM)");
		return;
	}
	if (probe != 0) {
		doctor_set(l, DOCTOR_FAIL,
			   "allow user namespaces (in a container: the runtime's seccomp profile refuses "
			   "unshare/clone; e.g. podman, or docker --security-opt seccomp=... with them allowed)",
			   "refused: unshare(CLONE_NEWUSER): %s", strerror(probe));
		return;
	}
	ctx->userns_ok = true;
	doctor_set(l, DOCTOR_OK, NULL, "allowed");
}

static void check_apparmor(struct doctor_ctx *ctx, struct doctor_line *l)
{
	char mode[64];
	int loaded = doctor_apparmor_loaded(ctx, AA_PROFILE, mode, sizeof(mode));
	long aa = doctor_read_long(ctx, "/proc/sys/kernel/apparmor_restrict_unprivileged_userns");

	l->check = "AppArmor";
	if (loaded < 0) {
		doctor_set(l, DOCTOR_OK, NULL, "not active here: no profile needed");
	} else if (loaded == 1) {
		doctor_set(l, DOCTOR_OK, NULL, "profile " AA_PROFILE " loaded (%s)", mode);
	} else if (aa == 1) {
		doctor_set(l, DOCTOR_FAIL, "apparmor_parser -r " AA_FILE,
			   "active, restricting user namespaces, and profile " AA_PROFILE " is not loaded%s",
			   access(AA_FILE, F_OK) == 0 ? "" : " (nor installed in /etc/apparmor.d)");
	} else {
		doctor_set(l, DOCTOR_OK, NULL,
			   "active; profile " AA_PROFILE " not loaded, not needed (user namespaces are not "
			   "restricted by AppArmor)");
	}
}

/* What each Landlock ABI added that pkgguard uses. */
static const char *const landlock_added[] = {
	[2] = "file moves between directories (REFER)",
	[3] = "truncate",
	[4] = "TCP bind/connect rules",
	[5] = "device ioctls",
	[6] = "signal and abstract-socket scoping",
};
#define LANDLOCK_WANTED 6

static void check_landlock(struct doctor_ctx *ctx, struct doctor_line *l)
{
	(void)ctx;
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	int err = errno;

	l->check = "Landlock";
	if (abi < 0) {
		doctor_set(l, DOCTOR_FAIL,
			   "a kernel with CONFIG_SECURITY_LANDLOCK=y and landlock in its lsm= list (boot "
			   "parameter lsm=landlock,...)",
			   "not available: %s", err == EOPNOTSUPP ? "disabled at boot (not in lsm=)" :
			   err == ENOSYS ? "kernel without Landlock" : strerror(err));
		return;
	}
	if (abi >= LANDLOCK_WANTED) {
		doctor_set(l, DOCTOR_OK, NULL, "ABI %ld", abi);
		return;
	}
	char missing[DOCTOR_TEXT] = "";
	size_t off = 0;
	for (long v = abi + 1; v <= LANDLOCK_WANTED; v++)
		off += (size_t)snprintf(missing + off, off < sizeof(missing) ? sizeof(missing) - off : 0,
					"%s%s", v > abi + 1 ? ", " : "", landlock_added[v]);
	doctor_set(l, DOCTOR_WARN, "a kernel with Landlock ABI 6 (Linux 6.12 or later)",
		   "ABI %ld: without %s (the namespaces cover these; the fallback is weaker)", abi, missing);
}

static void check_seccomp(struct doctor_ctx *ctx, struct doctor_line *l)
{
	(void)ctx;
	l->check = "seccomp";
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0) {
		doctor_set(l, DOCTOR_FAIL, "a kernel with CONFIG_SECCOMP_FILTER=y",
			   "not available: prctl(PR_GET_SECCOMP): %s", strerror(errno));
		return;
	}
	/* libseccomp's API level: 5 and above has user notification. */
	unsigned int api = seccomp_api_get();
	if (api < 1) {
		doctor_set(l, DOCTOR_FAIL, "a kernel with CONFIG_SECCOMP_FILTER=y",
			   "libseccomp finds no seccomp filter support (API level 0)");
		return;
	}
	if (api < 5)
		doctor_set(l, DOCTOR_WARN, "Linux 5.5 or later",
			   "filters available (libseccomp API level %u); no user notification", api);
	else
		doctor_set(l, DOCTOR_OK, NULL, "filters and user notification (libseccomp API level %u)", api);
}

static void check_fanotify(struct doctor_ctx *ctx, struct doctor_line *l)
{
	(void)ctx;
	l->check = "fanotify permission events";
	int fd = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC | FAN_NONBLOCK, O_RDONLY);
	if (fd < 0 && (errno == EPERM || errno == EACCES)) {
		doctor_set(l, DOCTOR_SKIP, "run pkgguard doctor as root on the host",
			   "not checked: fanotify_init needs CAP_SYS_ADMIN in the initial user namespace");
		return;
	}
	if (fd < 0) {
		doctor_set(l, DOCTOR_FAIL, "a kernel with CONFIG_FANOTIFY=y and CONFIG_FANOTIFY_ACCESS_PERMISSIONS=y",
			   "fanotify_init(FAN_CLASS_CONTENT): %s: pkgguardd cannot run", strerror(errno));
		return;
	}
	/* A permission mark on the root directory's own inode: nothing ever
	 * opens a directory for exec, so no event can come; closed at once. */
	int r = fanotify_mark(fd, FAN_MARK_ADD, FAN_OPEN_EXEC_PERM, AT_FDCWD, "/");
	int err = errno;
	close(fd);
	if (r != 0)
		doctor_set(l, DOCTOR_FAIL, "a kernel with CONFIG_FANOTIFY_ACCESS_PERMISSIONS=y",
			   "fanotify_mark(FAN_OPEN_EXEC_PERM): %s: pkgguardd cannot run", strerror(err));
	else
		doctor_set(l, DOCTOR_OK, NULL, "FAN_OPEN_EXEC_PERM available (CONFIG_FANOTIFY_ACCESS_PERMISSIONS)");
}

static void check_proc_children(struct doctor_ctx *ctx, struct doctor_line *l)
{
	(void)ctx;
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)gettid());
	l->check = "daemon speed paths";
	if (access(path, R_OK) == 0)
		doctor_set(l, DOCTOR_OK, NULL, "/proc/PID/task/TID/children (CONFIG_PROC_CHILDREN) available");
	else
		doctor_set(l, DOCTOR_WARN, "a kernel with CONFIG_PROC_CHILDREN=y",
			   "no /proc/PID/task/TID/children (CONFIG_PROC_CHILDREN): pkgguardd walks parents "
			   "instead (same decisions, slower execs)");
}

static void check_confinement(struct doctor_ctx *ctx, struct doctor_line *l)
{
	char first[DOCTOR_TEXT];
	l->check = "confinement";
	if (!ctx->sandbox) {
		doctor_set(l, DOCTOR_FAIL, "install pkgguard-sandbox next to pkgguard (make install)",
			   "pkgguard-sandbox is not next to this pkgguard");
		return;
	}
	int st = doctor_sandbox_true(ctx->sandbox, true, first, sizeof(first));
	if (st == 0) {
		doctor_set(l, DOCTOR_OK, NULL, "a script gets the namespaces (every layer of pkgguard-sandbox)");
		return;
	}
	if (st == 125 && strstr(first, "refused by this host")) {
		doctor_set(l, DOCTOR_FAIL, "allow user namespaces (see the user namespaces line)",
			   "a script gets the fallback: weaker: no pid namespace or private /proc (it sees host "
			   "processes), no private mount tree (Landlock alone limits the filesystem; a --ro "
			   "directory inside a writable one stays writable), every AF_UNIX socket refused");
		return;
	}
	doctor_set(l, DOCTOR_FAIL, "see the message; pkgguard-sandbox --check-profile default tells more",
		   "pkgguard-sandbox -- /bin/true exits %d: %s", st, first[0] ? first : "(no message)");
}

doctor_check_fn *const doctor_kernel_checks[] = {
	check_userns, check_apparmor, check_landlock, check_seccomp,
	check_fanotify, check_proc_children, check_confinement, NULL,
};
