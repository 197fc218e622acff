/* journal.h — one journald entry per finding of a script pkgguardd
 * reparsed (the tripwire), with structured fields a fleet's log pipeline can
 * alert on: PKGGUARD_FINDING (the kind), PKGGUARD_SEVERITY, PKGGUARD_PACKAGE,
 * PKGGUARD_EVENT, PKGGUARD_DESTINATION (address:port/protocol or DNS name),
 * PKGGUARD_PATH, PKGGUARD_SHA256, PKGGUARD_RECORD. Written with journald's
 * native datagram protocol on /run/systemd/journal/socket
 * ($PKGGUARD_JOURNAL_SOCKET for the tests): a few lines of our own instead
 * of libsystemd, which pkgguard-sandbox would load for every script. No
 * journald: nothing is sent, the record stays the evidence. */
#ifndef PKGGUARD_JOURNAL_H
#define PKGGUARD_JOURNAL_H

#include "findings.h"

void journal_findings(const struct findings *fs, const char *package, const char *event, const char *record);

#endif
