/* doctor_probe.h — what the doctor's checks read: kernel switches (through
 * the test-only root, doctor.h), AppArmor's loaded profiles, and a run of
 * pkgguard-sandbox. */
#ifndef PKGGUARD_DOCTOR_PROBE_H
#define PKGGUARD_DOCTOR_PROBE_H

#include "doctor.h"

/* The number in PATH (e.g. "/proc/sys/user/max_user_namespaces"), or -1
 * when it cannot be read (the switch does not exist on this kernel). */
long doctor_read_long(const struct doctor_ctx *ctx, const char *path);

/* 1 when AppArmor has a profile NAME loaded (its mode, e.g. "unconfined",
 * in MODE), 0 when AppArmor is active without it, -1 when AppArmor is not
 * active (or its list cannot be read). */
int doctor_apparmor_loaded(const struct doctor_ctx *ctx, const char *name, char *mode, size_t len);

/* Runs SANDBOX [--require-namespaces] -- /bin/true in a fresh temporary
 * package directory; its exit status (-errno when it could not run), its
 * first line on stderr in FIRST. */
int doctor_sandbox_true(const char *sandbox, bool require_ns, char *first, size_t len);

#endif
