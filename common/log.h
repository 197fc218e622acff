/* log.h — the one error rule of the engine: functions return 0 or -errno,
 * and say what failed (layer, call, path) once, where it failed. */
#ifndef PKGGUARD_LOG_H
#define PKGGUARD_LOG_H

/* Name printed before every message ("pkgguard-sandbox"). */
void log_set_program(const char *name);
void log_set_verbose(int on);

/* Prints "prog: <msg>: strerror(err)" and returns -err, so a failing step is
 * `return log_fail(errno, "mount: bind %s", path);`. err must be positive. */
int log_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "prog: <msg>" and returns -err (for failures without an errno text). */
int log_fail_plain(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));   /* always */
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));  /* --verbose */

#endif
