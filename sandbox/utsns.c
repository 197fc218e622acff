/* utsns.c — the sandbox's own hostname, so a script learns nothing about the
 * host from uname(2) and cannot change the host's name. */
#include "layers.h"
#include "log.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

int utsns_set_hostname(const char *name)
{
	if (sethostname(name, strlen(name)) != 0)
		return log_fail(errno, "uts namespace: sethostname(%s)", name);
	return 0;
}
