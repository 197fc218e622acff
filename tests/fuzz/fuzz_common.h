/* fuzz_common.h — what the libFuzzer targets share: cutting one input into
 * parts (files, argv entries, environment strings), writing parts as files
 * of a scratch directory, and a copy of the input that ends in a NUL.
 *
 * Parts are separated by the line "\n--\n" (a dictionary entry of every
 * target, so the fuzzer finds it). Everything is static inline: each target
 * is one translation unit. */
#ifndef PKGGUARD_FUZZ_COMMON_H
#define PKGGUARD_FUZZ_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FUZZ_SEP "\n--\n"
#define FUZZ_MAX_PARTS 16

struct fuzz_parts {
	char *part[FUZZ_MAX_PARTS]; /* NUL-terminated copies (may hold inner NULs) */
	size_t len[FUZZ_MAX_PARTS];
	size_t n;
};

/* Cuts data at each FUZZ_SEP, at most FUZZ_MAX_PARTS parts (the last one
 * keeps the rest). Always at least one part. Aborts on ENOMEM: a fuzzer
 * out of memory has nothing to report. */
static inline void fuzz_split(const uint8_t *data, size_t size, struct fuzz_parts *out)
{
	const char *p = (const char *)data, *end = p + size;
	size_t seplen = strlen(FUZZ_SEP);

	out->n = 0;
	while (out->n < FUZZ_MAX_PARTS) {
		const char *cut = out->n + 1 < FUZZ_MAX_PARTS ? memmem(p, (size_t)(end - p), FUZZ_SEP, seplen) : NULL;
		size_t len = cut ? (size_t)(cut - p) : (size_t)(end - p);
		char *s = malloc(len + 1);

		if (!s)
			abort();
		memcpy(s, p, len);
		s[len] = '\0';
		out->part[out->n] = s;
		out->len[out->n++] = len;
		if (!cut)
			break;
		p = cut + seplen;
	}
}

static inline void fuzz_parts_free(struct fuzz_parts *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->part[i]);
	f->n = 0;
}

/* Part i, or "" when the input has fewer parts. */
static inline const char *fuzz_part(const struct fuzz_parts *f, size_t i, size_t *len)
{
	if (i >= f->n) {
		if (len)
			*len = 0;
		return "";
	}
	if (len)
		*len = f->len[i];
	return f->part[i];
}

/* A copy of data ending in a NUL (for parsers of C strings). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Writes len bytes into dir/rel, creating the directories on the way. */
static inline void fuzz_write(const char *dir, const char *rel, const char *data, size_t len)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	for (char *s = path + strlen(dir) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		abort();
	if (len && write(fd, data, len) != (ssize_t)len)
		abort();
	close(fd);
}

static inline int fuzz_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Empties dir (keeps dir itself). */
static inline void fuzz_clear(const char *dir)
{
	char *copy = strdup(dir);

	if (!copy)
		abort();
	nftw(copy, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(copy);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		abort();
}

/* A scratch directory of this fuzzing process, made once, under TMPDIR
 * (default /tmp); removed at exit. */
static char fuzz_scratch_dir[256];

static inline void fuzz_scratch_rm(void)
{
	if (fuzz_scratch_dir[0])
		nftw(fuzz_scratch_dir, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static inline const char *fuzz_scratch(void)
{
	if (!fuzz_scratch_dir[0]) {
		const char *tmp = getenv("TMPDIR");

		snprintf(fuzz_scratch_dir, sizeof(fuzz_scratch_dir), "%s/pkgguard-fuzz.XXXXXX",
			 tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(fuzz_scratch_dir))
			abort();
		atexit(fuzz_scratch_rm);
	}
	return fuzz_scratch_dir;
}

#endif
