/* self_scrub.c — what the sandbox's own processes (the parent, init) keep
 * that a script could read back: the caller's environment and their memory.
 * /proc/PID/environ reads the process's memory between env_start and
 * env_end (the strings execve placed on the stack), whatever environ and
 * getenv() say since; /proc/PID/environ and /proc/PID/mem are open to any
 * process of the same user while the target is dumpable. So the parent
 * zeroes that region once it has built the script's filtered environment
 * (keeping a heap copy for its own getenv), init zeroes the copy too, and
 * both make themselves non-dumpable where a script can see them. */
#include "self_scrub.h"
#include "env_vec.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

extern char **environ;

/* env_start and env_end, fields 50 and 51 of /proc/self/stat. */
static int env_region(unsigned long *start, unsigned long *end)
{
	char buf[2048];
	FILE *f = fopen("/proc/self/stat", "re");
	if (!f)
		return -errno;
	size_t len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	/* The command name (field 2) may hold spaces and ')': skip to its end. */
	const char *s = strrchr(buf, ')');
	if (!s)
		return -EINVAL;
	s++;
	for (int field = 3; field < 50; field++) {
		s = strchr(s + 1, ' ');
		if (!s)
			return -EINVAL;
	}
	if (sscanf(s, " %lu %lu", start, end) != 2 || *end < *start)
		return -EINVAL;
	return 0;
}

int self_env_detach(void)
{
	unsigned long start, end;
	int rc = env_region(&start, &end);
	if (rc)
		return log_fail(-rc, "environment: read env_start/env_end of /proc/self/stat");
	char **copy = env_copy(environ);
	if (!copy)
		return log_fail(ENOMEM, "environment: copy");
	/* The old array and its strings are left as they are (zeroed): other
	 * pointers into them may exist (main's envp). */
	environ = copy;
	if (end > start)
		memset((void *)start, 0, end - start);
	return 0;
}

void self_env_clear(void)
{
	for (char **e = environ; e && *e; e++)
		memset(*e, 0, strlen(*e));
	if (environ)
		environ[0] = NULL;
}

int self_nondumpable(const char *who)
{
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		return log_fail(errno, "%s: prctl(PR_SET_DUMPABLE, 0)", who);
	return 0;
}
