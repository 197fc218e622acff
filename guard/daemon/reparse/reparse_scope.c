/* reparse_scope.c — see reparse_scope.h. */
#include "reparse_scope.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pip_hook.h"

int reparse_scope(pid_t pid, const char *pm, const struct tracee_strv *argv,
		  const struct tracee_strv *envp, const char *cwd, const char *exe, struct strlist *rw,
		  struct strlist *ro)
{
	char root[64];
	int fd, r;

	if (!pm || strcmp(pm, "pip") != 0 || !argv || !argv->v)
		return 0;
	/* Paths as the process sees them: its root, not ours (under systemd
	 * the daemon's /tmp is private). */
	snprintf(root, sizeof(root), "/proc/%d/root", (int)pid);
	fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = pip_hook_scope_at(fd, (const char *const *)argv->v,
			      envp && envp->v ? (const char *const *)envp->v : NULL, cwd, exe, rw, ro);
	close(fd);
	return r;
}
