/* decide_proc.c — the ladder's reads and actions on the real system
 * (decide_proc.h). Only /proc is read here: the answering thread never
 * opens a file on a marked filesystem. */
#include "decide_proc.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helper_trust.h"
#include "log.h"
#include "package_name.h"
#include "reparse_regs.h"

/* How long the answering thread waits for the reparse thread's attach
 * (normally tens of µs). Past it the exec is denied plainly. */
#define REPARSE_ATTACH_TIMEOUT_MS 25

static int read_stat(void *ctx, pid_t pid, struct proc_info *out)
{
	(void)ctx;
	return proc_read_stat(pid, out);
}

static void read_cmdline(void *ctx, pid_t pid, struct proc_info *out)
{
	(void)ctx;
	proc_read_cmdline(pid, out);
}

static int read_kept(void *ctx, pid_t pid, struct proc_info *out)
{
	return proc_cache_read(((struct decide_proc *)ctx)->pcache, pid, out);
}

static int read_kept_cmdline(void *ctx, pid_t pid, struct proc_info *out)
{
	return proc_cache_cmdline(((struct decide_proc *)ctx)->pcache, pid, out);
}

static int has_child(void *ctx, pid_t parent, uint64_t start, pid_t child)
{
	return proc_cache_has_child(((struct decide_proc *)ctx)->pcache, parent, start, child);
}

static void read_exe(void *ctx, struct proc_info *p)
{
	(void)ctx;
	proc_read_exe(p->pid, p->start, p);
}

static void read_file(void *ctx, int fd, struct exec_file *ef, char *path, size_t len)
{
	char fdpath[64];
	struct stat st;
	ssize_t n;

	(void)ctx;
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	n = readlink(fdpath, path, len - 1);
	path[n > 0 ? n : 0] = '\0';
	if (fstat(fd, &st) == 0)
		*ef = (struct exec_file){ .dev = st.st_dev, .ino = st.st_ino, .path = path };
	else
		ef->path = path;
}

static void trust_helpers(void *ctx, int fd, unsigned pm, size_t root, struct proc_info *chain,
			  struct exec_file *ef)
{
	const struct strlist *helpers = ((struct decide_proc *)ctx)->policy->pms[pm].helpers;
	enum helper_match h = classify_helper_match(helpers, ef->path);
	struct stat st, est;
	char exe[64];
	uid_t uid;

	if (h != HELPER_NONE && fstat(fd, &st) == 0 && helper_caller_uid(chain[0].pid, &uid) == 0)
		ef->trusted = helper_trusted(&st, ef->path, uid, h == HELPER_BY_PATH);
	if (root == 0 || !chain[root - 1].exe_known)
		return;
	h = classify_helper_match(helpers, chain[root - 1].exe);
	snprintf(exe, sizeof(exe), "/proc/%d/exe", (int)chain[root - 1].pid);
	/* The same file read_exe saw (device and inode), its owner and mode. */
	if (h != HELPER_NONE && stat(exe, &est) == 0 && est.st_dev == chain[root - 1].exe_dev &&
	    est.st_ino == chain[root - 1].exe_ino && helper_caller_uid(chain[root - 1].pid, &uid) == 0)
		chain[root - 1].exe_trusted = helper_trusted(&est, chain[root - 1].exe, uid, h == HELPER_BY_PATH);
}

static void read_package(void *ctx, pid_t pid, char *pkg, size_t len)
{
	char cwd[PATH_MAX];

	(void)ctx;
	if (proc_cwd(pid, cwd, sizeof(cwd)) != 0 || package_name_from_path(cwd, pkg, len) != 0)
		pkg[0] = '\0';
}

static void read_pending(void *ctx, pid_t pid, struct pending_exec *out)
{
	(void)ctx;
	(void)pending_exec_read(pid, out);
}

static bool take_allowance(void *ctx, pid_t pid, uint64_t start)
{
	struct decide_proc *dp = ctx;

	return dp->reparse && reparse_take_allowance(dp->reparse, pid, start);
}

/* Only the first file of an exec gets here as a deny (its loader and
 * interpreter are allowed once the first was), but the attach is bounded
 * anyway: past the first file an exec holds a lock that PTRACE_SEIZE
 * waits for. */
static int reparse(void *ctx, const struct proc_info *chain, size_t n, const struct decision *d,
		   const char *file, uint64_t t0)
{
	struct decide_proc *dp = ctx;
	char cwd[PATH_MAX];
	int threads;

	(void)n;
	if (!dp->reparse || !regs_supported())
		return -ENOSYS;
	threads = proc_threads(chain[0].pid);
	if (threads != 1)
		return threads < 0 ? threads : -EMLINK;
	if (proc_cwd(chain[0].pid, cwd, sizeof(cwd)) != 0)
		return -ESRCH;
	return reparse_submit(dp->reparse, &(struct reparse_request){
		.pid = chain[0].pid, .start = chain[0].start, .t0 = t0, .pm = d->pm, .file = file,
		.rule = rule_name(d->rule), .cwd = cwd, .nested_ok = d->root_fork,
		.commands = dp->policy->pms[d->pm_index].commands }, REPARSE_ATTACH_TIMEOUT_MS);
}

static void count_fallback(void *ctx, uint64_t t0)
{
	reparse_count_fallback(((struct decide_proc *)ctx)->reparse, t0);
}

static int respond(void *ctx, int fd, unsigned response)
{
	struct fanotify_response r = { .fd = fd, .response = response };

	if (write(((struct decide_proc *)ctx)->fan_fd, &r, sizeof(r)) != (ssize_t)sizeof(r)) {
		int err = errno ? errno : EIO;
		log_warn("fanotify response: %s", strerror(err));
		return -err;
	}
	return 0;
}

static void log_decision(void *ctx, const struct decision_record *r)
{
	(void)ctx;
	daemon_log_decision(r);
}

void decide_proc_io(struct decide_proc *dp, struct decide_io *io)
{
	*io = (struct decide_io){
		.ctx = dp,
		.read_stat = read_stat,
		.read_cmdline = read_cmdline,
		.read_kept = read_kept,
		.read_kept_cmdline = read_kept_cmdline,
		.has_child = has_child,
		.read_exe = read_exe,
		.read_file = read_file,
		.trust_helpers = trust_helpers,
		.read_package = read_package,
		.read_pending = read_pending,
		.take_allowance = take_allowance,
		.reparse = reparse,
		.count_fallback = count_fallback,
		.respond = respond,
		.log = log_decision,
	};
}
