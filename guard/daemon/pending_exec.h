/* pending_exec.h — what an exec that waits for pkgguardd's answer is about
 * to run, for the log line of a deny or a would-be deny: its argv and the
 * lifecycle event (npm_lifecycle_event, which npm, pnpm and yarn put in a
 * script's environment) of its envp. The process is read where it stands:
 * /proc/PID/syscall gives the execve's arguments, and its memory still holds
 * them — a permission event comes before the exec's point of no return. No
 * ptrace, no lock the exec holds (both reads take exec_update_lock, which an
 * exec takes only past that point). */
#ifndef PKGGUARD_PENDING_EXEC_H
#define PKGGUARD_PENDING_EXEC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct pending_exec {
	char command[1024];   /* argv joined with spaces (truncated), "" if unknown */
	char event[64];       /* npm_lifecycle_event's value, "" if none */
};

/* The argv and envp addresses of the execve or execveat (the native ABI's)
 * pid is blocked in, from a /proc/PID/syscall line. Pure. 0, or -ENOEXEC
 * when the line shows another syscall or none. */
int pending_exec_parse_syscall(const char *line, uint64_t *argv, uint64_t *envp);

/* The lifecycle event among envp strings, into buf; 0 or -ENOENT. Pure. */
int pending_exec_event_of(char *const *envp, size_t n, char *buf, size_t len);

/* Fills out for pid; what cannot be read is left "". 0 when the argv was
 * read, else -errno (the caller logs the process's own command line). */
int pending_exec_read(pid_t pid, struct pending_exec *out);

#endif
