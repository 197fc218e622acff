/* caps.c — capabilities cleared with libcap-ng in every set (effective,
 * permitted, inheritable, bounding, ambient), then no_new_privs so no
 * setuid/file-capability binary can give any of them back. */
#include "layers.h"
#include "log.h"

#include <cap-ng.h>
#include <errno.h>
#include <sys/prctl.h>

int caps_drop_all(void)
{
	capng_select_t what = CAPNG_SELECT_ALL;

	if (capng_get_caps_process() != 0)
		return log_fail(EIO, "caps: capng_get_caps_process");
	/* Clearing the bounding set needs CAP_SETPCAP, which an unprivileged
	 * caller in the no-user-namespace fallback does not have; its bounding
	 * set cannot matter there: no_new_privs forbids gaining anything by exec. */
	if (!capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP))
		what = (capng_select_t)(CAPNG_SELECT_CAPS | CAPNG_SELECT_AMBIENT);
	capng_clear(CAPNG_SELECT_ALL);
	if (capng_apply(what) != 0)
		return log_fail(EPERM, "caps: capng_apply(%s)",
				what == CAPNG_SELECT_ALL ? "all sets" : "caps and ambient");
	/* Fail closed: check what the kernel now says, not what we asked. */
	if (capng_get_caps_process() != 0 || capng_have_capabilities(CAPNG_SELECT_CAPS) != CAPNG_NONE)
		return log_fail_plain(EPERM, "caps: capabilities still present after capng_apply");
	return 0;
}

int no_new_privs_set(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return log_fail(errno, "no_new_privs: prctl(PR_SET_NO_NEW_PRIVS)");
	return 0;
}
