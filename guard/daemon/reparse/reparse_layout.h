/* reparse_layout.h — the memory a reparse writes into the stopped process:
 * the new argv of `pkgguard-sandbox … -- <original command>` laid out as one
 * block (strings, then the NULL-terminated pointer array), for a given base
 * address in that process. Pure: tests/unit/test_reparse_layout.c. */
#ifndef PKGGUARD_REPARSE_LAYOUT_H
#define PKGGUARD_REPARSE_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One argv entry: a new string (str != NULL) copied into the block, or a
 * pointer the process already has (its own argv[1…], kept as they are). */
struct argv_item {
	const char *str;
	uint64_t ptr;
};

/* Bytes the block needs (multiple of 16). */
size_t reparse_layout_size(const struct argv_item *items, size_t n);

/* Fills buf (reparse_layout_size() bytes) for the block placed at base
 * (16-aligned): the strings first, in order, then the pointer array.
 * *argv_addr: the array; *first_str: the address of the first new string
 * (the file to execute). 0, or -EINVAL when buflen is too small, base is
 * misaligned or no item is a string. */
int reparse_layout_fill(const struct argv_item *items, size_t n, uint64_t base, unsigned char *buf,
			size_t buflen, uint64_t *argv_addr, uint64_t *first_str);

/* Where a block of size bytes can go below the stack pointer sp: inside
 * the writable mapping holding sp (from the text of /proc/PID/maps),
 * leaving `gap` bytes under sp untouched (the red zone and whatever a
 * signal frame would need). The base (16-aligned) in *base; 0, -ENOSPC
 * when the mapping is too small, -ENOENT when sp is in no writable mapping. */
int reparse_layout_place(const char *maps, uint64_t sp, size_t size, size_t gap, uint64_t *base);
/* The same for the mapping [lo, hi) known to hold sp (PROCMAP_QUERY). */
int reparse_layout_place_in(uint64_t lo, uint64_t hi, bool writable, uint64_t sp, size_t size,
			    size_t gap, uint64_t *base);

#endif
