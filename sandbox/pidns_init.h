/* pidns_init.h — pid 1 of the sandbox's pid namespace. */
#ifndef PKGGUARD_PIDNS_INIT_H
#define PKGGUARD_PIDNS_INIT_H

#include <stdint.h>
#include <sys/types.h>

#include "policy.h"

/* Reaps every process, forwards SIGINT/SIGTERM/SIGHUP/SIGQUIT to the script,
 * and when the script's main process exits kills all that is left (nohup,
 * setsid and double-forked children included), then sends REPORT_EXIT on
 * report_fd. Expects those signals and SIGCHLD to be blocked. Returns the
 * script's status as an exit code (128+N for signal N). */
int pidns_init_run(pid_t script, const struct limits *limits, int report_fd);

/* Bounds the number of processes in the namespace to about nproc (at
 * least 300, the kernel's floor) through its own pid_max; needed because
 * RLIMIT_NPROC exempts a real uid 0. Without per-namespace pid_max (Linux
 * < 6.14) root callers get a warning; others keep RLIMIT_NPROC. */
int pidns_limit_pids(uint64_t nproc);

/* Exit code for a wait status, with a note on stderr when a signal that a
 * limit sends (SIGXFSZ, SIGXCPU, SIGKILL) ended the script. */
int init_exit_code(int status, const struct limits *limits);

#endif
