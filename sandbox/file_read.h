/* file_read.h — reading a file that someone else controls, bounded
 * (file_read.c): package.json, lockfiles, pip's hook output. */
#ifndef PKGGUARD_FILE_READ_H
#define PKGGUARD_FILE_READ_H

#include <stddef.h>

struct json_object;

/* The whole of the regular file dirfd/name (never through a symlink in the
 * last component, never a FIFO or device), at most max bytes, into a
 * malloc'd NUL-terminated *buf of *len bytes. 0, or -errno (-EFBIG over
 * max, -EINVAL not a regular file). */
int file_read_bounded(int dirfd, const char *name, size_t max, char **buf, size_t *len);

/* The file parsed as one JSON object (json-c), or NULL for anything else. */
struct json_object *file_read_json(int dirfd, const char *name, size_t max);

#endif
