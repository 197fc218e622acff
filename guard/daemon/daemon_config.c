/* daemon_config.c — loading pkgguardd.conf (see daemon_config.h). Every key
 * is checked; a bad file leaves the caller's config as it was, which is how
 * SIGHUP keeps the last good one. */
#include "daemon_config.h"
#include "array_size.h"

#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Filesystems that hold executables on a workstation or runner. Network and
 * pseudo filesystems are left out: marking them buys nothing and an NFS
 * server that hangs must not hang the answering thread. */
static const char *const default_fs[] = {
	"ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "overlay", "f2fs",
	"vfat", "exfat", "ramfs", "squashfs", "zfs", "jfs", "reiserfs", "bcachefs",
};
static const char *const default_profiles[] = { "npm", "pnpm", "yarn", "pip" };

int daemon_config_parse_mode(const char *s, enum guard_mode *out)
{
	if (strcmp(s, "enforce") == 0)
		*out = MODE_ENFORCE;
	else if (strcmp(s, "deny") == 0)
		*out = MODE_DENY;
	else if (strcmp(s, "audit") == 0)
		*out = MODE_AUDIT;
	else
		return -EINVAL;
	return 0;
}

const char *daemon_mode_name(enum guard_mode m)
{
	return m == MODE_AUDIT ? "audit" : m == MODE_DENY ? "deny" : "enforce";
}

void daemon_config_free(struct daemon_config *c)
{
	strlist_free(&c->filesystems);
	strlist_free(&c->profiles);
}

static int push_all(struct strlist *l, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strlist_push(l, v[i]))
			return -ENOMEM;
	return 0;
}

__attribute__((format(printf, 5, 6)))
static int bad(char *err, size_t errlen, const char *file, const config_setting_t *s, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	snprintf(err, errlen, "%s:%u: ", file, s ? config_setting_source_line(s) : 0);
	n = strlen(err);
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int read_list(const char *file, const config_setting_t *s, struct strlist *l,
		     char *err, size_t errlen)
{
	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return bad(err, errlen, file, s, "%s: expected a list of strings", config_setting_name(s));
	strlist_free(l);
	for (int i = 0; i < config_setting_length(s); i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *v = config_setting_get_string(e);

		if (!v || !*v)
			return bad(err, errlen, file, e, "%s: entries must be non-empty strings",
				   config_setting_name(s));
		if (strlist_push(l, v))
			return -ENOMEM;
	}
	return 0;
}

static int read_key(const char *file, const config_setting_t *s, struct daemon_config *c,
		    char *err, size_t errlen)
{
	const char *name = config_setting_name(s);
	const char *v;

	if (strcmp(name, "filesystems") == 0)
		return read_list(file, s, &c->filesystems, err, errlen);
	if (strcmp(name, "profiles") == 0)
		return read_list(file, s, &c->profiles, err, errlen);
	if (strcmp(name, "mode") == 0) {
		v = config_setting_get_string(s);
		if (!v || daemon_config_parse_mode(v, &c->mode))
			return bad(err, errlen, file, s, "%s: expected \"enforce\", \"deny\" or \"audit\"", name);
		return 0;
	}
	if (strcmp(name, "log_level") == 0) {
		v = config_setting_get_string(s);
		if (v && strcmp(v, "info") == 0)
			c->log_level = LOG_LEVEL_INFO;
		else if (v && strcmp(v, "debug") == 0)
			c->log_level = LOG_LEVEL_DEBUG;
		else
			return bad(err, errlen, file, s, "%s: expected \"info\" or \"debug\"", name);
		return 0;
	}
	return bad(err, errlen, file, s,
		   "unknown key \"%s\" (pkgguardd.conf takes: mode, filesystems, log_level, profiles)", name);
}

static int read_file(const char *file, struct daemon_config *c, char *err, size_t errlen)
{
	config_t cfg;
	const config_setting_t *root;
	int r = 0;

	config_init(&cfg);
	if (!config_read_file(&cfg, file)) {
		if (config_error_type(&cfg) == CONFIG_ERR_FILE_IO)
			snprintf(err, errlen, "%s: %s", file, strerror(errno ? errno : EIO));
		else
			snprintf(err, errlen, "%s:%d: %s", file, config_error_line(&cfg),
				 config_error_text(&cfg));
		config_destroy(&cfg);
		return -EINVAL;
	}
	root = config_root_setting(&cfg);
	for (int i = 0; i < config_setting_length(root) && !r; i++)
		r = read_key(file, config_setting_get_elem(root, (unsigned)i), c, err, errlen);
	config_destroy(&cfg);
	return r;
}

int daemon_config_load(const char *file, bool must_exist, struct daemon_config *out,
		       char *err, size_t errlen)
{
	struct daemon_config c = { .mode = MODE_ENFORCE, .log_level = LOG_LEVEL_INFO };
	int r = push_all(&c.filesystems, default_fs, ARRAY_SIZE(default_fs));

	if (!r)
		r = push_all(&c.profiles, default_profiles,
			     ARRAY_SIZE(default_profiles));
	if (r)
		snprintf(err, errlen, "out of memory");
	else if (access(file, F_OK) == 0 || must_exist)
		r = read_file(file, &c, err, errlen);
	if (r) {
		daemon_config_free(&c);
		return r;
	}
	daemon_config_free(out);
	*out = c;
	return 0;
}
