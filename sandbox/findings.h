/* findings.h — what the tripwire saw one sandboxed script try (the tripwire, README.md):
 * network attempts with their destinations, DNS names, decoy secrets opened
 * or sent, files and processes left behind, its own package files rewritten.
 * Collected by pkgguard-sandbox's parent process (outside the sandbox), kept
 * in memory, written into the script's record (record.c). Each finding is
 * "info" or "suspicious" by the rule table of README.md ("Tripwire"), which
 * finding_classify() implements; a record is suspicious when one finding is. */
#ifndef PKGGUARD_FINDINGS_H
#define PKGGUARD_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum finding_kind {
	FINDING_DNS,            /* name looked up (the DNS stub's queries) */
	FINDING_CONNECT,        /* connect/sendto/sendmsg/sendmmsg to an inet address */
	FINDING_DECOY_OPENED,   /* a decoy secret in the private $HOME was opened */
	FINDING_DECOY_SENT,     /* a decoy's token was in something sent or left */
	FINDING_FILE_LEFT,      /* file left in the private $HOME, /tmp, /var/tmp, /dev/shm */
	FINDING_PROCESS_LEFT,   /* a process outlived the script and was killed */
	FINDING_SELF_MODIFIED,  /* a file of the package deleted or rewritten */
	FINDING_REFUSED_CALL,   /* a kernel call the sandbox refuses (unshare, bpf…) */
};

struct finding {
	enum finding_kind kind;
	bool suspicious;
	unsigned count;        /* repeats of the same finding */
	char *name;            /* DNS name, decoy, syscall */
	char *path;            /* file, decoy path, executable */
	char *address;         /* connect: numeric address */
	char *protocol;        /* "tcp", "udp", "inet" when unknown */
	char *detail;          /* deleted/rewritten, command line, where a token went */
	char *sha256;
	char *quarantine;      /* copy kept, relative to the record directory */
	uint64_t size;
	unsigned port, mode;
	long pid;
	bool local;            /* connect: loopback, inside the sandbox's own network */
	bool executable;       /* file: any x bit, or starts with "#!" or ELF */
};

struct findings {
	struct finding *v;
	size_t n, cap;
	size_t dropped;        /* findings beyond FINDINGS_MAX, counted only */
};

#define FINDINGS_MAX 256

/* Adds a copy of f (strings duplicated), classified; an equal finding
 * already there (same kind, name, path, address, port) counts once more
 * instead. Returns 0 or -ENOMEM. */
int findings_add(struct findings *fs, const struct finding *f);
void findings_free(struct findings *fs);
/* Sets f->suspicious by the rule table. */
void finding_classify(struct finding *f);
bool findings_suspicious(const struct findings *fs);
/* One line on f, into buf. */
void findings_summary(const struct finding *f, char *buf, size_t len);
/* One line on the first suspicious finding (or the first one), into buf. */
void findings_reason(const struct findings *fs, char *buf, size_t len);
/* The "findings" JSON array (record.c's writer). */
void findings_write_json(FILE *f, const struct findings *fs);

#endif
