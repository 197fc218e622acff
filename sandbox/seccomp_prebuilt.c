/* seccomp_prebuilt.c — which BPF program the script loads: the one
 * libseccomp made at build time (tools/gen_seccomp.c) when the policy only
 * uses the base deny list, else a fresh compile with the profile's extra
 * syscalls. A unit test keeps the two identical. */
#include "layers.h"
#include "array_size.h"
#include "log.h"

#include <errno.h>
#include <linux/filter.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp_prebuilt.inc"

int seccomp_filter_build(const struct policy *p, enum confinement mode, struct seccomp_prog *out)
{
	const struct sock_filter *src = mode == CONFINE_FALLBACK ? prebuilt_fallback : prebuilt_namespaces;
	size_t len = mode == CONFINE_FALLBACK ? ARRAY_SIZE(prebuilt_fallback)
					      : ARRAY_SIZE(prebuilt_namespaces);

	if (p->seccomp_deny_extra.n > 0)
		return seccomp_filter_compile(p, mode, out);
	out->insns = malloc(len * sizeof(*src));
	if (!out->insns) {
		out->len = 0;
		return log_fail(ENOMEM, "seccomp: program");
	}
	memcpy(out->insns, src, len * sizeof(*src));
	out->len = len;
	return 0;
}

int seccomp_filter_apply(const struct policy *p, enum confinement mode)
{
	struct seccomp_prog prog;
	int rc = seccomp_filter_build(p, mode, &prog);

	if (rc == 0)
		rc = seccomp_filter_load(&prog);
	seccomp_prog_free(&prog);
	return rc;
}
