/* fuzz_pnpm_approvals.c — a project's pnpm-workspace.yaml and package.json
 * (the package author's or a hostile repository's), read for the builds
 * pnpm would approve; then pnpm's --allow-build arguments applied.
 * Input parts (fuzz_common.h): 0 pnpm-workspace.yaml, 1 package.json,
 * 2… the package manager's argv. Every name that comes out must be a safe
 * package name without glob characters (pnpm_approvals.h's promise). */
#include "fuzz_common.h"

#include "log.h"
#include "pkgtree.h"
#include "pnpm_approvals.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = fuzz_scratch();
	struct fuzz_parts in;
	char **names;
	char *argv[FUZZ_MAX_PARTS + 1] = { 0 };

	fuzz_clear(dir);
	fuzz_split(data, size, &in);
	fuzz_write(dir, "pnpm-workspace.yaml", in.part[0], in.len[0]);
	if (in.n > 1)
		fuzz_write(dir, "package.json", in.part[1], in.len[1]);
	for (size_t i = 2; i < in.n; i++)
		argv[i - 2] = in.part[i];
	if (pnpm_approvals_load(dir, &names) == 0) {
		pnpm_approvals_apply_args(names, argv);
		for (char **n = names; *n; n++)
			if (!pkgtree_name_ok(*n) || strpbrk(*n, "*?[]"))
				abort();
		pnpm_approvals_free(names);
	} else if (names) {
		abort(); /* an error leaves nothing to replay */
	}
	/* The pure half on part 0: the same rules without the file. */
	if (pnpm_approvals_parse("fuzz.yaml", in.part[0], in.len[0], &names) == 0) {
		for (char **n = names; *n; n++)
			if (!pkgtree_name_ok(*n) || strpbrk(*n, "*?[]"))
				abort();
		pnpm_approvals_free(names);
	} else if (names) {
		abort();
	}
	fuzz_parts_free(&in);
	return 0;
}
