/* fuzz_proc_stat.c — /proc/PID/stat as pkgguardd parses it for every
 * ancestor of every exec. The comm field is the process's own choice (up to
 * 15 bytes of anything, ')' and spaces included: prctl(PR_SET_NAME)); the
 * rest is the kernel's, but the parser must not trust that either. */
#include "fuzz_common.h"

#include "proc_info.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_cstr(data, size);
	struct proc_info info;
	pid_t ppid;
	uint64_t start;

	memset(&info, 0, sizeof(info));
	if (proc_parse_stat_info(buf, &info) == 0 && info.ppid < 0)
		abort(); /* a pid is never negative */
	if (proc_parse_stat(buf, &ppid, &start) == 0 && (ppid != info.ppid || start != info.start))
		abort(); /* the two entry points agree */
	free(buf);
	return 0;
}
