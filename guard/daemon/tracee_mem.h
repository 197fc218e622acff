/* tracee_mem.h — reading and writing the memory of a process pkgguardd has
 * stopped with ptrace (process_vm_readv/writev: no word-by-word PEEK). */
#ifndef PKGGUARD_TRACEE_MEM_H
#define PKGGUARD_TRACEE_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* All of len bytes, or -errno (-EFAULT for a partial transfer). */
int tracee_read(pid_t pid, uint64_t addr, void *buf, size_t len);
int tracee_write(pid_t pid, uint64_t addr, const void *buf, size_t len);

/* A string vector (argv, envp) as the process has it: the pointers and a
 * copy of each string. Bounded: at most max_entries entries and max_bytes
 * of strings, else -E2BIG. */
struct tracee_strv {
	size_t n;
	uint64_t *ptrs;   /* n entries, the process's addresses */
	char **v;         /* n copies + NULL */
};
int tracee_read_strv(pid_t pid, uint64_t addr, size_t max_entries, size_t max_bytes,
		     struct tracee_strv *out);
void tracee_strv_free(struct tracee_strv *s);

/* One string at addr, up to len - 1 bytes; -E2BIG when longer. */
int tracee_read_string(pid_t pid, uint64_t addr, char *buf, size_t len);

/* The mapping of pid holding addr, [*lo, *hi), and whether it is readable
 * and writable: one PROCMAP_QUERY ioctl on /proc/PID/maps (Linux 6.11),
 * instead of the whole text of a large process's maps. -ENOTTY or -EINVAL
 * on an older kernel (read the text then), -ENOENT when nothing is mapped
 * there. */
int tracee_vma_of(pid_t pid, uint64_t addr, uint64_t *lo, uint64_t *hi, bool *writable);

/* The text of /proc/PID/FILE (maps), NUL-terminated, malloc'd. 0 or -errno. */
int tracee_read_proc_text(pid_t pid, const char *file, size_t max, char **out);

#endif
