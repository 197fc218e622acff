/* caps.c — capabilities cleared with libcap-ng in every set (effective,
 * permitted, inheritable, bounding, ambient), then no_new_privs so no
 * setuid/file-capability binary can give any of them back. */
#include "layers.h"
#include "log.h"

#include <cap-ng.h>
#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The kernel's view of our effective, permitted and inheritable sets, with
 * one capget(2): reading them back through libcap-ng would parse
 * /proc/self/status, a tenth of a millisecond on every sandbox start. */
static int caps_read(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	memset(data, 0, 2 * sizeof(data[0]));
	return syscall(SYS_capget, &hdr, data) == 0 ? 0 : -errno;
}

int caps_drop_all(void)
{
	struct __user_cap_data_struct data[2];
	capng_select_t what = CAPNG_SELECT_ALL;
	int rc;

	if ((rc = caps_read(data)))
		return log_fail(-rc, "caps: capget");
	/* Clearing the bounding set needs CAP_SETPCAP, which an unprivileged
	 * caller in the no-user-namespace fallback does not have; its bounding
	 * set cannot matter there: no_new_privs forbids gaining anything by exec. */
	if (!(data[CAP_TO_INDEX(CAP_SETPCAP)].effective & CAP_TO_MASK(CAP_SETPCAP)))
		what = (capng_select_t)(CAPNG_SELECT_CAPS | CAPNG_SELECT_AMBIENT);
	capng_clear(CAPNG_SELECT_ALL);
	if (capng_apply(what) != 0)
		return log_fail(EPERM, "caps: capng_apply(%s)",
				what == CAPNG_SELECT_ALL ? "all sets" : "caps and ambient");
	/* Fail closed: check what the kernel now says, not what we asked. */
	if ((rc = caps_read(data)))
		return log_fail(-rc, "caps: capget");
	for (int i = 0; i < 2; i++)
		if (data[i].effective || data[i].permitted || data[i].inheritable)
			return log_fail_plain(EPERM, "caps: capabilities still present after capng_apply");
	return 0;
}

int no_new_privs_set(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return log_fail(errno, "no_new_privs: prctl(PR_SET_NO_NEW_PRIVS)");
	return 0;
}
