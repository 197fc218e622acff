/* policy.h — the sandbox policy: what a profile says, parsed once into a
 * checked, immutable struct. Every layer takes `const struct policy *`.
 * Owns the data model only; loading lives in profile.c, applying in the
 * layer files. Paths in a policy are absolute and already expanded. */
#ifndef PKGGUARD_POLICY_H
#define PKGGUARD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "strlist.h"

enum network_mode {
	NETWORK_NONE = 0, /* own net namespace with only lo; TCP refused by Landlock */
	NETWORK_HOST,     /* the host's network (an admin's per-package decision) */
};


struct limits {
	unsigned timeout_s;      /* wall clock; 0 = none */
	uint64_t nproc;          /* RLIMIT_NPROC */
	uint64_t nofile;         /* RLIMIT_NOFILE */
	uint64_t fsize_mb;       /* RLIMIT_FSIZE, largest file the script may write */
	uint64_t data_mb;        /* RLIMIT_DATA, private writable memory */
	uint64_t as_mb;          /* RLIMIT_AS; 0 = unlimited (V8/wasm reserve a lot) */
	uint64_t cpu_s;          /* RLIMIT_CPU; 0 = unlimited */
	uint64_t tmp_mb;         /* size of the private /tmp tmpfs */
	uint64_t shm_mb;         /* size of the private /dev/shm tmpfs */
	uint64_t home_mb;        /* size of the empty tmpfs that replaces $HOME */
};

struct policy {
	char *name;              /* profile name, e.g. "npm" */
	char *source;            /* file it was loaded from (first of the chain) */
	enum network_mode network;
	char *hostname;

	/* Filesystem view. Entries that name a path which does not exist on the
	 * host are skipped when optional_* ; required ones are an error. */
	struct strlist read_only;          /* system binds, must exist */
	struct strlist read_only_optional; /* bound when present (/lib64, /opt…) */
	struct strlist read_write;         /* e.g. ${PKG_DIR} */
	struct strlist home_read_only;     /* paths under $HOME shown read-only */
	struct strlist hidden;             /* masked with an empty file/dir */
	/* Persistence points (.git/hooks, .vscode, .envrc…): inside a writable
	 * directory they stay read-only, and one that is absent is held by an
	 * empty placeholder for the script's lifetime so it cannot be created
	 * (protect.c). dirs are made as directories, files as files. */
	struct strlist protected_dirs;
	struct strlist protected_files;
	/* Hidden paths shown (as their directory is: writable) when the package
	 * directory is the project itself, its own script (.git/config, which
	 * husky's `git config core.hooksPath` writes). */
	struct strlist shown_to_project;

	/* Environment: a variable survives when it matches keep and not strip
	 * (strip is case-insensitive); then set_env is applied. */
	struct strlist env_keep;
	struct strlist env_strip;
	struct strlist set_env;            /* "NAME=value" */

	struct strlist seccomp_deny_extra; /* syscall names refused with EPERM */

	/* How pkgguardd recognises this package manager (profile `match`):
	 * commands are basenames of its entry (argv[0], or argv[1] after an
	 * interpreter: "npm-cli.js", "npm"); helpers are basenames of programs
	 * the package-manager process itself may run outside a sandbox ("git"). */
	struct strlist match_commands;
	struct strlist match_helpers;

	struct limits limits;

	/* Per-package override applied, or NULL (for reports). */
	char *package;
	char *override_source;             /* "file:line" of the applied override */
	char *override_refused;            /* why a matching override was not used, or NULL */

	/* The concrete directories this policy was expanded for. */
	char *pkg_dir;      /* may be NULL: no writable package directory */
	int pkg_dir_fd;     /* pkg_dir opened without following links (pkg_dir.h),
	                     * bound and ruled by this fd, not by the path; -1 when
	                     * none; owned by the caller (pkgguard-sandbox's main) */
	char *project_dir;  /* may be NULL */
	char *home;         /* caller's $HOME, may be NULL */
	char *tmpdir;       /* host TMPDIR, "/tmp" by default */
};

void policy_free(struct policy *p);

/* The project's own script (pkg_dir is project_dir): shown_to_project
 * entries leave hidden. Nothing otherwise. */
void policy_for_project_script(struct policy *p);

/* Prints the effective policy in libconfig syntax (re-loadable). */
void policy_print(const struct policy *p, FILE *out);

#endif
