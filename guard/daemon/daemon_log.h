/* daemon_log.h — one log entry per decision of pkgguardd: to the journal
 * with structured fields (PKGGUARD_DECISION, PKGGUARD_REASON, PKGGUARD_RULE
 * (the rule that decided: classify.h's rule_name), PKGGUARD_PID, PKGGUARD_EXE,
 * PKGGUARD_PM, PKGGUARD_PACKAGE, PKGGUARD_COMMAND) when running under
 * journald (JOURNAL_STREAM set), else one line on stderr. Called after the
 * response is written: journald may be the process waiting on an event. */
#ifndef PKGGUARD_DAEMON_LOG_H
#define PKGGUARD_DAEMON_LOG_H

#include <sys/types.h>

struct decision_record {
	const char *decision;   /* "deny", "would-deny", "allow" */
	const char *reason;
	const char *rule;       /* the rule that decided (rule_name), or NULL */
	pid_t pid;
	const char *exe;        /* the file being exec'd */
	const char *pm;         /* package manager, or NULL */
	const char *package;    /* from the process's cwd (common/package_name.h), or NULL */
	const char *event;      /* the lifecycle event (postinstall…) of the pending exec, or NULL */
	const char *command;    /* the pending exec's argv where it could be read, else the
				 * exec'ing process's command line; spaces between arguments */
};

void daemon_log_init(void);
void daemon_log_decision(const struct decision_record *r);

#endif
