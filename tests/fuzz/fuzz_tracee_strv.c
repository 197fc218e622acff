/* fuzz_tracee_strv.c — a string vector (argv, envp) and single strings read
 * out of a process's memory, as pkgguardd reads a pending exec's arguments
 * and the reparse reads the failed call's. The process is this one: the
 * input is laid out in fresh mappings of our own, each ending right at an
 * unmapped guard page (where a real vector or string may end too), and read
 * back through process_vm_readv by tracee_read_strv / tracee_read_string.
 * Input parts (fuzz_common.h): 0 the pointer array (8-byte words: each an
 * offset into part 1, reaching into the guard page too; a word with its top
 * 16 bits set is used as a raw, unmapped address; 0 ends the array);
 * 1 the strings. */
#include "fuzz_common.h"

#include <sys/mman.h>

#include "tracee_mem.h"

#define PAGE 4096u

struct area {
	unsigned char *map;
	size_t maplen;
	unsigned char *data; /* len bytes, ending where the guard page starts */
};

static void area_make(struct area *a, const void *src, size_t len)
{
	size_t pages = (len + PAGE - 1) / PAGE;

	if (pages == 0)
		pages = 1;
	a->maplen = (pages + 1) * PAGE;
	a->map = mmap(NULL, a->maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a->map == MAP_FAILED || mprotect(a->map + pages * PAGE, PAGE, PROT_NONE) != 0)
		abort();
	a->data = a->map + pages * PAGE - len;
	memcpy(a->data, src, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_parts in;
	struct area ptrs, strs;
	size_t plen, slen, nwords;
	const char *pbytes, *sbytes;
	pid_t self = getpid();

	if (size > 256 * 1024)
		return 0;
	fuzz_split(data, size, &in);
	pbytes = fuzz_part(&in, 0, &plen);
	sbytes = fuzz_part(&in, 1, &slen);
	area_make(&strs, sbytes, slen);
	/* Words of part 0 become addresses (the last partial word dropped). */
	nwords = plen / 8;
	{
		uint64_t *w = calloc(nwords ? nwords : 1, sizeof(uint64_t));

		if (!w)
			abort();
		for (size_t i = 0; i < nwords; i++) {
			uint64_t v;

			memcpy(&v, pbytes + 8 * i, 8);
			if (v == 0 || v >> 48 == 0xffff)
				w[i] = v;
			else
				w[i] = (uint64_t)(uintptr_t)strs.data + v % (slen + 64);
		}
		area_make(&ptrs, w, nwords * 8);
		free(w);
	}

	static const size_t limits[][2] = { { 4, 64 }, { 256, 64 * 1024 }, { 65536, 2u << 20 } };
	for (size_t l = 0; l < sizeof(limits) / sizeof(limits[0]); l++) {
		struct tracee_strv v;
		int r = tracee_read_strv(self, (uint64_t)(uintptr_t)ptrs.data, limits[l][0], limits[l][1], &v);

		if (r == 0) {
			size_t total = 0;

			if (v.n > limits[l][0] || v.v[v.n])
				abort();
			for (size_t i = 0; i < v.n; i++) {
				/* Each copy is exactly the string where its pointer points. */
				if (strcmp(v.v[i], (const char *)(uintptr_t)v.ptrs[i]) != 0)
					abort();
				total += strlen(v.v[i]) + 1;
			}
			if (total > limits[l][1])
				abort();
			tracee_strv_free(&v);
		} else if (v.v || v.ptrs || v.n) {
			abort(); /* an error leaves nothing behind */
		}
	}
	for (size_t i = 0; i < nwords && i < 8; i++) {
		uint64_t a;
		char buf[300];
		size_t lens[] = { 1, 2, 17, sizeof(buf) };

		memcpy(&a, ptrs.data + 8 * i, 8);
		for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
			int r = tracee_read_string(self, a, buf, lens[k]);

			if ((r == 0 || r == -E2BIG) && strnlen(buf, lens[k]) >= lens[k])
				abort(); /* always NUL-terminated */
			if (r == 0 && strcmp(buf, (const char *)(uintptr_t)a) != 0)
				abort();
		}
	}
	munmap(ptrs.map, ptrs.maplen);
	munmap(strs.map, strs.maplen);
	fuzz_parts_free(&in);
	return 0;
}
