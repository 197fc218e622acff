/* fuzz_profile.c — the profile loader (libconfig, then pkgguard's own
 * checks: keys, types, paths, globs, limits, inheritance, per-package
 * overrides). Profiles are the admin's input, but a crash is still a bug,
 * and a malformed one must give an error with file and line.
 * Input parts (fuzz_common.h): 0 p.conf (loaded), 1 base.conf (what
 * `inherit = "base"` finds), 2 the package name selecting an override,
 * 3 a string for ${VAR} expansion (profile_expand). */
#include "fuzz_common.h"

#include "policy.h"
#include "profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = fuzz_scratch();
	struct fuzz_parts in;
	struct strlist search = { 0 };
	struct policy *p = NULL;
	char file[4096 + 16], err[512], pkg_dir[4096 + 8];
	char *expanded = NULL;
	int r;

	fuzz_clear(dir);
	fuzz_split(data, size, &in);
	fuzz_write(dir, "p.conf", in.part[0], in.len[0]);
	if (in.n > 1)
		fuzz_write(dir, "base.conf", in.part[1], in.len[1]);
	snprintf(file, sizeof(file), "%s/p.conf", dir);
	snprintf(pkg_dir, sizeof(pkg_dir), "%s/pkg", dir);
	if (strlist_push(&search, dir))
		abort();
	struct profile_vars vars = {
		.pkg_dir = pkg_dir,
		.project_dir = dir,
		.home = "/home/user",
		.tmpdir = "/tmp",
		.package = in.n > 2 ? in.part[2] : NULL,
	};
	err[0] = '\0';
	r = profile_load(file, &search, &vars, &p, err, sizeof(err));
	if (r == 0) {
		if (!p)
			abort();
		policy_free(p);
	} else if (p || !err[0] || strnlen(err, sizeof(err)) >= sizeof(err)) {
		abort(); /* no partial policy; always a message */
	}
	if (in.n > 3 && profile_expand(in.part[3], &vars, &expanded) == 0)
		free(expanded);
	strlist_free(&search);
	fuzz_parts_free(&in);
	return 0;
}
