/* package_name.c — package identity from a path (package_name.h). */
#include "package_name.h"

#include <errno.h>
#include <string.h>

#define NM "node_modules"

/* One path component of a name: not empty, not hidden ('.', "..", ".pnpm",
 * ".bin" are the package manager's, never a package). */
static size_t component(const char *p)
{
	size_t n = strcspn(p, "/");
	return n && p[0] != '.' ? n : 0;
}

int package_name_from_path(const char *path, char *buf, size_t len)
{
	const char *after = NULL;

	/* The last whole "node_modules" component with a component after it:
	 * "x_node_modules/" is no such component, and a package's own empty
	 * "node_modules/" still lies in that package. */
	for (const char *s = strstr(path, NM "/"); s; s = strstr(s + 1, NM "/"))
		if ((s == path || s[-1] == '/') && s[strlen(NM "/")] && s[strlen(NM "/")] != '/')
			after = s + strlen(NM "/");
	if (!after)
		return -ENOENT;
	size_t n = component(after);
	if (!n)
		return -ENOENT;
	if (after[0] == '@') {
		size_t m = after[n] == '/' ? component(after + n + 1) : 0;
		if (n == 1 || !m)
			return -ENOENT; /* "@", or a scope directory alone */
		n += 1 + m;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)after[i] < 0x20 || after[i] == 0x7f)
			return -EINVAL;
	if (n + 1 > len)
		return -ENAMETOOLONG;
	memcpy(buf, after, n);
	buf[n] = '\0';
	return 0;
}
