/* proc_info.c — a process's identity and ancestry from /proc. Only procfs
 * is read here: the daemon's answering path must never open a file on a
 * filesystem it marks. stat() of /proc/PID/exe follows the magic link to
 * the executable's inode without opening it. */
#include "proc_info.h"
#include "array_size.h"

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
		unsigned long long d = (unsigned long long)(*p - '0');

		if (v > (~0ULL - d) / 10) /* rsslim is often ULLONG_MAX itself */
			return -EINVAL;
		v = v * 10 + d;
	}
	if (*p && *p != ' ' && *p != '\n')
		return -EINVAL;
	*out = neg ? 0 : v;
	*pp = p;
	return 0;
}

#define PF_FORKNOEXEC_FLAG 0x00000040u /* include/linux/sched.h */

/* FNV-1a over bytes, continued from h. */
static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
	const unsigned char *b = data;

	for (size_t i = 0; i < len; i++) {
		h ^= b[i];
		h *= 1099511628211ull;
	}
	return h;
}

int proc_parse_stat_info(const char *buf, struct proc_info *out)
{
	const char *open_paren = strchr(buf, '('), *p = strrchr(buf, ')');
	unsigned long long v[53] = { 0 };
	int field;

	if (!p || !open_paren || open_paren > p)
		return -EINVAL;
	/* Fields after ") S": numbered as in proc(5), 4 (ppid) onward; parse
	 * up to arg_end (49), tolerating a kernel that shows fewer. */
	p = skip_field(p + 1); /* state */
	for (field = 4; field <= 49; field++) {
		if (parse_num(&p, &v[field]) != 0) {
			if (field <= 22)
				return -EINVAL;
			break;
		}
	}
	if (v[4] > INT_MAX)
		return -EINVAL;
	out->ppid = (pid_t)v[4];
	out->start = v[22];
	out->fresh_fork = (v[9] & PF_FORKNOEXEC_FLAG) != 0;
	out->exec_print = 0;
	/* startcode, endcode, startstack, start_data, arg_start, arg_end:
	 * shown only to a reader allowed to ptrace the process (else 0). */
	if (field > 49 && v[28] && v[48]) {
		uint64_t h = fnv(14695981039346656037ull, open_paren, (size_t)(strrchr(buf, ')') - open_paren));
		const int f[] = { 26, 27, 28, 45, 48, 49 };

		for (size_t i = 0; i < ARRAY_SIZE(f); i++)
			h = fnv(h, &v[f[i]], sizeof(v[f[i]]));
		out->exec_print = h ? h : 1;
	}
	return 0;
}

int proc_parse_stat(const char *buf, pid_t *ppid, uint64_t *start)
{
	struct proc_info p;
	int r = proc_parse_stat_info(buf, &p);

	if (r == 0) {
		*ppid = p.ppid;
		*start = p.start;
	}
	return r;
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
	return proc_parse_stat_info(buf, out);
}

void proc_read_cmdline(pid_t pid, struct proc_info *out)
{
	size_t n = 0;

	/* A kernel thread or a zombie has an empty cmdline: not an error. */
	out->cmdline_len = read_small(pid, "cmdline", out->cmdline, sizeof(out->cmdline), &n) == 0 ? n : 0;
}

int proc_read(pid_t pid, struct proc_info *out)
{
	int r = proc_read_stat(pid, out);

	if (r)
		return r;
	proc_read_cmdline(pid, out);
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
