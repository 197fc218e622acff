/* file_read.c — bounded reads of files others control (file_read.h). */
#include "file_read.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

/* The whole of a regular file at dirfd/name (no symlink, no FIFO), at most
 * max bytes, NUL-terminated in *buf. 0 or -errno. */
int file_read_bounded(int dirfd, const char *name, size_t max, char **buf, size_t *len)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	size_t used = 0;
	int r = 0;

	*buf = NULL;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) != 0)
		r = -errno;
	else if (!S_ISREG(st.st_mode))
		r = -EINVAL;
	else if ((size_t)st.st_size > max)
		r = -EFBIG;
	if (r)
		goto out;
	*buf = malloc((size_t)st.st_size + 2);
	if (!*buf) {
		r = -ENOMEM;
		goto out;
	}
	/* One byte more than fstat said tells a file that grew. */
	for (;;) {
		ssize_t n = read(fd, *buf + used, (size_t)st.st_size + 1 - used);

		if (n < 0) {
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > (size_t)st.st_size) {
			r = -EFBIG;
			break;
		}
	}
out:
	if (r) {
		free(*buf);
		*buf = NULL;
	} else {
		(*buf)[used] = '\0';
		*len = used;
	}
	close(fd);
	return r;
}

struct json_object *file_read_json(int dirfd, const char *name, size_t max)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o = NULL;
	char *buf;
	size_t len;

	if (!tok)
		return NULL;
	if (file_read_bounded(dirfd, name, max, &buf, &len) == 0 && len < (size_t)INT32_MAX) {
		o = json_tokener_parse_ex(tok, buf, (int)len);
		if (o && (json_tokener_get_error(tok) != json_tokener_success ||
			  !json_object_is_type(o, json_type_object))) {
			json_object_put(o);
			o = NULL;
		}
	}
	free(buf);
	json_tokener_free(tok);
	return o;
}

