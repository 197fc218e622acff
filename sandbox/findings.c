/* findings.c — the tripwire's findings of one script, their rule table and
 * their JSON (findings.h). */
#include "findings.h"
#include "record.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {
	[FINDING_DNS] = "dns",
	[FINDING_CONNECT] = "connect",
	[FINDING_DECOY_OPENED] = "decoy-opened",
	[FINDING_DECOY_SENT] = "decoy-sent",
	[FINDING_FILE_LEFT] = "file-left",
	[FINDING_PROCESS_LEFT] = "process-left",
	[FINDING_SELF_MODIFIED] = "self-modified",
	[FINDING_REFUSED_CALL] = "refused-call",
};

/* Files in the private $HOME that only persistence writes: shell start-up
 * files, autostart entries, user services, programs on the user's PATH. */
static const char *const persistence_paths[] = {
	"~/.bashrc", "~/.bash_profile", "~/.bash_login", "~/.profile", "~/.zshrc", "~/.zprofile",
	"~/.config/autostart/*", "~/.config/systemd/*", "~/.local/bin/*", "~/.ssh/authorized_keys",
	"~/.config/fish/*",
};

/* The rule table of README.md ("Tripwire"). Network attempts alone are
 * informational: build tools try to download prebuilt binaries and fall
 * back to building. ~/.npmrc is read by every nested npm. */
void finding_classify(struct finding *f)
{
	switch (f->kind) {
	case FINDING_DNS:
	case FINDING_CONNECT:
	case FINDING_REFUSED_CALL: /* evidence: libuv probes io_uring, builds probe namespaces */
		f->suspicious = false;
		break;
	case FINDING_DECOY_OPENED:
		/* detail "deleted": a wiper or a clean-up, whichever decoy */
		f->suspicious = !f->path || strcmp(f->path, "~/.npmrc") != 0 || (f->detail && strcmp(f->detail, "deleted") == 0);
		break;
	case FINDING_DECOY_SENT:
	case FINDING_PROCESS_LEFT:
		f->suspicious = true;
		break;
	case FINDING_FILE_LEFT:
		f->suspicious = f->executable;
		for (size_t i = 0; f->path && i < sizeof(persistence_paths) / sizeof(persistence_paths[0]); i++)
			if (fnmatch(persistence_paths[i], f->path, 0) == 0)
				f->suspicious = true;
		break;
	case FINDING_SELF_MODIFIED:
		/* name: "manifest" (package.json), "script" (a file the command
		 * names) or "file" (another top-level file of the package). */
		f->suspicious = f->name && strcmp(f->name, "file") != 0;
		break;
	}
}

static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int same(const struct finding *a, const struct finding *b)
{
	return a->kind == b->kind && a->port == b->port && same_str(a->name, b->name) &&
	       same_str(a->path, b->path) && same_str(a->address, b->address) &&
	       same_str(a->protocol, b->protocol) &&
	       ((a->kind != FINDING_DECOY_SENT && a->kind != FINDING_DECOY_OPENED) || same_str(a->detail, b->detail));
}

static char *dup_or_null(const char *s, int *failed)
{
	char *d = s ? strdup(s) : NULL;
	if (s && !d)
		*failed = 1;
	return d;
}

static void finding_free(struct finding *f)
{
	free(f->name);
	free(f->path);
	free(f->address);
	free(f->protocol);
	free(f->detail);
	free(f->sha256);
	free(f->quarantine);
}

int findings_add(struct findings *fs, const struct finding *f)
{
	int failed = 0;

	for (size_t i = 0; i < fs->n; i++)
		if (same(&fs->v[i], f)) {
			fs->v[i].count++;
			return 0;
		}
	if (fs->n >= FINDINGS_MAX) {
		fs->dropped++;
		return 0;
	}
	if (fs->n == fs->cap) {
		size_t cap = fs->cap ? fs->cap * 2 : 16;
		struct finding *v = realloc(fs->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		fs->v = v;
		fs->cap = cap;
	}
	struct finding *d = &fs->v[fs->n];
	*d = *f;
	d->count = 1;
	d->name = dup_or_null(f->name, &failed);
	d->path = dup_or_null(f->path, &failed);
	d->address = dup_or_null(f->address, &failed);
	d->protocol = dup_or_null(f->protocol, &failed);
	d->detail = dup_or_null(f->detail, &failed);
	d->sha256 = dup_or_null(f->sha256, &failed);
	d->quarantine = dup_or_null(f->quarantine, &failed);
	if (failed) {
		finding_free(d);
		return -ENOMEM;
	}
	finding_classify(d);
	fs->n++;
	return 0;
}

void findings_free(struct findings *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		finding_free(&fs->v[i]);
	free(fs->v);
	memset(fs, 0, sizeof(*fs));
}

bool findings_suspicious(const struct findings *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		if (fs->v[i].suspicious)
			return true;
	return false;
}

void findings_summary(const struct finding *f, char *buf, size_t len)
{
	switch (f->kind) {
	case FINDING_DNS:
		snprintf(buf, len, "looked up %s", f->name);
		break;
	case FINDING_CONNECT:
		snprintf(buf, len, "tried %s%s%s:%u (%s)", strchr(f->address, ':') ? "[" : "", f->address,
			 strchr(f->address, ':') ? "]" : "", f->port, f->protocol ? f->protocol : "inet");
		break;
	case FINDING_DECOY_OPENED:
		snprintf(buf, len, "%s the decoy %s", f->detail ? f->detail : "opened", f->path);
		break;
	case FINDING_DECOY_SENT:
		snprintf(buf, len, "the token of decoy %s went into %s", f->path, f->detail ? f->detail : "?");
		break;
	case FINDING_FILE_LEFT:
		snprintf(buf, len, "left %s%s (%llu bytes)", f->executable ? "the executable " : "", f->path,
			 (unsigned long long)f->size);
		break;
	case FINDING_PROCESS_LEFT:
		snprintf(buf, len, "left a process running (%s), killed", f->detail ? f->detail : f->path);
		break;
	case FINDING_SELF_MODIFIED:
		snprintf(buf, len, "%s its own %s", f->detail, f->path);
		break;
	case FINDING_REFUSED_CALL:
		snprintf(buf, len, "was refused %s()", f->name);
		break;
	}
}

void findings_reason(const struct findings *fs, char *buf, size_t len)
{
	const struct finding *first = NULL;
	size_t suspicious = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < fs->n; i++)
		if (fs->v[i].suspicious && suspicious++ == 0)
			first = &fs->v[i];
	if (!first && fs->n)
		first = &fs->v[0];
	if (!first)
		return;
	findings_summary(first, buf, len);
	size_t used = strlen(buf);
	if (suspicious > 1 && used < len)
		snprintf(buf + used, len - used, " (+%zu more)", suspicious - 1);
}

static void str_field(FILE *f, const char *key, const char *value)
{
	if (!value)
		return;
	fprintf(f, ", \"%s\": ", key);
	record_json_string(f, value);
}

void findings_write_json(FILE *f, const struct findings *fs)
{
	char line[512];

	fputs("[", f);
	for (size_t i = 0; i < fs->n; i++) {
		const struct finding *x = &fs->v[i];
		fprintf(f, "%s\n    { \"kind\": \"%s\", \"severity\": \"%s\", \"count\": %u", i ? "," : "",
			kind_names[x->kind], x->suspicious ? "suspicious" : "info", x->count);
		findings_summary(x, line, sizeof(line));
		str_field(f, "summary", line);
		str_field(f, x->kind == FINDING_SELF_MODIFIED ? "role" :
			  x->kind == FINDING_CONNECT || x->kind == FINDING_REFUSED_CALL ? "syscall" : "name",
			  x->name);
		str_field(f, "path", x->path);
		str_field(f, "address", x->address);
		str_field(f, "protocol", x->protocol);
		str_field(f, x->kind == FINDING_SELF_MODIFIED ? "change" : x->kind == FINDING_PROCESS_LEFT ? "cmdline" : "detail",
			  x->detail);
		str_field(f, "sha256", x->sha256);
		str_field(f, "quarantine", x->quarantine);
		if (x->kind == FINDING_CONNECT)
			fprintf(f, ", \"port\": %u, \"local\": %s", x->port, x->local ? "true" : "false");
		if (x->kind == FINDING_FILE_LEFT)
			fprintf(f, ", \"size\": %llu, \"mode\": \"%04o\", \"executable\": %s", (unsigned long long)x->size,
				x->mode, x->executable ? "true" : "false");
		if (x->kind == FINDING_PROCESS_LEFT)
			fprintf(f, ", \"pid\": %ld", x->pid);
		fputs(" }", f);
	}
	fputs(fs->n ? "\n  ]" : "]", f);
}
