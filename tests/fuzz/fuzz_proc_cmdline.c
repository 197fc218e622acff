/* fuzz_proc_cmdline.c — a process's command line and environment, which
 * the process writes itself (argv and envp, a retitled argv[0]): the
 * package-manager match of /proc/PID/cmdline (classify_cmdline_matches,
 * and the same over an argv read from memory), and the lifecycle event
 * found among environment strings. Input: NUL-separated strings, as
 * /proc/PID/cmdline and /proc/PID/environ show them; the daemon reads at
 * most PROC_CMDLINE_MAX bytes of cmdline, but the parser must hold for
 * any length. */
#include "fuzz_common.h"

#include "classify.h"
#include "pending_exec.h"
#include "proc_info.h"
#include "reparse_plan.h"

static struct strlist commands;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const pm[] = { "npm", "npx", "pnpm", "yarn", "pip", "pip3", "npm-cli.js" };

	(void)argc;
	(void)argv;
	for (size_t i = 0; i < sizeof(pm) / sizeof(pm[0]); i++)
		if (strlist_push(&commands, pm[i]))
			abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy: a read past the end is ASan's to see. */
	char *cmd = malloc(size ? size : 1), *buf = fuzz_cstr(data, size);
	struct tracee_strv v = { 0 };
	char event[64];
	size_t n = 0;

	if (!cmd)
		abort();
	memcpy(cmd, data, size);
	(void)classify_cmdline_matches(cmd, size, &commands);
	(void)classify_cmdline_matches(cmd, size < PROC_CMDLINE_MAX ? size : PROC_CMDLINE_MAX, &commands);

	/* The same bytes as a string vector (argv or envp). */
	for (size_t i = 0; i <= size; i += strlen(buf + i) + 1)
		n++;
	v.v = calloc(n + 1, sizeof(char *));
	v.ptrs = calloc(n + 1, sizeof(uint64_t));
	if (!v.v || !v.ptrs)
		abort();
	for (size_t i = 0; i <= size; i += strlen(buf + i) + 1)
		if (!(v.v[v.n++] = strdup(buf + i)))
			abort();
	(void)reparse_plan_is_package_manager(&v, &commands);
	if (pending_exec_event_of(v.v, v.n, event, sizeof(event)) == 0 && strlen(event) >= sizeof(event))
		abort();
	tracee_strv_free(&v);
	free(buf);
	free(cmd);
	return 0;
}
