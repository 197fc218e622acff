/* rlimits.c — resource limits of the script (fork bombs, runaway memory,
 * files that fill the disk). Soft and hard limits are both set so the
 * script cannot raise them back. */
#include "layers.h"
#include "log.h"

#include <errno.h>
#include <sys/resource.h>

static int set_limit(int resource, const char *name, rlim_t value)
{
	struct rlimit rl = { .rlim_cur = value, .rlim_max = value };
	struct rlimit cur;

	/* Never raise a hard limit the caller already has lower. */
	if (getrlimit(resource, &cur) == 0 && cur.rlim_max != RLIM_INFINITY &&
	    (value == RLIM_INFINITY || cur.rlim_max < value))
		rl.rlim_cur = rl.rlim_max = cur.rlim_max;
	if (setrlimit(resource, &rl) != 0)
		return log_fail(errno, "rlimits: setrlimit(%s, %llu)", name, (unsigned long long)value);
	return 0;
}

static rlim_t mb(uint64_t v) { return v ? (rlim_t)v * 1024 * 1024 : RLIM_INFINITY; }
static rlim_t count(uint64_t v) { return v ? (rlim_t)v : RLIM_INFINITY; }

int rlimits_apply(const struct limits *l)
{
	int r;
	if ((r = set_limit(RLIMIT_NPROC, "RLIMIT_NPROC", count(l->nproc))) ||
	    (r = set_limit(RLIMIT_NOFILE, "RLIMIT_NOFILE", count(l->nofile))) ||
	    (r = set_limit(RLIMIT_FSIZE, "RLIMIT_FSIZE", mb(l->fsize_mb))) ||
	    (r = set_limit(RLIMIT_DATA, "RLIMIT_DATA", mb(l->data_mb))) ||
	    (r = set_limit(RLIMIT_AS, "RLIMIT_AS", mb(l->as_mb))) ||
	    (r = set_limit(RLIMIT_CPU, "RLIMIT_CPU", count(l->cpu_s))) ||
	    (r = set_limit(RLIMIT_CORE, "RLIMIT_CORE", 0)))
		return r;
	return 0;
}
