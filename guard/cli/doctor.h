/* doctor.h — `pkgguard doctor`: what holds on this machine. Each check is a
 * small function (doctor_kernel.c, doctor_setup.c) filling one line; doctor.c runs them in
 * order and prints text or JSON. */
#ifndef PKGGUARD_DOCTOR_H
#define PKGGUARD_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>

enum doctor_status {
	DOCTOR_OK,    /* the guarantee holds */
	DOCTOR_WARN,  /* works, but slower, untested or not set up (no guarantee lost) */
	DOCTOR_FAIL,  /* a guarantee does not hold here: exit 1 */
	DOCTOR_SKIP,  /* cannot be checked by this user (root only) */
};

#define DOCTOR_TEXT 400

struct doctor_line {
	const char *check;            /* short name, e.g. "user namespaces" */
	enum doctor_status status;
	char detail[DOCTOR_TEXT];     /* what was found */
	char fix[DOCTOR_TEXT];        /* what to do; empty when nothing */
};

struct doctor_ctx {
	const char *socket;           /* pkgguardd's control socket */
	/* Test-only: a directory standing in for / when reading the kernel's
	 * switches (proc/sys/..., sys/kernel/security/apparmor/...), from
	 * PKGGUARD_DOCTOR_TEST_ROOT; NULL reads the real ones. Only ever read
	 * by doctor, which decides nothing but its own output. */
	const char *test_root;
	char *sandbox;                /* pkgguard-sandbox next to this pkgguard, or NULL */
	bool userns_ok;               /* set by the user-namespace check */
};

typedef void doctor_check_fn(struct doctor_ctx *ctx, struct doctor_line *line);

/* The checks, in the order they are printed, NULL-terminated: the kernel's
 * (doctor_kernel.c), then the installation's (doctor_setup.c). */
extern doctor_check_fn *const doctor_kernel_checks[];
extern doctor_check_fn *const doctor_setup_checks[];

/* printf into line->detail / line->fix. */
void doctor_set(struct doctor_line *line, enum doctor_status st, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
