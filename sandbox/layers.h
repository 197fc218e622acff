/* layers.h — one or two functions per isolation layer, each in its own file.
 * All return 0 or -errno and report their own failure (log.h). sandbox.c
 * calls them in order; nothing else does. */
#ifndef PKGGUARD_LAYERS_H
#define PKGGUARD_LAYERS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "policy.h"

/* How the script is confined: all namespaces, or the documented fallback
 * (Landlock + seccomp without inet/unix sockets + no_new_privs) where user
 * namespaces are refused. */
enum confinement {
	CONFINE_NAMESPACES,
	CONFINE_FALLBACK,
};

/* userns.c — parent side: uid/gid map of the caller, setgroups denied; a
 * root caller (drop_root) gets root_drop.c's two-line maps instead. */
int userns_write_maps_parent(pid_t child, uid_t uid, gid_t gid, bool drop_root);

/* mountns.c — child side. mountns_make_private() comes first and returns
 * -EPERM silently when the user namespace gives no privilege (AppArmor's
 * restriction); mountns_build() then makes the tmpfs root, binds,
 * pivot_root, old root detached. protect (protect.h) holds persistence
 * points read-only inside writable directories; may be NULL. */
int mountns_make_private(void);
struct protect_set;
/* Host trees cloned (and idmapped) by the parent: bound instead of a fresh
 * clone of the same path (root_drop.c). */
struct premade_trees {
	char **path;
	int *fd;
	size_t n;
	const char *failed; /* the path that could not be cloned */
};
/* pre may be NULL; home_owner >= 0: uid and gid (inside) of $HOME's tmpfs. */
int mountns_build(const struct policy *p, const struct protect_set *protect,
		  const struct premade_trees *pre, long home_owner);

/* netns.c — a new network namespace for the calling process, with only lo
 * (up). Needs CAP_SYS_ADMIN in the user namespace, so it comes before caps. */
int netns_enter_empty(void);

/* utsns.c — hostname inside the new uts namespace. */
int utsns_set_hostname(const char *name);

/* rlimits.c */
int rlimits_apply(const struct limits *l);

/* caps.c — clear every capability set (effective, permitted, inheritable,
 * bounding, ambient) with libcap-ng, then PR_SET_NO_NEW_PRIVS. */
int caps_drop_all(void);
int no_new_privs_set(void);

/* landlock_rules.c — filesystem (and TCP when network is none) rules that
 * match the mount policy. In CONFINE_FALLBACK it is the filesystem boundary,
 * so a kernel without Landlock is an error there; with namespaces it is
 * defence in depth and its absence is a warning. fallback_tmp is the private
 * temporary directory used instead of /tmp in CONFINE_FALLBACK (else NULL). */
int landlock_apply(const struct policy *p, enum confinement mode, const char *fallback_tmp);

/* seccomp_filter.c — libseccomp deny list, compiled to BPF by the parent
 * and loaded by the script last, right before execve. seccomp_filter_build()
 * (seccomp_prebuilt.c) takes the program libseccomp made at build time when
 * the policy adds no syscall of its own, else compiles it now.
 * seccomp_filter_apply() builds and loads at once. */
struct sock_filter;
struct seccomp_prog {
	struct sock_filter *insns;
	size_t len;
};
int seccomp_filter_build(const struct policy *p, enum confinement mode, struct seccomp_prog *out);
int seccomp_filter_compile(const struct policy *p, enum confinement mode, struct seccomp_prog *out);
int seccomp_filter_load(const struct seccomp_prog *prog);
/* With the tripwire (tripwire.h): the filter without the unconditional
 * refusals it counts, which its notification filter refuses instead; the
 * i-th of those (name, errno), -ENOENT past the last. */
int seccomp_filter_compile_uncounted(const struct policy *p, enum confinement mode, struct seccomp_prog *out);
int seccomp_counted_refusal(size_t i, const char **name, int *err);
void seccomp_prog_free(struct seccomp_prog *prog);
int seccomp_filter_apply(const struct policy *p, enum confinement mode);
/* The BPF of a libseccomp filter context (a scmp_filter_ctx). */
int seccomp_ctx_export(void *ctx, struct seccomp_prog *out);

/* seccomp_signals.c — CONFINE_FALLBACK only (no pid namespace): a second
 * filter, built at run time because it names pids, that refuses to signal,
 * pidfd_open or prlimit the supervisor (the calling process), its ancestors,
 * their process groups and sessions, and every process at once (-1);
 * pidfd_send_signal, F_SETOWN_EX, FIOSETOWN and SIOCSPGRP (targets seccomp
 * cannot read) are refused outright. Landlock's signal scope (ABI 6) refuses
 * the rest where the kernel has it. */
int seccomp_signals_build(struct seccomp_prog *out);

#endif
