/* proc_cache.c — kept /proc fds for ancestors (proc_cache.h). */
#include "proc_cache.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void proc_cache_init(struct proc_cache *pc)
{
	memset(pc, 0, sizeof(*pc));
	for (size_t i = 0; i < PROC_CACHE_SLOTS; i++)
		pc->e[i].stat_fd = pc->e[i].cmd_fd = pc->e[i].kids_fd = -1;
}

static void drop(struct proc_cache *pc, struct proc_cache_entry *e)
{
	if (e->stat_fd >= 0)
		close(e->stat_fd);
	if (e->cmd_fd >= 0)
		close(e->cmd_fd);
	if (e->kids_fd >= 0)
		close(e->kids_fd);
	*e = (struct proc_cache_entry){ .stat_fd = -1, .cmd_fd = -1, .kids_fd = -1 };
	pc->dropped++;
}

void proc_cache_close(struct proc_cache *pc)
{
	for (size_t i = 0; i < PROC_CACHE_SLOTS; i++)
		if (pc->e[i].pid)
			drop(pc, &pc->e[i]);
}

/* Both files through the kept fds. 0 only when the fds' process is alive
 * and still the one this entry was made for (same start time). */
static int read_entry(const struct proc_cache_entry *e, struct proc_info *out)
{
	char buf[1024];
	size_t n;
	int r = proc_pread(e->stat_fd, buf, sizeof(buf), &n);

	if (r)
		return r;
	if (n == 0 || proc_parse_stat_info(buf, out) != 0 || out->start != e->start)
		return -ESRCH;
	out->pid = e->pid;
	if (proc_pread(e->cmd_fd, out->cmdline, sizeof(out->cmdline), &n) != 0)
		return -ESRCH; /* exited between the two reads */
	out->cmdline_len = n;
	return 0;
}

static struct proc_cache_entry *find(struct proc_cache *pc, pid_t pid)
{
	for (size_t i = 0; pid > 0 && i < PROC_CACHE_SLOTS; i++)
		if (pc->e[i].pid == pid)
			return &pc->e[i];
	return NULL;
}

static struct proc_cache_entry *victim(struct proc_cache *pc)
{
	struct proc_cache_entry *v = &pc->e[0];

	for (size_t i = 0; i < PROC_CACHE_SLOTS; i++) {
		if (!pc->e[i].pid)
			return &pc->e[i];
		if (pc->e[i].used < v->used)
			v = &pc->e[i];
	}
	drop(pc, v);
	return v;
}

static void clear_info(pid_t pid, struct proc_info *out)
{
	out->pid = pid;
	out->ppid = 0;
	out->start = 0;
	out->fresh_fork = false;
	out->exec_print = 0;
	out->cmdline_len = 0;
	out->exe_known = false;
	out->exe_dev = 0;
	out->exe_ino = 0;
	out->exe[0] = '\0';
}

int proc_cache_read(struct proc_cache *pc, pid_t pid, struct proc_info *out)
{
	char task_stat[48];
	struct proc_cache_entry *e, *v;
	int sfd, cfd, r;

	clear_info(pid, out);
	if (pid <= 0)
		return -ESRCH;
	pc->tick++;
	e = find(pc, pid);
	if (e) {
		if (read_entry(e, out) == 0) {
			e->used = pc->tick;
			pc->hits++;
			return 0;
		}
		/* That process died (the pid may already be another's): forget it. */
		drop(pc, e);
		clear_info(pid, out);
	}
	pc->misses++;
	/* The main thread's stat line, not the process's: the same fields we
	 * read, without the whole group's CPU time, which for a process
	 * running on another CPU takes that CPU's run-queue lock (a long tail
	 * in the answering path, measured). */
	snprintf(task_stat, sizeof(task_stat), "task/%d/stat", (int)pid);
	sfd = proc_open(pid, task_stat);
	if (sfd < 0)
		return sfd;
	cfd = proc_open(pid, "cmdline");
	if (cfd < 0) {
		close(sfd);
		return cfd;
	}
	v = victim(pc);
	*v = (struct proc_cache_entry){ .pid = pid, .stat_fd = sfd, .cmd_fd = cfd, .kids_fd = -1, .used = pc->tick };
	{
		char buf[1024];
		size_t n;

		r = proc_pread(sfd, buf, sizeof(buf), &n);
		if (r == 0 && (n == 0 || proc_parse_stat(buf, &out->ppid, &v->start) != 0))
			r = -ESRCH;
	}
	if (r == 0)
		r = read_entry(v, out);
	if (r) {
		drop(pc, v);
		clear_info(pid, out);
		return r == -ENOENT ? -ESRCH : r;
	}
	return 0;
}

int proc_cache_cmdline(struct proc_cache *pc, pid_t pid, struct proc_info *out)
{
	struct proc_cache_entry *e;
	size_t n;

	clear_info(pid, out);
	e = find(pc, pid);
	if (!e)
		return -ENOENT;
	pc->tick++;
	if (proc_pread(e->cmd_fd, out->cmdline, sizeof(out->cmdline), &n) != 0) {
		drop(pc, e);
		return -ESRCH;
	}
	out->start = e->start;
	out->cmdline_len = n;
	e->used = pc->tick;
	pc->hits++;
	return 0;
}

/* pid as a whole word of the children list, where each pid is followed by
 * a space (a pid cut off by the end of the buffer is not one). */
static bool listed(const char *list, pid_t pid)
{
	char want[16];
	size_t wl = (size_t)snprintf(want, sizeof(want), "%d", (int)pid);

	for (const char *p = list; (p = strstr(p, want)) != NULL; p += wl)
		if ((p == list || p[-1] == ' ') && p[wl] == ' ')
			return true;
	return false;
}

/* The entry's process is alive and the one it was opened for. */
static bool entry_alive(const struct proc_cache_entry *e)
{
	char buf[1024];
	size_t n;
	pid_t ppid;
	uint64_t start;

	return proc_pread(e->stat_fd, buf, sizeof(buf), &n) == 0 && n > 0 &&
	       proc_parse_stat(buf, &ppid, &start) == 0 && start == e->start;
}

int proc_cache_has_child(struct proc_cache *pc, pid_t pid, uint64_t start, pid_t child)
{
	struct proc_cache_entry *e = find(pc, pid);
	char buf[4096], path[48];
	size_t n;

	if (!e || e->start != start)
		return -ENOENT;
	if (e->kids_fd < 0) {
		snprintf(path, sizeof(path), "task/%d/children", (int)pid);
		e->kids_fd = proc_open(pid, path);
		if (e->kids_fd < 0) {
			int r = e->kids_fd;

			e->kids_fd = -1;
			/* Alive but no such file: a kernel without
			 * CONFIG_PROC_CHILDREN. */
			return r == -ESRCH && entry_alive(e) ? -ENOSYS : r;
		}
		/* Opened by pid: count it only if the process is still the one
		 * kept (then the pid was its own when opened). */
		if (!entry_alive(e)) {
			drop(pc, e);
			return -ESRCH;
		}
	}
	/* A dead parent's list reads empty: "not listed", never a wrong yes. */
	if (proc_pread(e->kids_fd, buf, sizeof(buf), &n) != 0) {
		drop(pc, e);
		return -ESRCH;
	}
	e->used = ++pc->tick;
	/* Hundreds of children (init, a service manager): a read this long
	 * per exec costs more than the lookup it saves. */
	if (n >= sizeof(buf) / 2)
		return -E2BIG;
	return listed(buf, child);
}

unsigned proc_cache_prune(struct proc_cache *pc, unsigned max)
{
	unsigned dropped = 0;

	for (unsigned k = 0; k < max && k < PROC_CACHE_SLOTS; k++) {
		struct proc_cache_entry *e = &pc->e[pc->sweep];
		char buf[1024];
		size_t n;
		pid_t ppid;
		uint64_t start;

		pc->sweep = (pc->sweep + 1) % PROC_CACHE_SLOTS;
		if (!e->pid)
			continue;
		if (proc_pread(e->stat_fd, buf, sizeof(buf), &n) != 0 || n == 0 ||
		    proc_parse_stat(buf, &ppid, &start) != 0 || start != e->start) {
			drop(pc, e);
			dropped++;
		}
	}
	return dropped;
}

size_t proc_cache_size(const struct proc_cache *pc)
{
	size_t n = 0;

	for (size_t i = 0; i < PROC_CACHE_SLOTS; i++)
		n += pc->e[i].pid != 0;
	return n;
}
