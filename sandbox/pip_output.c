/* pip_output.c — a PEP 517 hook's answer checked before pip acts on it
 * (pip_output.h). Files are read through fds opened before the hook ran,
 * bounded, never through a symlink. */
#include "pip_output.h"
#include "file_read.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <json-c/json.h>

static int say(char *why, size_t whylen, int err, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int say(char *why, size_t whylen, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	for (char *s = why; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
	return err;
}

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The first byte of TEXT[0..LEN) where Python's str.splitlines() (which pip's
 * email.parser and requires.txt readers use) would break a line that a split
 * on '\n' alone does not see: NUL (our C strings stop there, Python does not),
 * '\r', \v \f \x1c \x1d \x1e, U+0085 U+2028 U+2029 in UTF-8, or a byte that
 * is not UTF-8 (pip decodes as UTF-8; a stray 0x85 read another way is a
 * break). NULL when there is none. */
static const char *hidden_break(const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;

	for (size_t i = 0; i < len; i++) {
		unsigned cp, n;

		if (s[i] < 0x80) {
			if (s[i] == '\0' || s[i] == '\r' || s[i] == '\v' || s[i] == '\f' || (s[i] >= 0x1c && s[i] <= 0x1e))
				return text + i;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf)
			n = 1, cp = s[i] & 0x1f;
		else if (s[i] >= 0xe0 && s[i] <= 0xef)
			n = 2, cp = s[i] & 0x0f;
		else if (s[i] >= 0xf0 && s[i] <= 0xf4)
			n = 3, cp = s[i] & 0x07;
		else
			return text + i;
		if (len - i <= n)
			return text + i;
		for (unsigned k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return text + i;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp == 0x85 || cp == 0x2028 || cp == 0x2029 || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000))
			return text + i;
		i += n;
	}
	return NULL;
}

static int requirement_refused_len(const char *req, size_t len)
{
	if (hidden_break(req, len) || memchr(req, '\n', len))
		return 1;
	req += strspn(req, " \t");
	return strchr(req, '@') || strstr(req, "://") || strchr(req, '/') || req[0] == '-';
}

int pip_output_requirement_refused(const char *req)
{
	return requirement_refused_len(req, strlen(req));
}

/* A name pip joins to the directory it gave: one plain component. */
static bool plain_name(const char *s)
{
	return *s && !strchr(s, '/') && strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

int pip_output_open(struct pip_output *po, const char *hook, const char *control, char *why, size_t whylen)
{
	struct json_object *input, *kwargs, *md;

	po->hook = hook;
	po->control_fd = po->metadata_fd = po->egg_base_fd = -1;
	po->control_fd = open(control, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (po->control_fd < 0)
		return say(why, whylen, -errno, "pip hook: control directory %s: %s", control, strerror(errno));
	if (!starts(hook, "prepare_metadata_for_build_"))
		return 0;
	/* Read now: the hook can rewrite input.json, pip does not reread it. */
	input = file_read_json(po->control_fd, "input.json", PIP_OUTPUT_JSON_MAX);
	if (!input || !json_object_object_get_ex(input, "kwargs", &kwargs) ||
	    !json_object_object_get_ex(kwargs, "metadata_directory", &md) || !json_object_is_type(md, json_type_string)) {
		json_object_put(input);
		return say(why, whylen, -EINVAL, "pip hook %s: %s/input.json has no metadata_directory", hook, control);
	}
	po->metadata_fd = open(json_object_get_string(md), O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (po->metadata_fd < 0)
		say(why, whylen, -errno, "pip hook %s: metadata_directory %s: %s", hook, json_object_get_string(md),
		    strerror(errno));
	json_object_put(input);
	return po->metadata_fd < 0 ? -EINVAL : 0;
}

static int check_requires(const struct pip_output *po, struct json_object *val, char *why, size_t whylen)
{
	if (!val || json_object_is_type(val, json_type_null))
		return 0;
	if (!json_object_is_type(val, json_type_array))
		return say(why, whylen, -EPERM, "pip hook %s returned something other than a list of requirements",
			   po->hook);
	for (size_t i = 0; i < json_object_array_length(val); i++) {
		struct json_object *r = json_object_array_get_idx(val, i);
		const char *s = json_object_get_string(r);

		if (!json_object_is_type(r, json_type_string))
			return say(why, whylen, -EPERM, "pip hook %s returned a requirement that is not a string", po->hook);
		if (requirement_refused_len(s, (size_t)json_object_get_string_len(r)))
			return say(why, whylen, -EPERM,
				   "pip hook %s returned the requirement \"%.300s\": a URL or path pip would fetch or "
				   "build outside the sandbox (refused)", po->hook, s);
	}
	return 0;
}

static int refuse_break(const struct pip_output *po, const char *what, const char *text, const char *at, char *why,
			size_t whylen)
{
	return say(why, whylen, -EPERM,
		   "pip %s%s wrote %s with the byte 0x%02x at offset %zu: a line break (or NUL) pip's parser sees and "
		   "this check would not (refused)", po->hook ? "hook " : "egg_info", po->hook ? po->hook : "", what,
		   (unsigned char)*at, (size_t)(at - text));
}

/* The Requires-Dist headers of a METADATA file (its header part, up to the
 * first empty line; continuation lines belong to the header before). NUL
 * anywhere, and any line break Python sees but a '\n' split does not within
 * the header part, is refused: pip's email.parser would find headers there
 * this loop does not. */
static int check_metadata_text(const struct pip_output *po, const char *name, const char *text, size_t textlen,
			       char *why, size_t whylen)
{
	bool in_requires = false;
	char what[320];

	snprintf(what, sizeof(what), "%.300s/METADATA", name);
	if (memchr(text, '\0', textlen))
		return refuse_break(po, what, text, memchr(text, '\0', textlen), why, whylen);
	for (const char *line = text; *line;) {
		size_t len = strcspn(line, "\n");
		char value[1024];
		const char *at;

		if (len == 0 || (len == 1 && line[0] == '\r'))
			break; /* the body: a description */
		at = hidden_break(line, len);
		if (at)
			return refuse_break(po, what, text, at, why, whylen);
		if (line[0] == ' ' || line[0] == '\t') {
			snprintf(value, sizeof(value), "%.*s", (int)len, line);
		} else {
			in_requires = len > 14 && strncasecmp(line, "Requires-Dist:", 14) == 0;
			snprintf(value, sizeof(value), "%.*s", len > 14 ? (int)(len - 14) : 0, line + 14);
		}
		if (in_requires && (len >= sizeof(value) || pip_output_requirement_refused(value)))
			return say(why, whylen, -EPERM,
				   "pip hook %s wrote %s/METADATA with Requires-Dist \"%.300s\": a URL or path pip would "
				   "fetch or build outside the sandbox (refused)", po->hook, name, value + strspn(value, " \t"));
		line += len + (line[len] == '\n');
	}
	return 0;
}

static int check_metadata(const struct pip_output *po, struct json_object *val, char *why, size_t whylen)
{
	const char *name = json_object_get_string(val);
	char *text;
	size_t len;
	int dfd, r;

	if (!json_object_is_type(val, json_type_string) || !plain_name(name))
		return say(why, whylen, -EPERM, "pip hook %s returned \"%.200s\", not a name in its metadata directory",
			   po->hook, name ? name : "");
	dfd = openat(po->metadata_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return say(why, whylen, -EPERM, "pip hook %s returned \"%.200s\": %s", po->hook, name, strerror(errno));
	r = file_read_bounded(dfd, "METADATA", PIP_OUTPUT_METADATA_MAX, &text, &len);
	close(dfd);
	if (r)
		return say(why, whylen, -EPERM, "pip hook %s: %s/METADATA: %s", po->hook, name, strerror(-r));
	r = check_metadata_text(po, name, text, len, why, whylen);
	free(text);
	return r;
}

int pip_output_open_egg_base(struct pip_output *po, const char *egg_base, char *why, size_t whylen)
{
	po->hook = NULL;
	po->control_fd = po->metadata_fd = -1;
	po->egg_base_fd = open(egg_base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (po->egg_base_fd < 0)
		return say(why, whylen, -errno, "pip egg_info: --egg-base %s: %s", egg_base, strerror(errno));
	return 0;
}

/* A section header as pip's readers take it ("[extra:marker]"), nothing
 * after the ']' and no ']' inside. */
static bool section_header(const char *line, size_t len)
{
	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	return len >= 2 && line[0] == '[' && line[len - 1] == ']' && !memchr(line + 1, ']', len - 2);
}

/* requires.txt: any line break Python's splitlines() sees and a '\n' split
 * does not (or a NUL) refused; a line starting with '[' must be exactly a
 * section header; every other line a requirement by the rule. */
static int check_requires_txt(const struct pip_output *po, const char *dir, const char *text, size_t textlen,
			      char *why, size_t whylen)
{
	const char *at = hidden_break(text, textlen);
	char what[320];

	snprintf(what, sizeof(what), "%.290s/requires.txt", dir);
	if (at)
		return refuse_break(po, what, text, at, why, whylen);
	for (const char *line = text; *line;) {
		size_t len = strcspn(line, "\n"), skip = strspn(line, " \t");

		if (skip < len) {
			char value[1024];

			snprintf(value, sizeof(value), "%.*s", (int)(len - skip), line + skip);
			if (value[0] == '[' ? !section_header(value, strlen(value)) || len - skip >= sizeof(value)
					    : len - skip >= sizeof(value) || pip_output_requirement_refused(value))
				return say(why, whylen, -EPERM,
					   "pip egg_info wrote %s with \"%.300s\": a URL or path pip would fetch or build "
					   "outside the sandbox, or not a plain section header (refused)", what, value);
		}
		line += len + (line[len] == '\n');
	}
	return 0;
}

/* Every NAME.egg-info/requires.txt in the egg base: its requirement lines
 * ("[extra]" section headers and blank lines aside). */
static int check_egg_base(const struct pip_output *po, char *why, size_t whylen)
{
	int dfd = dup(po->egg_base_fd), r = 0;
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *e;

	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return say(why, whylen, -errno, "pip egg_info: the egg base: %s", strerror(errno));
	}
	rewinddir(d);
	while (!r && (e = readdir(d))) {
		size_t n = strlen(e->d_name), len;
		char *text;
		int efd;

		if (n <= 9 || strcmp(e->d_name + n - 9, ".egg-info") != 0)
			continue;
		efd = openat(po->egg_base_fd, e->d_name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (efd < 0)
			continue;
		r = file_read_bounded(efd, "requires.txt", PIP_OUTPUT_METADATA_MAX, &text, &len);
		close(efd);
		if (r == -ENOENT) {
			r = 0;
			continue;
		}
		if (r) {
			r = say(why, whylen, -EPERM, "pip egg_info: %s/requires.txt: %s", e->d_name, strerror(-r));
			break;
		}
		r = check_requires_txt(po, e->d_name, text, len, why, whylen);
		free(text);
	}
	closedir(d);
	return r;
}

int pip_output_check(const struct pip_output *po, char *why, size_t whylen)
{
	struct json_object *out, *unsupported, *val = NULL;
	int r = 0;

	if (!po->hook)
		return check_egg_base(po, why, whylen);
	out = file_read_json(po->control_fd, "output.json", PIP_OUTPUT_JSON_MAX);
	if (!out)
		return say(why, whylen, -EINVAL, "pip hook %s: no readable output.json", po->hook);
	json_object_object_get_ex(out, "return_val", &val);
	if (json_object_object_get_ex(out, "unsupported", &unsupported) && json_object_get_boolean(unsupported))
		val = NULL; /* pip falls back to its own way, nothing returned */
	if (starts(po->hook, "get_requires_for_build_"))
		r = check_requires(po, val, why, whylen);
	else if (starts(po->hook, "prepare_metadata_for_build_") && val && !json_object_is_type(val, json_type_null))
		r = check_metadata(po, val, why, whylen);
	else if (starts(po->hook, "build_") && val && !json_object_is_type(val, json_type_null) &&
		 (!json_object_is_type(val, json_type_string) || !plain_name(json_object_get_string(val))))
		r = say(why, whylen, -EPERM, "pip hook %s returned \"%.200s\", not a file name in its output directory",
			po->hook, json_object_get_string(val));
	json_object_put(out);
	return r;
}

void pip_output_discard(const struct pip_output *po)
{
	if (po->control_fd >= 0)
		unlinkat(po->control_fd, "output.json", 0);
}

void pip_output_close(struct pip_output *po)
{
	if (po->control_fd >= 0)
		close(po->control_fd);
	if (po->metadata_fd >= 0)
		close(po->metadata_fd);
	if (po->egg_base_fd >= 0)
		close(po->egg_base_fd);
	po->control_fd = po->metadata_fd = po->egg_base_fd = -1;
}
