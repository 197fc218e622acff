/* proc_info.c — a process's identity and ancestry from /proc. Only procfs
 * is read here: the daemon's answering path must never open a file on a
 * filesystem it marks. stat() of /proc/PID/exe follows the magic link to
 * the executable's inode without opening it. */
#include "proc_info.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int read_small(const char *path, char *buf, size_t len, size_t *got)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	close(fd);
	buf[n] = '\0';
	*got = (size_t)n;
	return 0;
}

/* Fields after comm, which may itself hold spaces and ')': parse from the
 * last ')'. ppid is field 4, starttime field 22. */
int proc_parse_stat(const char *buf, pid_t *ppid, uint64_t *start)
{
	const char *p = strrchr(buf, ')');
	long long pp;
	unsigned long long st;

	if (!p)
		return -EINVAL;
	/* ") S ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
	 *  utime stime cutime cstime priority nice threads itrealvalue starttime" */
	if (sscanf(p + 1, " %*c %lld %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
		   &pp, &st) != 2)
		return -EINVAL;
	*ppid = (pid_t)pp;
	*start = st;
	return 0;
}

static uint64_t ns_inode(pid_t pid, const char *ns)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns);
	return stat(path, &st) == 0 ? (uint64_t)st.st_ino : 0;
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

int proc_read(pid_t pid, unsigned what, struct proc_info *out)
{
	char path[64], buf[1024];
	size_t n;
	int r;

	memset(out, 0, sizeof(*out));
	out->pid = pid;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	r = read_small(path, buf, sizeof(buf), &n);
	if (r)
		return r == -ENOENT ? -ESRCH : r;
	r = proc_parse_stat(buf, &out->ppid, &out->start);
	if (r)
		return r;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	/* A kernel thread or a zombie has an empty cmdline: not an error. */
	if (read_small(path, out->cmdline, sizeof(out->cmdline), &n) == 0)
		out->cmdline_len = n;
	if (what & PROC_EXE)
		read_exe(pid, out);
	if (what & PROC_NS) {
		out->pidns = ns_inode(pid, "pid");
		out->mntns = ns_inode(pid, "mnt");
	}
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
