/* tracee_mem.c — memory of a stopped process (tracee_mem.h). */
#include "tracee_mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "proc_info.h"

static int transfer(pid_t pid, uint64_t addr, void *buf, size_t len, int write)
{
	struct iovec local = { .iov_base = buf, .iov_len = len };
	struct iovec remote = { .iov_base = (void *)(uintptr_t)addr, .iov_len = len };
	ssize_t n = write ? process_vm_writev(pid, &local, 1, &remote, 1, 0)
			  : process_vm_readv(pid, &local, 1, &remote, 1, 0);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EFAULT;
}

int tracee_read(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	return transfer(pid, addr, buf, len, 0);
}

int tracee_write(pid_t pid, uint64_t addr, const void *buf, size_t len)
{
	return transfer(pid, addr, (void *)buf, len, 1);
}

/* Page by page: a string that ends near the end of a mapping must not fail
 * because a fixed-size read would cross into unmapped memory. */
int tracee_read_string(pid_t pid, uint64_t addr, char *buf, size_t len)
{
	size_t got = 0;

	while (got + 1 < len) {
		size_t room = 4096 - (size_t)((addr + got) & 4095), want = len - 1 - got;
		int r;

		if (want > room)
			want = room;
		r = tracee_read(pid, addr + got, buf + got, want);
		if (r)
			return r;
		for (size_t i = got; i < got + want; i++)
			if (buf[i] == '\0')
				return 0;
		got += want;
	}
	buf[len - 1] = '\0';
	return -E2BIG;
}

void tracee_strv_free(struct tracee_strv *s)
{
	for (size_t i = 0; s->v && i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	free(s->ptrs);
	memset(s, 0, sizeof(*s));
}

/* The pointer array, a batch at a time: one syscall for up to 64 entries,
 * then one entry at a time if a batch runs off the end of a mapping. */
static int read_ptrs(pid_t pid, uint64_t addr, size_t max_entries, struct tracee_strv *out, size_t *cap)
{
	for (;;) {
		uint64_t batch[64];
		size_t got = 64;
		int r = tracee_read(pid, addr + out->n * sizeof(uint64_t), batch, sizeof(batch));

		if (r) {
			got = 1;
			r = tracee_read(pid, addr + out->n * sizeof(uint64_t), batch, sizeof(uint64_t));
			if (r)
				return r;
		}
		for (size_t i = 0; i < got; i++) {
			if (batch[i] == 0)
				return 0;
			if (out->n == max_entries)
				return -E2BIG;
			if (out->n == *cap) {
				uint64_t *np = realloc(out->ptrs, *cap * 2 * sizeof(uint64_t));

				if (!np)
					return -ENOMEM;
				out->ptrs = np;
				*cap *= 2;
			}
			out->ptrs[out->n++] = batch[i];
		}
	}
}

/* Strings, STR_BATCH at a time: one process_vm_readv of STR_PEEK bytes of
 * each (kept within its page, so a string near the end of a mapping does
 * not fail the batch); a string not terminated there is read on its own. */
#define STR_BATCH 32
#define STR_PEEK 256
static int read_strings(pid_t pid, struct tracee_strv *out, size_t max_bytes)
{
	char peek[STR_BATCH][STR_PEEK];
	size_t total = 0;

	for (size_t base = 0; base < out->n; base += STR_BATCH) {
		struct iovec local[STR_BATCH], remote[STR_BATCH];
		size_t k = out->n - base < STR_BATCH ? out->n - base : STR_BATCH;
		ssize_t got;

		for (size_t i = 0; i < k; i++) {
			uint64_t a = out->ptrs[base + i];
			size_t room = 4096 - (size_t)(a & 4095);

			local[i] = (struct iovec){ .iov_base = peek[i], .iov_len = room < STR_PEEK ? room : STR_PEEK };
			remote[i] = (struct iovec){ .iov_base = (void *)(uintptr_t)a, .iov_len = local[i].iov_len };
		}
		got = process_vm_readv(pid, local, k, remote, k, 0);
		for (size_t i = 0; i < k; i++) {
			size_t len = local[i].iov_len;
			const char *nul = NULL;

			if (got >= (ssize_t)len) {
				nul = memchr(peek[i], '\0', len);
				got -= (ssize_t)len;
			} else {
				got = 0; /* this one and the rest: one by one */
			}
			if (nul) {
				out->v[base + i] = strndup(peek[i], (size_t)(nul - peek[i]));
			} else {
				char *tmp = malloc(max_bytes + 1 - total);
				int r = tmp ? tracee_read_string(pid, out->ptrs[base + i], tmp, max_bytes + 1 - total)
					    : -ENOMEM;

				if (r) {
					free(tmp);
					return r;
				}
				out->v[base + i] = tmp;
			}
			if (!out->v[base + i])
				return -ENOMEM;
			total += strlen(out->v[base + i]) + 1;
			if (total > max_bytes)
				return -E2BIG;
		}
	}
	return 0;
}

int tracee_read_strv(pid_t pid, uint64_t addr, size_t max_entries, size_t max_bytes,
		     struct tracee_strv *out)
{
	size_t cap = 64;
	int r;

	memset(out, 0, sizeof(*out));
	if (addr == 0)
		return -EFAULT;
	out->ptrs = calloc(cap, sizeof(uint64_t));
	if (!out->ptrs)
		return -ENOMEM;
	r = read_ptrs(pid, addr, max_entries, out, &cap);
	if (!r) {
		out->v = calloc(out->n + 1, sizeof(char *));
		r = out->v ? read_strings(pid, out, max_bytes) : -ENOMEM;
	}
	if (r)
		tracee_strv_free(out);
	return r;
}

/* uapi/linux/fs.h of Linux 6.11, which this system's headers may predate. */
struct pg_procmap_query {
	uint64_t size, query_flags, query_addr;
	uint64_t vma_start, vma_end, vma_flags, vma_page_size, vma_offset, inode;
	uint32_t dev_major, dev_minor, vma_name_size, build_id_size;
	uint64_t vma_name_addr, build_id_addr;
};
#define PG_PROCMAP_QUERY _IOWR('f', 17, struct pg_procmap_query)
#define PG_VMA_READABLE 0x01
#define PG_VMA_WRITABLE 0x02

int tracee_vma_of(pid_t pid, uint64_t addr, uint64_t *lo, uint64_t *hi, bool *writable)
{
	struct pg_procmap_query q = { .size = sizeof(q), .query_addr = addr };
	int fd = proc_open(pid, "maps"), r = 0;

	if (fd < 0)
		return fd;
	if (ioctl(fd, PG_PROCMAP_QUERY, &q) != 0)
		r = -errno;
	close(fd);
	if (r)
		return r;
	*lo = q.vma_start;
	*hi = q.vma_end;
	*writable = (q.vma_flags & (PG_VMA_READABLE | PG_VMA_WRITABLE)) == (PG_VMA_READABLE | PG_VMA_WRITABLE);
	return 0;
}

int tracee_read_proc_text(pid_t pid, const char *file, size_t max, char **out)
{
	int fd = proc_open(pid, file);
	size_t len = 0, cap = 16384;
	char *buf;

	if (fd < 0)
		return fd;
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t n;

		if (len + 1 == cap) {
			char *nb;

			if (cap >= max) {
				close(fd);
				free(buf);
				return -E2BIG;
			}
			nb = realloc(buf, cap * 2);
			if (!nb) {
				close(fd);
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = -errno;

			close(fd);
			free(buf);
			return e;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	return 0;
}
