/* proc_info.h — what pkgguardd knows of a process, read from /proc only
 * (procfs is never marked, so reading it cannot wait on our own events).
 * A process is identified by pid plus start time: pids are reused. */
#ifndef PKGGUARD_PROC_INFO_H
#define PKGGUARD_PROC_INFO_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define PROC_CMDLINE_MAX 512
#define PROC_PATH_MAX 512

struct proc_info {
	pid_t pid;
	pid_t ppid;
	uint64_t start;              /* starttime, clock ticks since boot */
	/* From the same stat line: not exec'd since its fork (PF_FORKNOEXEC),
	 * and a fingerprint of its current program image (comm and the
	 * randomised addresses of code, data, stack and argv: an exec makes a
	 * new one), 0 when those fields are hidden from us. */
	bool fresh_fork;
	uint64_t exec_print;
	/* argv joined: NUL-separated, argc entries, truncated at PROC_CMDLINE_MAX. */
	char cmdline[PROC_CMDLINE_MAX];
	size_t cmdline_len;
	bool exe_known;              /* exe_dev/exe_ino valid */
	dev_t exe_dev;
	ino_t exe_ino;
	char exe[PROC_PATH_MAX];     /* readlink of /proc/PID/exe, "" if unknown */
	/* Set by the daemon (helper_trust.h), only for the process whose
	 * executable a helper rule looks at: it may be a helper. */
	bool exe_trusted;
};

/* Reads pid's entry. Returns 0, or -ESRCH when the process is gone, or
 * another -errno. Quiet: a process exiting mid-read is normal. */
int proc_read(pid_t pid, struct proc_info *out);

/* The cheap halves of proc_read, for the answering path: stat alone (pid,
 * ppid, start; everything else cleared but cmdline), then the command line.
 * A process with no command line (kernel thread, zombie) gets length 0. */
int proc_read_stat(pid_t pid, struct proc_info *out);
void proc_read_cmdline(pid_t pid, struct proc_info *out);

/* Kept-fd helpers (proc_cache.c): a /proc dirfd opened once; /proc/PID/FILE
 * opened relative to it (-ESRCH when the process is gone); one pread at
 * offset 0 of a kept fd, NUL-terminated (-ESRCH once its process died, even
 * if the pid was reused since: the fd stays bound to the old process). */
int proc_dirfd(void);
int proc_open(pid_t pid, const char *file);
int proc_pread(int fd, char *buf, size_t len, size_t *got);

/* Parses the content of /proc/PID/stat (pure, for tests): ppid and start
 * time; _info fills ppid, start, fresh_fork and exec_print of out. */
int proc_parse_stat(const char *buf, pid_t *ppid, uint64_t *start);
int proc_parse_stat_info(const char *buf, struct proc_info *out);

/* Fills out's exe fields for pid, and keeps them only if pid still has
 * start time start (else they are cleared and -ESRCH returned). */
int proc_read_exe(pid_t pid, uint64_t start, struct proc_info *out);

/* Number of threads of pid (the "Threads:" line of /proc/PID/status), or
 * -errno. */
int proc_threads(pid_t pid);

/* readlink of /proc/PID/cwd into buf (NUL-terminated). 0 or -errno. */
int proc_cwd(pid_t pid, char *buf, size_t len);

#endif
