/* self_scrub.h — keep the caller's environment and the sandbox's own memory
 * out of a script's reach (/proc/PID/environ, /proc/PID/mem). */
#ifndef PKGGUARD_SELF_SCRUB_H
#define PKGGUARD_SELF_SCRUB_H

/* Moves environ to a heap copy (getenv keeps working) and zeroes the
 * strings execve put on the stack, which /proc/self/environ shows.
 * 0 or -errno (logged). */
int self_env_detach(void);

/* Zeroes every string of environ and empties it (init: needs none). */
void self_env_clear(void);

/* PR_SET_DUMPABLE 0: /proc/self/{environ,mem,...} become root's, and no
 * process of the same user may ptrace-read us. who names the process in
 * the error. 0 or -errno (logged). */
int self_nondumpable(const char *who);

#endif
