/* fuzz_pkgtree.c — the installed tree a package controls: its package.json
 * (scripts, dependencies, name, gypfile), the lockfiles, and pnpm's store,
 * read by pkgtree_load, then ordered (cycles) and read as the project.
 * Input parts (fuzz_common.h), each a file of a scratch project:
 *   0 package.json                 4 node_modules/a/node_modules/c/package.json
 *   1 package-lock.json            5 node_modules/.pnpm/d@1.0.0/node_modules/d/package.json
 *   2 node_modules/a/package.json  6 node_modules/.package-lock.json
 *   3 node_modules/@s/b/package.json
 * (node_modules/a/node_modules/c has a binding.gyp: npm's implicit build).
 * Then each part alone through pkgtree_parse_manifest, the pure half. */
#include "fuzz_common.h"

#include "log.h"
#include "pkgtree.h"

static const char *const files[] = {
	"package.json",
	"package-lock.json",
	"node_modules/a/package.json",
	"node_modules/@s/b/package.json",
	"node_modules/a/node_modules/c/package.json",
	"node_modules/.pnpm/d@1.0.0/node_modules/d/package.json",
	"node_modules/.package-lock.json",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = fuzz_scratch();
	struct fuzz_parts in;
	struct pkgtree t;
	struct pkg self;

	fuzz_clear(dir);
	fuzz_split(data, size, &in);
	for (size_t i = 0; i < in.n && i < sizeof(files) / sizeof(files[0]); i++)
		fuzz_write(dir, files[i], in.part[i], in.len[i]);
	fuzz_write(dir, "node_modules/a/node_modules/c/binding.gyp", "{}", 2);
	if (pkgtree_load(dir, &t) == 0) {
		size_t *order, n;

		if (pkgtree_order(&t, &order, &n) == 0) {
			if (n != t.n)
				abort(); /* every package exactly once */
			free(order);
		}
		for (size_t i = 0; i < t.n; i++)
			if (!pkgtree_name_ok(t.pkgs[i].name))
				abort(); /* names come from the tree's paths only */
		pkgtree_free(&t);
	}
	if (pkgtree_read_project(dir, &self) == 0)
		pkgtree_pkg_free(&self);
	/* The pure half on every part: each a package.json as it stands. */
	for (size_t i = 0; i < in.n; i++) {
		struct pkg p = { .name = (char *)"a", .dir = (char *)"/fuzz/a", .has_binding_gyp = i % 2 };

		(void)pkgtree_name_ok(in.part[i]);
		if (pkgtree_parse_manifest(&p, in.part[i], in.len[i]) == 0) {
			for (size_t d = 0; d < p.ndeps; d++)
				if (!pkgtree_name_ok(p.deps[d]) || (d && strcmp(p.deps[d - 1], p.deps[d]) >= 0))
					abort(); /* safe names, sorted, each once */
		}
		p.name = p.dir = NULL;
		pkgtree_pkg_free(&p);
	}
	fuzz_parts_free(&in);
	return 0;
}
