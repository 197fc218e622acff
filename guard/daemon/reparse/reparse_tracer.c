/* reparse_tracer.c — the tracer thread of exec reparse (reparse.h): takes
 * a request from the answering thread (attach, interrupt, ack), then runs
 * each attached process through its states — stopped after the deny, the
 * failed execve rewritten into one of pkgguard-sandbox (or an mmap made
 * first, stopped at its entry and exit) — and detaches it, logging what
 * became of it. ptrace requests must come from the thread that attached:
 * everything here runs on that one thread. */
#include "reparse_tracer.h"
#include "array_size.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "daemon_log.h"
#include "log.h"
#include "package_name.h"
#include "pending_exec.h"
#include "proc_info.h"
#include "reparse_layout.h"
#include "tracee_mem.h"

#define STOP_DEADLINE_NS (2000000000ull)   /* a deny returns at once: 2 s is "never" */
#define RED_ZONE_GAP 1024                  /* left untouched below the stack pointer */
#define MMAP_SIZE (256 * 1024)

/* ------------------------------------------------------------------ */
/* Logging (tracer thread, after the process is released)              */

static void log_job(const struct job *j, const char *decision, const char *reason,
		    const struct tracee_strv *argv)
{
	char pkg[256] = "", cmd[1024] = "";
	size_t n = 0;

	if (package_name_from_path(j->req.cwd, pkg, sizeof(pkg)) != 0)
		pkg[0] = '\0';
	for (size_t i = 0; argv && i < argv->n && n + 2 < sizeof(cmd); i++) {
		int w = snprintf(cmd + n, sizeof(cmd) - n, "%s%s", i ? " " : "", argv->v[i]);

		if (w < 0)
			break;
		n += (size_t)w;
		if (n >= sizeof(cmd))
			n = sizeof(cmd) - 1;
	}
	daemon_log_decision(&(struct decision_record){
		.decision = decision, .reason = reason, .rule = j->req.rule, .pid = j->pid, .exe = j->req.file,
		.pm = j->req.pm, .package = pkg, .event = j->event, .command = cmd[0] ? cmd : NULL });
}

static void count(struct reparse *r, const struct job *j, uint64_t *counter)
{
	pthread_mutex_lock(&r->mu);
	(*counter)++;
	hist_add(&r->stats.latency, now_ns() - j->t0);
	pthread_mutex_unlock(&r->mu);
}

/* ------------------------------------------------------------------ */
/* Jobs                                                                */

static struct job *job_find(struct reparse *r, pid_t pid)
{
	for (size_t i = 0; i < MAX_JOBS; i++)
		if (r->jobs[i].state != JOB_FREE && r->jobs[i].pid == pid)
			return &r->jobs[i];
	return NULL;
}

static void job_free(struct job *j)
{
	strlist_free(&j->commands);
	reparse_plan_free(&j->plan);
	free((char *)j->req.pm);
	free((char *)j->req.file);
	free((char *)j->req.cwd);
	memset(j, 0, sizeof(*j));
}

/* The process goes on unchanged (its execve fails with EPERM); sig is a
 * signal it stopped for, delivered on the way out. The job itself stays
 * until its end is logged. */
static void let_go(struct job *j, int sig)
{
	/* Mid-way through the injected mmap its registers are ours: put back
	 * those of the failed execve, or it would go on as if execve had
	 * returned the mmap's address. */
	if (j->regs_changed)
		(void)regs_set(j->pid, &j->regs);
	(void)ptrace(PTRACE_DETACH, j->pid, NULL, (void *)(long)sig);
}

/* No reparse: the process is let go first (it waits on us), then counted,
 * logged and freed. argv (the command, for the log) may be the job's own
 * plan.log_argv: job_free is the one place that frees it. */
static void fail_job(struct reparse *r, struct job *j, int err, int sig, const struct tracee_strv *argv)
{
	char reason[160];

	let_go(j, sig);
	reparse_count_fallback(r, j->t0);
	snprintf(reason, sizeof(reason), "unsandboxed-script (reparse impossible: %s)", reparse_error_name(err));
	log_job(j, "deny", reason, argv);
	job_free(j);
}

/* The end of a job: released by a step that failed (err), or done — then
 * counted in *counter and logged as decision. */
static void finish_job(struct reparse *r, struct job *j, int err, uint64_t *counter,
		       const char *decision, const char *reason, const struct tracee_strv *argv)
{
	if (err) {
		fail_job(r, j, err, 0, argv);
		return;
	}
	count(r, j, counter);
	log_job(j, decision, reason, argv);
	job_free(j);
}

/* Writes the plan's block at base, points the registers at execve of the
 * sandbox, detaches. */
static int launch(struct reparse *r, struct job *j, uint64_t base)
{
	unsigned char *buf;
	uint64_t argv_addr = 0, file_addr = 0;
	uint64_t args[6] = { 0 };
	struct tracee_regs regs = j->regs;
	size_t size = reparse_layout_size(j->plan.items, j->plan.n);
	int e;

	(void)r;
	buf = malloc(size);
	if (!buf)
		return -ENOMEM;
	e = reparse_layout_fill(j->plan.items, j->plan.n, base, buf, size, &argv_addr, &file_addr);
	if (!e)
		e = tracee_write(j->pid, base, buf, size);
	free(buf);
	if (e)
		return e;
	args[0] = file_addr;
	args[1] = argv_addr;
	args[2] = j->plan.envp;
	regs_prepare_syscall(&regs, SYS_execve, args);
	e = regs_set(j->pid, &regs);
	if (e)
		return e;
	if (ptrace(PTRACE_DETACH, j->pid, NULL, NULL) != 0)
		return -errno;
	return 0;
}

/* No room below the stack pointer: the process makes an mmap call for us
 * first (same trick: registers set, pc back on the syscall instruction),
 * stopped at its entry and exit with PTRACE_SYSCALL. */
static int inject_mmap(struct job *j)
{
	struct tracee_regs regs = j->regs;
	uint64_t args[6] = { 0, MMAP_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			     (uint64_t)-1, 0 };
	int e;

	regs_prepare_syscall(&regs, SYS_mmap, args);
	e = regs_set(j->pid, &regs);
	if (e)
		return e;
	j->regs_changed = true;
	if (ptrace(PTRACE_SYSCALL, j->pid, NULL, NULL) != 0)
		return -errno;
	j->state = JOB_WAIT_MMAP_ENTRY;
	return 0;
}

static void allow_self(struct reparse *r, const struct job *j)
{
	pthread_mutex_lock(&r->mu);
	for (size_t i = 0; i < ARRAY_SIZE(r->allowance); i++)
		if (r->allowance[i].pid == 0 || i + 1 == ARRAY_SIZE(r->allowance)) {
			r->allowance[i].pid = j->pid;
			r->allowance[i].start = j->start;
			break;
		}
	pthread_mutex_unlock(&r->mu);
}

/* The nested package manager: the same execve again, unchanged. */
static int restart_as_is(struct reparse *r, struct job *j)
{
	struct tracee_regs regs = j->regs;
	int e;

	allow_self(r, j); /* before it can exec again */
	regs_prepare_syscall(&regs, regs.nr, j->regs.arg);
	e = regs_set(j->pid, &regs);
	if (e)
		return e;
	return ptrace(PTRACE_DETACH, j->pid, NULL, NULL) == 0 ? 0 : -errno;
}

/* The sandbox the rewrite names must be the trusted file in the process's
 * own view (its mount namespace may not be ours), and the failed call must
 * not already be that sandbox (a reparse of a reparse would loop). */
static int check_target(struct reparse *r, const struct job *j)
{
	char name[PATH_MAX];
	uint64_t file = j->regs.arg[j->regs.nr == SYS_execveat ? 1 : 0];
	dev_t dev;
	ino_t ino;

	pthread_mutex_lock(&r->mu);
	dev = r->sandbox_dev;
	ino = r->sandbox_ino;
	pthread_mutex_unlock(&r->mu);
	if (tracee_read_string(j->pid, file, name, sizeof(name)) == 0 && strcmp(name, r->sandbox_path) == 0)
		return -ELOOP;
	return reparse_plan_sandbox_visible(j->pid, r->sandbox_path, dev, ino);
}

/* Where the block goes: below the stack pointer, in the mapping that holds
 * it (one PROCMAP_QUERY; the text of /proc/PID/maps on older kernels). */
static int place_block(const struct job *j, uint64_t *base)
{
	size_t size = reparse_layout_size(j->plan.items, j->plan.n);
	uint64_t lo, hi;
	bool writable;
	char *maps = NULL;
	int e = tracee_vma_of(j->pid, j->regs.sp, &lo, &hi, &writable);

	if (e == 0)
		return reparse_layout_place_in(lo, hi, writable, j->regs.sp, size, RED_ZONE_GAP, base);
	if (e != -ENOTTY && e != -EINVAL)
		return e;
	e = tracee_read_proc_text(j->pid, "maps", 8u << 20, &maps);
	if (!e)
		e = reparse_layout_place(maps, j->regs.sp, size, RED_ZONE_GAP, base);
	free(maps);
	return e;
}

/* The process stopped after our deny: read the failed call, rewrite it. */
static void on_first_stop(struct reparse *r, struct job *j)
{
	struct tracee_strv argv = { 0 }, envp = { 0 };
	struct strlist dirs = { 0 };
	uint64_t base = 0;
	int e;

	pthread_mutex_lock(&r->mu);
	e = strlist_copy(&dirs, &r->profile_dirs);
	pthread_mutex_unlock(&r->mu);
	if (!e)
		e = regs_get(j->pid, &j->regs);
	if (!e && (!j->regs.native || (j->regs.nr != SYS_execve && j->regs.nr != SYS_execveat) ||
		   j->regs.ret != -EPERM))
		e = -ENOEXEC;
	if (!e)
		e = regs_check_syscall_insn(j->pid, &j->regs);
	if (!e)
		e = reparse_plan_read(j->pid, &j->regs, &argv, &envp);
	if (!e)
		(void)pending_exec_event_of(envp.v, envp.n, j->event, sizeof(j->event));
	if (!e)
		e = check_target(r, j);
	if (!e && !(j->req.nested_ok && reparse_plan_is_package_manager(&argv, &j->commands)))
		e = reparse_plan_profiles_visible(j->pid, &dirs);
	if (e) {
		fail_job(r, j, e, 0, argv.n ? &argv : NULL);
		goto out;
	}
	if (j->req.nested_ok && reparse_plan_is_package_manager(&argv, &j->commands)) {
		e = restart_as_is(r, j);
		j->req.rule = "nested-package-manager"; /* rule_name(RULE_NESTED_PM) */
		finish_job(r, j, e, &r->stats.nested, "allow", "nested-package-manager", &argv);
		goto out;
	}
	e = reparse_plan_build(&j->plan, &(struct reparse_plan_input){ .pid = j->pid,
		.sandbox = r->sandbox_path, .pm = j->req.pm, .profile_dirs = &dirs, .cwd = j->req.cwd, .file = j->req.file,
		.regs = &j->regs, .argv = &argv, .envp = &envp });
	if (e) {
		fail_job(r, j, e, 0, &argv);
		goto out;
	}
	e = r->force_mmap ? -ENOSPC : place_block(j, &base);
	if (e == -ENOSPC || e == -ENOENT) {
		/* The log line is written once the exec is launched: the
		 * command goes with the job, which frees it. */
		j->plan.log_argv = argv;
		memset(&argv, 0, sizeof(argv));
		e = inject_mmap(j);
		if (e)
			fail_job(r, j, e, 0, &j->plan.log_argv);
		goto out;
	}
	if (!e)
		e = launch(r, j, base);
	finish_job(r, j, e, &r->stats.reparsed, "reparse", "unsandboxed-script", &argv);
out:
	strlist_free(&dirs);
	tracee_strv_free(&argv);
	tracee_strv_free(&envp);
}

static void on_mmap_exit(struct reparse *r, struct job *j)
{
	struct tracee_regs now;
	int e = regs_get(j->pid, &now);

	if (!e && (now.ret < 0 && now.ret > -4096))
		e = (int)now.ret;
	if (!e) {
		/* Back to the failed execve's registers, with pc where the
		 * mmap left it (after the same syscall instruction). */
		e = launch(r, j, (uint64_t)now.ret + MMAP_SIZE -
					 ((reparse_layout_size(j->plan.items, j->plan.n) + 15) & ~(size_t)15));
	}
	if (!e) {
		pthread_mutex_lock(&r->mu);
		r->stats.via_mmap++;
		pthread_mutex_unlock(&r->mu);
	}
	finish_job(r, j, e, &r->stats.reparsed, "reparse", "unsandboxed-script", &j->plan.log_argv);
}

void reparse_tracer_on_wait(struct reparse *r, pid_t pid, int status)
{
	struct job *j = job_find(r, pid);
	int event = status >> 16, sig;

	if (!WIFSTOPPED(status)) {
		if (j) /* killed while we held it */
			job_free(j);
		return;
	}
	sig = WSTOPSIG(status);
	if (!j) { /* a stray: never leave it stopped */
		(void)ptrace(PTRACE_DETACH, pid, NULL, NULL);
		return;
	}
	if (j->abandoned) {
		let_go(j, event == 0 && sig != SIGTRAP ? sig : 0);
		job_free(j);
		return;
	}
	switch (j->state) {
	case JOB_WAIT_STOP:
		if (event == PTRACE_EVENT_STOP && sig == SIGTRAP)
			on_first_stop(r, j);
		else /* a signal came first: deliver it, no reparse */
			fail_job(r, j, -EINTR, event == 0 ? sig : 0, NULL);
		break;
	case JOB_WAIT_MMAP_ENTRY:
		if (sig == (SIGTRAP | 0x80) && ptrace(PTRACE_SYSCALL, pid, NULL, NULL) == 0) {
			j->state = JOB_WAIT_MMAP_EXIT;
			break;
		}
		fail_job(r, j, -EINTR, event == 0 && sig != (SIGTRAP | 0x80) ? sig : 0, &j->plan.log_argv);
		break;
	case JOB_WAIT_MMAP_EXIT:
		if (sig == (SIGTRAP | 0x80)) {
			on_mmap_exit(r, j);
		} else {
			/* The process made the mmap; it is harmless to leave. */
			fail_job(r, j, -EINTR, event == 0 ? sig : 0, &j->plan.log_argv);
		}
		break;
	case JOB_FREE:
		break;
	}
}

static void reap(struct reparse *r)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG | __WALL);

		if (pid <= 0)
			return;
		reparse_tracer_on_wait(r, pid, status);
	}
}

/* A process that never stopped within the deadline: whenever it does, it
 * is let go unchanged (abandoned); the deny stands. */
static void expire(struct reparse *r)
{
	uint64_t now = now_ns();

	for (size_t i = 0; i < MAX_JOBS; i++) {
		struct job *j = &r->jobs[i];

		if (j->state == JOB_FREE || j->abandoned || now < j->deadline)
			continue;
		j->abandoned = true;
		pthread_mutex_lock(&r->mu);
		r->stats.fallbacks++;
		pthread_mutex_unlock(&r->mu);
		log_job(j, "deny", "unsandboxed-script (reparse impossible: no stop within 2 s)", NULL);
	}
}

static bool jobs_pending(const struct reparse *r)
{
	for (size_t i = 0; i < MAX_JOBS; i++)
		if (r->jobs[i].state != JOB_FREE)
			return true;
	return false;
}

static struct job *job_new(struct reparse *r)
{
	for (size_t i = 0; i < MAX_JOBS; i++)
		if (r->jobs[i].state == JOB_FREE)
			return &r->jobs[i];
	return NULL;
}

static bool cancelled_already(struct reparse *r)
{
	bool c;

	pthread_mutex_lock(&r->mu);
	c = r->slot == SLOT_CANCELLED;
	pthread_mutex_unlock(&r->mu);
	return c;
}

/* The request the answering thread waits on: attach, interrupt, ack. */
static void take_request(struct reparse *r)
{
	struct job *j = job_new(r);
	struct reparse_request q;
	bool cancelled, stray = false;
	uint64_t one = 1;
	int e = 0;

	pthread_mutex_lock(&r->mu);
	if (r->slot != SLOT_SUBMITTED && r->slot != SLOT_CANCELLED) {
		pthread_mutex_unlock(&r->mu);
		return;
	}
	q = r->req;
	if (j) {
		j->req.pm = strdup(r->req_pm);
		j->req.file = strdup(r->req_file);
		j->req.cwd = strdup(r->req_cwd);
		if (!j->req.pm || !j->req.file || !j->req.cwd ||
		    strlist_copy(&j->commands, &r->req_commands) != 0)
			e = -ENOMEM;
	}
	pthread_mutex_unlock(&r->mu);
	if (!j)
		e = -EBUSY;
	if (!e && q.pid <= 0)
		e = -ESRCH;
	if (!e && cancelled_already(r))
		e = -ETIMEDOUT; /* answered as a plain deny while we were busy */
	if (!e && ptrace(PTRACE_SEIZE, q.pid, NULL, (void *)(long)PTRACE_O_TRACESYSGOOD) != 0)
		e = -errno;
	if (!e && ptrace(PTRACE_INTERRUPT, q.pid, NULL, NULL) != 0)
		e = -errno; /* seized but gone: the kernel let go */
	if (!e) {
		struct proc_info now;

		/* The pid is still the process of the event (it waits in execve:
		 * only a SIGKILL and a reuse of its pid could make it another). */
		if (proc_read_stat(q.pid, &now) != 0 || now.start != q.start)
			stray = true;
	}
	if (e)
		log_debug("reparse: attach to %d: %s", (int)q.pid, strerror(-e));
	pthread_mutex_lock(&r->mu);
	cancelled = r->slot == SLOT_CANCELLED;
	r->slot = cancelled ? SLOT_FREE : SLOT_DONE;
	r->ack_err = e ? e : stray ? -ESRCH : 0;
	pthread_mutex_unlock(&r->mu);
	if (!cancelled)
		(void)!write(r->ack_fd, &one, sizeof(one));
	if (e) {
		if (j)
			job_free(j);
		return;
	}
	j->state = JOB_WAIT_STOP;
	j->pid = q.pid;
	j->start = q.start;
	j->t0 = q.t0;
	j->deadline = now_ns() + STOP_DEADLINE_NS;
	j->req.nested_ok = q.nested_ok;
	j->req.rule = q.rule; /* a static string */
	j->req.pid = q.pid;
	/* Answered as a plain deny already (the attach came too late), or
	 * another process than the event's: let it go at its stop. */
	j->abandoned = cancelled || stray;
}

void reparse_drain(int fd)
{
	uint64_t v;

	while (read(fd, &v, sizeof(v)) > 0)
		;
}

void *reparse_tracer_main(void *arg)
{
	struct reparse *r = arg;

	for (;;) {
		struct pollfd fds[3] = {
			{ .fd = r->req_fd, .events = POLLIN },
			{ .fd = r->chld_fd, .events = POLLIN },
			{ .fd = r->quit_fd, .events = POLLIN },
		};
		struct signalfd_siginfo si;

		if (poll(fds, 3, jobs_pending(r) ? 100 : -1) < 0 && errno != EINTR)
			break;
		if (fds[0].revents & POLLIN) {
			reparse_drain(r->req_fd);
			take_request(r);
		}
		if (fds[1].revents & POLLIN)
			while (read(r->chld_fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
				;
		reap(r);
		expire(r);
		if (fds[2].revents & POLLIN)
			break;
	}
	/* Stopping: whatever is stopped now goes on unchanged; the rest is
	 * detached by the kernel when the daemon exits. */
	for (size_t i = 0; i < MAX_JOBS; i++)
		if (r->jobs[i].state != JOB_FREE)
			r->jobs[i].abandoned = true;
	reap(r);
	return NULL;
}

void reparse_tracer_free_jobs(struct reparse *r)
{
	for (size_t i = 0; i < MAX_JOBS; i++)
		if (r->jobs[i].state != JOB_FREE)
			job_free(&r->jobs[i]);
}
