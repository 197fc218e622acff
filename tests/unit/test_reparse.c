/* test_reparse.c — the pure parts of exec reparse: the block written into
 * the stopped process (new strings copied, its own argv pointers kept, the
 * array after the strings, everything 16-aligned, a short buffer refused),
 * where the block goes (inside the writable mapping holding the stack
 * pointer, below a gap; -ENOSPC when that mapping is too small, -ENOENT
 * when sp is in no writable mapping), reading a string vector out of a
 * process (here our own, through process_vm_readv), the rule that lets a
 * package manager's own fork run the package manager again, and the
 * tracer's state machine driven with made-up stops: a reparse that fails
 * on the mmap path still logs the command it denied. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify.h"
#include "array_size.h"
#include "reparse_layout.h"
#include "reparse_plan.h"
#include "reparse_tracer.h"
#include "tracee_mem.h"

static void layout_copies_strings_and_keeps_pointers(void **state)
{
	const struct argv_item items[] = {
		{ .str = "/usr/bin/pkgguard-sandbox" }, { .str = "--profile" }, { .str = "npm" },
		{ .str = "--" }, { .ptr = 0x7000 }, { .ptr = 0x7010 },
	};
	size_t n = ARRAY_SIZE(items);
	size_t size = reparse_layout_size(items, n);
	uint64_t base = 0x10000, argv = 0, file = 0, p[7];
	unsigned char *buf = malloc(size);

	(void)state;
	assert_int_equal(size % 16, 0);
	assert_int_equal(reparse_layout_fill(items, n, base, buf, size, &argv, &file), 0);
	assert_int_equal(file, base);
	assert_string_equal((char *)buf, "/usr/bin/pkgguard-sandbox");
	assert_int_equal(argv % 16, 0);
	assert_true(argv > base && argv + 7 * 8 <= base + size);
	memcpy(p, buf + (argv - base), sizeof(p));
	assert_int_equal(p[0], base);
	assert_string_equal((char *)buf + (p[1] - base), "--profile");
	assert_string_equal((char *)buf + (p[2] - base), "npm");
	assert_string_equal((char *)buf + (p[3] - base), "--");
	assert_int_equal(p[4], 0x7000);
	assert_int_equal(p[5], 0x7010);
	assert_int_equal(p[6], 0); /* NULL-terminated */
	/* short buffer, misaligned base, no string to execute */
	assert_int_equal(reparse_layout_fill(items, n, base, buf, size - 1, &argv, &file), -EINVAL);
	assert_int_equal(reparse_layout_fill(items, n, base + 8, buf, size, &argv, &file), -EINVAL);
	assert_int_equal(reparse_layout_fill(items + 4, 2, base, buf, size, &argv, &file), -EINVAL);
	free(buf);
}

static const char maps[] =
	"55d0c0000000-55d0c0021000 r--p 00000000 08:01 1234 /usr/bin/node\n"
	"7f0000000000-7f0000001000 r-xp 00000000 08:01 99 /usr/lib/libc.so.6\n"
	"7f0000100000-7f0000108000 rw-p 00000000 00:00 0 \n"
	"7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0 [stack]\n";

static void place_inside_the_stack_mapping(void **state)
{
	uint64_t base = 0, sp = 0x7ffd00020000;

	(void)state;
	assert_int_equal(reparse_layout_place(maps, sp, 4096, 1024, &base), 0);
	assert_int_equal(base % 16, 0);
	assert_true(base >= 0x7ffd00000000 && base + 4096 <= sp - 1024);
	/* a small private stack (posix_spawn's): room for a little only */
	sp = 0x7f0000100800;
	assert_int_equal(reparse_layout_place(maps, sp, 512, 1024, &base), 0);
	assert_true(base >= 0x7f0000100000);
	assert_int_equal(reparse_layout_place(maps, sp, 4096, 1024, &base), -ENOSPC);
	/* sp in a non-writable mapping, or in none */
	assert_int_equal(reparse_layout_place(maps, 0x7f0000000800, 64, 16, &base), -ENOENT);
	assert_int_equal(reparse_layout_place(maps, 0x1000, 64, 16, &base), -ENOENT);
	assert_int_equal(reparse_layout_place("", 0x1000, 64, 16, &base), -ENOENT);
}

/* PROCMAP_QUERY on our own stack agrees with the text of /proc/self/maps. */
static void vma_of_own_stack(void **state)
{
	int local = 0;
	uint64_t sp = (uint64_t)(uintptr_t)&local, lo = 0, hi = 0, base_q = 0, base_t = 0;
	bool w = false;
	char *text = NULL;
	int r = tracee_vma_of(getpid(), sp, &lo, &hi, &w);

	(void)state;
	if (r == -ENOTTY || r == -EINVAL) {
		skip(); /* a kernel before 6.11: the daemon reads the text */
		return;
	}
	assert_int_equal(r, 0);
	assert_true(lo <= sp && sp < hi && w);
	assert_int_equal(tracee_read_proc_text(getpid(), "maps", 8u << 20, &text), 0);
	assert_int_equal(reparse_layout_place(text, sp, 256, 1024, &base_t), 0);
	assert_int_equal(reparse_layout_place_in(lo, hi, w, sp, 256, 1024, &base_q), 0);
	assert_int_equal(base_q, base_t);
	free(text);
	/* nothing mapped at page 0 */
	assert_int_not_equal(tracee_vma_of(getpid(), 0, &lo, &hi, &w), 0);
}

static void read_strv_of_a_process(void **state)
{
	char *v[] = { "sh", "-c", "echo hi", NULL };
	uint64_t ptrs[4];
	struct tracee_strv s;

	(void)state;
	for (int i = 0; i < 4; i++)
		ptrs[i] = (uint64_t)(uintptr_t)v[i];
	assert_int_equal(tracee_read_strv(getpid(), (uint64_t)(uintptr_t)ptrs, 16, 4096, &s), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.v[2], "echo hi");
	assert_int_equal(s.ptrs[1], ptrs[1]);
	assert_null(s.v[3]);
	tracee_strv_free(&s);
	/* bounded: too many entries, too many bytes */
	assert_int_equal(tracee_read_strv(getpid(), (uint64_t)(uintptr_t)ptrs, 2, 4096, &s), -E2BIG);
	assert_int_equal(tracee_read_strv(getpid(), (uint64_t)(uintptr_t)ptrs, 16, 8, &s), -E2BIG);
}

/* classify()'s verdict on chain[0] (pid 11), the child of pip (pid 10):
 * whether it is the package manager's own fork. */
static bool root_fork(const struct proc_info *chain, const struct strlist *pip_cmds)
{
	const struct pm_matcher pm = { "pip", pip_cmds, NULL };
	const struct exec_file file = { .dev = 1, .ino = 2, .path = "/usr/bin/python3" };
	struct classifier *c = calloc(1, sizeof(*c));
	struct decision d;

	assert_non_null(c);
	classifier_init(c, &pm, 1);
	classify(c, chain, 2, &file, &d);
	free(c);
	return d.root_fork;
}

static void nested_package_manager_rule(void **state)
{
	char *cmds_v[] = { "pip", "pip3", NULL };
	const struct strlist cmds = { cmds_v, 2 };
	char *pip_v[] = { "/usr/bin/python3", "/usr/lib/python3/dist-packages/pip", "install", NULL };
	char *hook_v[] = { "/usr/bin/python3", "/x/_in_process.py", "build_wheel", "/tmp/c", NULL };
	struct tracee_strv pip = { .n = 3, .v = pip_v }, hook = { .n = 4, .v = hook_v };
	struct proc_info chain[2] = { { .pid = 11, .ppid = 10 }, { .pid = 10, .ppid = 1 } };

	(void)state;
	assert_true(reparse_plan_is_package_manager(&pip, &cmds));
	assert_false(reparse_plan_is_package_manager(&hook, &cmds));
	/* a fork of the root (same command line, not exec'd yet) */
	strcpy(chain[0].cmdline, "pip");
	strcpy(chain[1].cmdline, "pip");
	chain[0].cmdline_len = chain[1].cmdline_len = 4;
	assert_true(root_fork(chain, &cmds));
	/* a script under the root is not */
	strcpy(chain[0].cmdline, "sh");
	chain[0].cmdline_len = 3;
	assert_false(root_fork(chain, &cmds));
	/* nor is the package manager itself (the root at chain[0]) */
	strcpy(chain[0].cmdline, "pip");
	strcpy(chain[1].cmdline, "sh");
	chain[0].cmdline_len = 4;
	chain[1].cmdline_len = 3;
	assert_false(root_fork(chain, &cmds));
}

/* Runs one made-up stop of a job waiting on the injected mmap and returns
 * what was logged on stderr (malloc'd). The process is a child of ours,
 * not traced: the tracer's ptrace calls on it fail, as they may for real. */
static char *log_of_mmap_stop(enum job_state state)
{
	struct reparse *r = calloc(1, sizeof(*r));
	char *argv[] = { strdup("node"), strdup("evil.js"), NULL };
	pid_t child = fork();
	char *out = calloc(1, 4096);
	FILE *cap = tmpfile();
	int saved = dup(2);

	assert_non_null(r);
	assert_non_null(out);
	assert_non_null(cap);
	if (child == 0) {
		pause();
		_exit(0);
	}
	assert_true(child > 0);
	pthread_mutex_init(&r->mu, NULL);
	struct job *j = &r->jobs[0];
	j->state = state;
	j->pid = child;
	j->req.pm = strdup("npm");
	j->req.file = strdup("/usr/bin/node");
	j->req.cwd = strdup("/p/node_modules/evil");
	j->plan.log_argv.n = 2;
	j->plan.log_argv.v = malloc(sizeof(argv));
	memcpy(j->plan.log_argv.v, argv, sizeof(argv));

	fflush(stderr);
	dup2(fileno(cap), 2);
	reparse_tracer_on_wait(r, child, (SIGUSR1 << 8) | 0x7f); /* stopped by SIGUSR1 */
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(cap);
	size_t n = fread(out, 1, 4095, cap);
	out[n] = '\0';
	fclose(cap);

	assert_int_equal(j->state, JOB_FREE); /* let go, and freed once */
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	reparse_tracer_free_jobs(r);
	pthread_mutex_destroy(&r->mu);
	free(r);
	return out;
}

static void mmap_path_failure_logs_the_command(void **state)
{
	(void)state;
	for (enum job_state s = JOB_WAIT_MMAP_ENTRY; s <= JOB_WAIT_MMAP_EXIT; s++) {
		char *out = log_of_mmap_stop(s);
		if (!strstr(out, "pkgguardd: deny ") || !strstr(out, "package=evil ") ||
		    !strstr(out, "command=node evil.js\n"))
			fail_msg("state %d: the deny line lost its command: %s", (int)s, out);
		free(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layout_copies_strings_and_keeps_pointers),
		cmocka_unit_test(place_inside_the_stack_mapping),
		cmocka_unit_test(vma_of_own_stack),
		cmocka_unit_test(read_strv_of_a_process),
		cmocka_unit_test(nested_package_manager_rule),
		cmocka_unit_test(mmap_path_failure_logs_the_command),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
