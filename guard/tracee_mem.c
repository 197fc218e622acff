/* tracee_mem.c — memory of a stopped process (tracee_mem.h). */
#include "tracee_mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int tracee_read_strv(pid_t pid, uint64_t addr, size_t max_entries, size_t max_bytes,
		     struct tracee_strv *out)
{
	size_t cap = 64, total = 0;
	char *tmp = NULL;
	int r = 0;

	memset(out, 0, sizeof(*out));
	if (addr == 0)
		return -EFAULT;
	out->ptrs = calloc(cap, sizeof(uint64_t));
	tmp = malloc(max_bytes + 1);
	if (!out->ptrs || !tmp) {
		r = -ENOMEM;
		goto fail;
	}
	for (;;) {
		uint64_t p;

		r = tracee_read(pid, addr + out->n * sizeof(p), &p, sizeof(p));
		if (r)
			goto fail;
		if (p == 0)
			break;
		if (out->n == max_entries) {
			r = -E2BIG;
			goto fail;
		}
		if (out->n == cap) {
			uint64_t *np = realloc(out->ptrs, cap * 2 * sizeof(uint64_t));

			if (!np) {
				r = -ENOMEM;
				goto fail;
			}
			out->ptrs = np;
			cap *= 2;
		}
		out->ptrs[out->n++] = p;
	}
	out->v = calloc(out->n + 1, sizeof(char *));
	if (!out->v) {
		r = -ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < out->n; i++) {
		r = tracee_read_string(pid, out->ptrs[i], tmp, max_bytes + 1 - total);
		if (r)
			goto fail;
		total += strlen(tmp) + 1;
		out->v[i] = strdup(tmp);
		if (!out->v[i]) {
			r = -ENOMEM;
			goto fail;
		}
	}
	free(tmp);
	return 0;
fail:
	free(tmp);
	tracee_strv_free(out);
	return r;
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
