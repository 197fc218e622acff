/* daemon_log.c — decision entries, journal or stderr (daemon_log.h). */
#include "daemon_log.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-journal.h>

static bool to_journal;

void daemon_log_init(void)
{
	to_journal = getenv("JOURNAL_STREAM") != NULL;
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

void daemon_log_decision(const struct decision_record *r)
{
	if (to_journal) {
		sd_journal_send("MESSAGE=pkgguardd: %s pid %d exec %s (%s; rule %s)", r->decision, (int)r->pid,
				or_dash(r->exe), r->reason, or_dash(r->rule),
				"PRIORITY=%d", strcmp(r->decision, "allow") == 0 ? 7 : 4,
				"PKGGUARD_DECISION=%s", r->decision,
				"PKGGUARD_REASON=%s", r->reason,
				"PKGGUARD_RULE=%s", or_dash(r->rule),
				"PKGGUARD_PID=%d", (int)r->pid,
				"PKGGUARD_EXE=%s", or_dash(r->exe),
				"PKGGUARD_PM=%s", or_dash(r->pm),
				"PKGGUARD_PACKAGE=%s", or_dash(r->package),
				"PKGGUARD_EVENT=%s", or_dash(r->event),
				"PKGGUARD_COMMAND=%s", or_dash(r->command),
				NULL);
		return;
	}
	fprintf(stderr, "pkgguardd: %s pid=%d exe=%s pm=%s package=%s event=%s reason=%s rule=%s command=%s\n",
		r->decision, (int)r->pid, or_dash(r->exe), or_dash(r->pm), or_dash(r->package),
		or_dash(r->event), r->reason, or_dash(r->rule), or_dash(r->command));
}
