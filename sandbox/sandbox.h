/* sandbox.h — run one command inside every isolation layer of a policy.
 * This is the engine's whole public entry point; sandbox.c holds the one
 * visible list of setup steps, in the order docs/ARCHITECTURE.md draws. */
#ifndef PKGGUARD_SANDBOX_H
#define PKGGUARD_SANDBOX_H

#include <stdbool.h>

#include "policy.h"

/* Exit statuses pkgguard-sandbox itself gives (anything else is the script's,
 * 128+N when the script was killed by signal N). */
enum {
	SANDBOX_EXIT_TIMEOUT = 124,  /* wall-clock limit of the profile reached */
	SANDBOX_EXIT_SETUP = 125,    /* usage, profile or a layer could not be set up */
	SANDBOX_EXIT_NOEXEC = 126,   /* the command exists but cannot be executed */
	SANDBOX_EXIT_NOTFOUND = 127, /* the command was not found */
};

struct sandbox_cmd {
	char *const *argv;         /* argv[0] is looked up in PATH of the new env */
	const char *file;          /* run this instead of argv[0] (--argv0), or NULL */
	char *const *envp;         /* the caller's environment, filtered by the policy */
	const char *cwd;           /* working directory inside, must be visible there */
	bool require_namespaces;   /* refuse the no-user-namespace fallback */
	const char *record_dir;    /* the tripwire's record directory, or NULL: off */
};

/* What happened, for a caller's record (sandbox/record.h). */
struct sandbox_outcome {
	bool fallback;      /* ran without namespaces (CONFINE_FALLBACK) */
	bool timed_out;
	bool setup_failed;  /* a layer could not be set up (status 125) */
	struct tripwire *tripwire; /* what the script tried (tripwire.h), the
				    * caller's to free; NULL without record_dir */
};

/* Runs cmd confined by p. Returns the exit status to give (0..255); setup
 * failures have already been reported on stderr and give SANDBOX_EXIT_SETUP.
 * out may be NULL. */
int sandbox_run(const struct policy *p, const struct sandbox_cmd *cmd, struct sandbox_outcome *out);

#endif
