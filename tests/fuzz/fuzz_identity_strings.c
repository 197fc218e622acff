/* fuzz_identity_strings.c — strings a package chooses that feed the
 * sandbox's decisions: a lockfile's or npm's "resolved" URL (the registry
 * name of an override's evidence) and a requirement a pip build hook
 * returns (refused when it names a URL or path). */
#include "fuzz_common.h"

#include "pip_output.h"
#include "pkg_identity.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	char name[256];

	if (pkg_identity_registry_name(text, name, sizeof(name)) == 0 && strnlen(name, sizeof(name)) == sizeof(name))
		abort(); /* a name must come back terminated */
	(void)pip_output_requirement_refused(text);
	free(text);
	return 0;
}
