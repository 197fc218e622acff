/* journal.c — findings as journald entries (journal.h). */
#include "journal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

struct entry {
	char buf[4096];
	size_t len;
};

/* KEY=value on one line; newlines and control characters in the value
 * (names and paths come from the package) become '?'. */
static void field(struct entry *e, const char *key, const char *value)
{
	if (!value)
		return;
	int n = snprintf(e->buf + e->len, sizeof(e->buf) - e->len, "%s=", key);
	if (n < 0 || (size_t)n >= sizeof(e->buf) - e->len)
		return;
	e->len += (size_t)n;
	for (const unsigned char *p = (const unsigned char *)value; *p && e->len + 2 < sizeof(e->buf); p++)
		e->buf[e->len++] = (char)(*p < 0x20 || *p == 0x7f ? '?' : *p);
	e->buf[e->len++] = '\n';
}

static const char *const kinds[] = {
	[FINDING_DNS] = "dns", [FINDING_CONNECT] = "connect", [FINDING_DECOY_OPENED] = "decoy-opened",
	[FINDING_DECOY_SENT] = "decoy-sent", [FINDING_FILE_LEFT] = "file-left",
	[FINDING_PROCESS_LEFT] = "process-left", [FINDING_SELF_MODIFIED] = "self-modified",
	[FINDING_REFUSED_CALL] = "refused-call",
};

void journal_findings(const struct findings *fs, const char *package, const char *event, const char *record)
{
	const char *path = getenv("PKGGUARD_JOURNAL_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char summary[512], dest[300], message[700];

	if (!fs || fs->n == 0)
		return;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path && path[0] == '/' ? path : "/run/systemd/journal/socket");
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	for (size_t i = 0; i < fs->n; i++) {
		const struct finding *f = &fs->v[i];
		struct entry e = { .len = 0 };

		findings_summary(f, summary, sizeof(summary));
		snprintf(message, sizeof(message), "pkgguard: %s %s: %s%s", package ? package : "(project)",
			 event ? event : "script", f->suspicious ? "SUSPICIOUS: " : "", summary);
		dest[0] = '\0';
		if (f->kind == FINDING_CONNECT)
			snprintf(dest, sizeof(dest), "%s:%u/%s", f->address, f->port, f->protocol ? f->protocol : "inet");
		else if (f->kind == FINDING_DNS)
			snprintf(dest, sizeof(dest), "%s", f->name);
		field(&e, "MESSAGE", message);
		field(&e, "PRIORITY", f->suspicious ? "4" : "6");
		field(&e, "SYSLOG_IDENTIFIER", "pkgguard-sandbox");
		field(&e, "PKGGUARD_FINDING", kinds[f->kind]);
		field(&e, "PKGGUARD_SEVERITY", f->suspicious ? "suspicious" : "info");
		field(&e, "PKGGUARD_PACKAGE", package);
		field(&e, "PKGGUARD_EVENT", event);
		field(&e, "PKGGUARD_DESTINATION", dest[0] ? dest : NULL);
		field(&e, "PKGGUARD_PATH", f->path);
		field(&e, "PKGGUARD_SHA256", f->sha256);
		field(&e, "PKGGUARD_RECORD", record);
		if (sendto(fd, e.buf, e.len, MSG_NOSIGNAL, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			break; /* no journald here */
	}
	close(fd);
}
