/* report.h — what the sandbox's processes tell the parent, one fixed-size
 * record per write on a CLOEXEC pipe (atomic: smaller than PIPE_BUF). A
 * setup failure (125) is never confused with the script's own exit status,
 * and the parent learns the script's status as soon as init has killed
 * what was left, without waiting for the namespaces to be torn down. (The
 * per-script record for `pkgguard run` is another thing: record.h.) */
#ifndef PKGGUARD_SANDBOX_REPORT_H
#define PKGGUARD_SANDBOX_REPORT_H

#include <unistd.h>

enum report_kind {
	REPORT_SETUP = 1,          /* a layer failed; its message is printed */
	REPORT_EXEC,               /* execve failed; value = errno */
	REPORT_USERNS_RESTRICTED,  /* namespace made, but no privilege in it */
	REPORT_EXIT,               /* the script ended; value = exit status, and
				    * every other process was sent SIGKILL */
};

struct report {
	int kind;
	int value;
};

static inline void report_send(int fd, int kind, int value)
{
	struct report rep = { kind, value };
	/* Nobody to tell if this fails: the parent then sees init's status. */
	if (write(fd, &rep, sizeof(rep)) < 0)
		return;
}

#endif
