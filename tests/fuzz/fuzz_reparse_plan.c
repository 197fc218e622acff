/* fuzz_reparse_plan.c — the reparse planner and layout: from a failed
 * execve's file, argv and environment (the script's own, read from its
 * memory) and its cwd, the argv of `pkgguard-sandbox … -- FILE ARGV[1…]`
 * (reparse_plan_build: INIT_CWD, the package name of the cwd, pip's extra
 * directories), laid out as the block written into the process
 * (reparse_layout_size/fill) and placed under its stack pointer within the
 * text of its /proc/PID/maps (reparse_layout_place). The "process" is this
 * one: its strings are in our memory, read back by address.
 * Input parts (fuzz_common.h): 0 the package manager ("npm", "pip", …),
 * 1 the cwd, 2 the file as the call named it, 3 argv and 4 envp
 * (NUL-separated), 5 the maps text, 6 "SP BASE LO HI" in hex. */
#include "fuzz_common.h"

#include <inttypes.h>
#include <sys/syscall.h>

#include "reparse_layout.h"
#include "reparse_plan.h"

/* A string vector of our own memory from NUL-separated entries. */
static void strv_of(const char *s, size_t len, struct tracee_strv *v)
{
	memset(v, 0, sizeof(*v));
	for (size_t i = 0; i < len; i += strlen(s + i) + 1)
		v->n++;
	v->v = calloc(v->n + 1, sizeof(char *));
	v->ptrs = calloc(v->n + 1, sizeof(uint64_t));
	if (!v->v || !v->ptrs)
		abort();
	v->n = 0;
	for (size_t i = 0; i < len; i += strlen(s + i) + 1) {
		if (!(v->v[v->n] = strdup(s + i)))
			abort();
		v->ptrs[v->n] = (uint64_t)(uintptr_t)v->v[v->n];
		v->n++;
	}
}

static void layout(const struct reparse_plan *p, uint64_t sp, uint64_t want_base, uint64_t lo, uint64_t hi,
		   const char *maps)
{
	size_t size = reparse_layout_size(p->items, p->n);
	unsigned char *buf = malloc(size);
	uint64_t base = want_base & ~(uint64_t)15, argv_addr, first, placed;

	if (!buf || size % 16)
		abort();
	if (reparse_layout_fill(p->items, p->n, base, buf, size, &argv_addr, &first) == 0) {
		/* Every pointer of the array: a new string of the block, in
		 * order, or the process's own pointer. */
		size_t off = 0;

		for (size_t i = 0; i < p->n; i++) {
			uint64_t ptr;

			memcpy(&ptr, buf + (argv_addr - base) + 8 * i, 8);
			if (p->items[i].str) {
				if (ptr != base + off || strcmp((char *)buf + off, p->items[i].str) != 0)
					abort();
				off += strlen(p->items[i].str) + 1;
			} else if (ptr != p->items[i].ptr) {
				abort();
			}
		}
		/* Offsets, not addresses: a base near 2^64 wraps both sides. */
		if (argv_addr - base + 8 * (p->n + 1) > size)
			abort();
	}
	if (reparse_layout_place(maps, sp, size, 256, &placed) == 0 &&
	    (placed % 16 || placed + size > sp - 256 || placed > sp))
		abort(); /* below the red zone, aligned */
	if (reparse_layout_place_in(lo, hi, true, sp, size, 256, &placed) == 0 &&
	    (placed % 16 || placed < lo || placed + size > sp - 256))
		abort();
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_parts in;
	struct tracee_strv argv, envp;
	struct reparse_plan plan;
	struct tracee_regs regs;
	size_t alen, elen;
	const char *a, *e;
	uint64_t sp = 0, base = 0, lo = 0, hi = 0;

	if (size > 64 * 1024)
		return 0;
	fuzz_split(data, size, &in);
	a = fuzz_part(&in, 3, &alen);
	e = fuzz_part(&in, 4, &elen);
	strv_of(a, alen, &argv);
	strv_of(e, elen, &envp);
	memset(&regs, 0, sizeof(regs));
	regs.nr = SYS_execve;
	regs.arg[0] = (uint64_t)(uintptr_t)fuzz_part(&in, 2, NULL);
	regs.arg[1] = argv.n ? (uint64_t)(uintptr_t)argv.ptrs : 0;
	regs.arg[2] = envp.n ? (uint64_t)(uintptr_t)envp.ptrs : 0;
	regs.native = true;
	sscanf(fuzz_part(&in, 6, NULL), "%" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNx64, &sp, &base, &lo, &hi);

	struct reparse_plan_input pin = {
		.pid = getpid(),
		.sandbox = "/usr/local/bin/pkgguard-sandbox",
		.pm = fuzz_part(&in, 0, NULL),
		.cwd = fuzz_part(&in, 1, NULL),
		.file = "/bin/sh",
		.regs = &regs,
		.argv = &argv,
		.envp = &envp,
	};
	memset(&plan, 0, sizeof(plan));
	if (reparse_plan_build(&plan, &pin) == 0) {
		bool has_str = false;

		for (size_t i = 0; i < plan.n; i++)
			has_str = has_str || plan.items[i].str;
		if (!plan.n || !has_str || strcmp(plan.items[0].str, pin.sandbox) != 0)
			abort(); /* the sandbox is what runs */
		layout(&plan, sp, base, lo, hi, fuzz_part(&in, 5, NULL));
	}
	reparse_plan_free(&plan);
	tracee_strv_free(&argv);
	tracee_strv_free(&envp);
	fuzz_parts_free(&in);
	return 0;
}
