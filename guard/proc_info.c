/* proc_info.c — a process's identity and ancestry from /proc. Only procfs
 * is read here: the daemon's answering path must never open a file on a
 * filesystem it marks. stat() of /proc/PID/exe follows the magic link to
 * the executable's inode without opening it. */
#include "proc_info.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* /proc, opened once: openat() on it skips the lookup of "/proc" itself. */
int proc_dirfd(void)
{
	static int fd = -1;

	if (fd < 0)
		fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd;
}

int proc_pread(int fd, char *buf, size_t len, size_t *got)
{
	ssize_t n = pread(fd, buf, len - 1, 0);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	*got = (size_t)n;
	return 0;
}

int proc_open(pid_t pid, const char *file)
{
	char path[64];
	int dfd = proc_dirfd(), fd;

	snprintf(path, sizeof(path), "%d/%s", (int)pid, file);
	fd = dfd >= 0 ? openat(dfd, path, O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0 && dfd < 0) {
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	return fd < 0 ? (errno == ENOENT ? -ESRCH : -errno) : fd;
}

static int read_small(pid_t pid, const char *file, char *buf, size_t len, size_t *got)
{
	int fd = proc_open(pid, file), r;

	if (fd < 0)
		return fd;
	r = proc_pread(fd, buf, len, got);
	close(fd);
	return r;
}

/* Fields after comm, which may itself hold spaces and ')': parse from the
 * last ')'. ppid is field 4, starttime field 22. Hand-parsed: this runs for
 * every ancestor of every exec, and sscanf costs more than the read. */
static const char *skip_field(const char *p)
{
	while (*p == ' ')
		p++;
	while (*p && *p != ' ')
		p++;
	return p;
}

static int parse_num(const char **pp, unsigned long long *out)
{
	const char *p = *pp;
	unsigned long long v = 0;
	bool neg = false;

	while (*p == ' ')
		p++;
	if (*p == '-') {
		neg = true;
		p++;
	}
	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (~0ULL - 9) / 10)
			return -EINVAL;
		v = v * 10 + (unsigned long long)(*p - '0');
	}
	if (*p && *p != ' ' && *p != '\n')
		return -EINVAL;
	*out = neg ? 0 : v;
	*pp = p;
	return 0;
}

int proc_parse_stat(const char *buf, pid_t *ppid, uint64_t *start)
{
	const char *p = strrchr(buf, ')');
	unsigned long long pp, st;

	if (!p)
		return -EINVAL;
	/* ") S ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
	 *  utime stime cutime cstime priority nice threads itrealvalue starttime" */
	p = skip_field(p + 1); /* state */
	if (parse_num(&p, &pp) != 0 || pp > INT_MAX)
		return -EINVAL;
	for (int i = 5; i < 22; i++) /* pgrp .. itrealvalue */
		p = skip_field(p);
	if (parse_num(&p, &st) != 0)
		return -EINVAL;
	*ppid = (pid_t)pp;
	*start = st;
	return 0;
}

static void read_exe(pid_t pid, struct proc_info *out)
{
	char path[64];
	struct stat st;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, out->exe, sizeof(out->exe) - 1);
	out->exe[n > 0 ? n : 0] = '\0';
	if (stat(path, &st) == 0) {
		out->exe_known = true;
		out->exe_dev = st.st_dev;
		out->exe_ino = st.st_ino;
	}
}

int proc_read_stat(pid_t pid, struct proc_info *out)
{
	char buf[1024];
	size_t n;
	int r;

	memset(out, 0, offsetof(struct proc_info, cmdline));
	out->cmdline_len = 0;
	out->exe_known = false;
	out->exe[0] = '\0';
	out->pid = pid;
	r = read_small(pid, "stat", buf, sizeof(buf), &n);
	if (r)
		return r;
	return proc_parse_stat(buf, &out->ppid, &out->start);
}

void proc_read_cmdline(pid_t pid, struct proc_info *out)
{
	size_t n = 0;

	/* A kernel thread or a zombie has an empty cmdline: not an error. */
	out->cmdline_len = read_small(pid, "cmdline", out->cmdline, sizeof(out->cmdline), &n) == 0 ? n : 0;
}

int proc_read(pid_t pid, unsigned what, struct proc_info *out)
{
	int r = proc_read_stat(pid, out);

	if (r)
		return r;
	proc_read_cmdline(pid, out);
	if (what & PROC_EXE)
		read_exe(pid, out);
	return 0;
}

int proc_cwd(pid_t pid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/cwd", (int)pid);
	n = readlink(path, buf, len - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

int proc_threads(pid_t pid)
{
	char buf[4096];
	size_t got;
	const char *t;
	int r = read_small(pid, "status", buf, sizeof(buf), &got);

	if (r)
		return r;
	t = strstr(buf, "\nThreads:");
	return t ? atoi(t + strlen("\nThreads:")) : -EINVAL;
}

int proc_read_exe(pid_t pid, uint64_t start, struct proc_info *out)
{
	struct proc_info now;
	int r;

	out->exe_known = false;
	read_exe(pid, out);
	r = proc_read_stat(pid, &now);
	if (r == 0 && now.start != start)
		r = -ESRCH; /* the pid is another process's now */
	if (r) {
		out->exe_known = false;
		out->exe[0] = '\0';
	}
	return r;
}
