/* adapter.c — the table of package-manager adapters (adapter.h). */
#include "adapter.h"
#include "array_size.h"

#include <string.h>

static const struct pm_adapter *const adapters[] = { &pm_npm, &pm_pnpm, &pm_yarn };

const struct pm_adapter *pm_adapter_find(const char *command)
{
	const char *base = strrchr(command, '/');
	base = base ? base + 1 : command;
	for (size_t i = 0; i < ARRAY_SIZE(adapters); i++)
		if (adapters[i]->matches(base))
			return adapters[i];
	return NULL;
}
