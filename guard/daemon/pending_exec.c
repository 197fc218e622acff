/* pending_exec.c — the argv and lifecycle event of an exec still waiting
 * for pkgguardd's answer (pending_exec.h). */
#include "pending_exec.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "proc_info.h"
#include "tracee_mem.h"

/* Bounds of what is copied out of the process: a log line needs no more. */
#define ARGV_MAX_ENTRIES 256
#define ARGV_MAX_BYTES (64 * 1024)
#define ENVP_MAX_ENTRIES 4096
#define ENVP_MAX_BYTES (512 * 1024)

int pending_exec_parse_syscall(const char *line, uint64_t *argv, uint64_t *envp)
{
	uint64_t a[6];
	char *end;
	long nr = strtol(line, &end, 10);

	if (end == line)
		return -ENOEXEC; /* "running" */
	for (int i = 0; i < 6; i++) {
		const char *p = end;

		a[i] = strtoull(p, &end, 16);
		if (end == p)
			return -ENOEXEC;
	}
	if (nr == SYS_execve) {
		*argv = a[1];
		*envp = a[2];
	} else if (nr == SYS_execveat) {
		*argv = a[2];
		*envp = a[3];
	} else {
		return -ENOEXEC;
	}
	return 0;
}

int pending_exec_event_of(char *const *envp, size_t n, char *buf, size_t len)
{
	static const char key[] = "npm_lifecycle_event=";

	for (size_t i = 0; i < n; i++)
		if (envp[i] && strncmp(envp[i], key, sizeof(key) - 1) == 0) {
			snprintf(buf, len, "%s", envp[i] + sizeof(key) - 1);
			return 0;
		}
	return -ENOENT;
}

static void join(const struct tracee_strv *v, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < v->n && n + 1 < len; i++) {
		int w = snprintf(buf + n, len - n, "%s%s", i ? " " : "", v->v[i]);

		if (w < 0)
			break;
		n += (size_t)w;
	}
}

int pending_exec_read(pid_t pid, struct pending_exec *out)
{
	char line[256];
	size_t got;
	uint64_t argv_addr, envp_addr;
	struct tracee_strv argv = { 0 }, envp = { 0 };
	int fd = proc_open(pid, "syscall"), r;

	out->command[0] = out->event[0] = '\0';
	if (fd < 0)
		return fd;
	r = proc_pread(fd, line, sizeof(line), &got);
	close(fd);
	if (r == 0)
		r = pending_exec_parse_syscall(line, &argv_addr, &envp_addr);
	if (r)
		return r;
	r = tracee_read_strv(pid, argv_addr, ARGV_MAX_ENTRIES, ARGV_MAX_BYTES, &argv);
	if (r)
		return r;
	join(&argv, out->command, sizeof(out->command));
	tracee_strv_free(&argv);
	if (envp_addr && tracee_read_strv(pid, envp_addr, ENVP_MAX_ENTRIES, ENVP_MAX_BYTES, &envp) == 0) {
		(void)pending_exec_event_of(envp.v, envp.n, out->event, sizeof(out->event));
		tracee_strv_free(&envp);
	}
	return 0;
}
