/* reparse_layout.c — the block a reparse writes (reparse_layout.h). */
#include "reparse_layout.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static size_t align16(size_t n)
{
	return (n + 15) & ~(size_t)15;
}

static size_t strings_size(const struct argv_item *items, size_t n)
{
	size_t s = 0;

	for (size_t i = 0; i < n; i++)
		if (items[i].str)
			s += strlen(items[i].str) + 1;
	return s;
}

size_t reparse_layout_size(const struct argv_item *items, size_t n)
{
	return align16(strings_size(items, n)) + align16((n + 1) * sizeof(uint64_t));
}

int reparse_layout_fill(const struct argv_item *items, size_t n, uint64_t base, unsigned char *buf,
			size_t buflen, uint64_t *argv_addr, uint64_t *first_str)
{
	size_t need = reparse_layout_size(items, n), off = 0;
	size_t array_off = align16(strings_size(items, n));
	int have_str = 0;

	if (buflen < need || (base & 15))
		return -EINVAL;
	memset(buf, 0, need);
	for (size_t i = 0; i < n; i++) {
		uint64_t p = items[i].ptr;

		if (items[i].str) {
			size_t len = strlen(items[i].str) + 1;

			memcpy(buf + off, items[i].str, len);
			p = base + off;
			if (!have_str) {
				*first_str = p;
				have_str = 1;
			}
			off += len;
		}
		/* The array is little- or big-endian as the process is: it
		 * runs on this machine, with this daemon's byte order. */
		memcpy(buf + array_off + i * sizeof(uint64_t), &p, sizeof(p));
	}
	if (!have_str)
		return -EINVAL;
	*argv_addr = base + array_off;
	return 0;
}

int reparse_layout_place_in(uint64_t lo, uint64_t hi, bool writable, uint64_t sp, size_t size,
			    size_t gap, uint64_t *base)
{
	uint64_t top;

	if (!writable || sp < lo || sp >= hi)
		return -ENOENT;
	if (sp - lo < gap + size + 16)
		return -ENOSPC;
	top = (sp - gap) & ~(uint64_t)15;
	*base = (top - size) & ~(uint64_t)15;
	return *base >= lo ? 0 : -ENOSPC;
}

int reparse_layout_place(const char *maps, uint64_t sp, size_t size, size_t gap, uint64_t *base)
{
	const char *line = maps;

	while (line && *line) {
		uint64_t lo, hi;
		char perms[8];

		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s", &lo, &hi, perms) == 3 && sp >= lo && sp < hi)
			return reparse_layout_place_in(lo, hi, perms[0] == 'r' && perms[1] == 'w', sp, size,
						       gap, base);
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return -ENOENT;
}
