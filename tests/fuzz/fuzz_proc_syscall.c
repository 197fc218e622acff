/* fuzz_proc_syscall.c — a /proc/PID/syscall line ("NR ARG0 … ARG5 SP PC"),
 * parsed for the argv and envp addresses of a pending execve(at). */
#include "fuzz_common.h"

#include "pending_exec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = fuzz_cstr(data, size);
	uint64_t argv = 0, envp = 0;

	(void)pending_exec_parse_syscall(line, &argv, &envp);
	free(line);
	return 0;
}
