/* leftovers.h — what a script left behind (the tripwire, README.md): files in its private
 * $HOME, /tmp, /var/tmp and /dev/shm (which vanish with the sandbox), with
 * size, mode, sha256 and a bounded copy in a quarantine directory beside the
 * record; processes that outlived it; files of its own package it deleted
 * or rewrote. Everything here runs in pkgguard-sandbox's parent after every
 * process of the sandbox is dead (files), in init just before its final
 * sweep (processes), or before the script starts (the package snapshot). */
#ifndef PKGGUARD_LEFTOVERS_H
#define PKGGUARD_LEFTOVERS_H

#include <stdint.h>
#include <sys/types.h>

#include "decoys.h"
#include "findings.h"

#define QUARANTINE_FILE_MAX (1u << 20)   /* bytes kept of one file */
#define QUARANTINE_SCRIPT_MAX (8u << 20) /* bytes kept of one script's files */
#define LEFTOVER_FILES_MAX 64            /* files recorded per script */
#define HASH_FILE_MAX (64u << 20)        /* bytes hashed of one file */
#define HASH_SCRIPT_MAX (256u << 20)     /* bytes hashed of one script's files */
#define WALK_ENTRIES_MAX 20000           /* directory entries looked at per script */

/* Where the copies go: dirfd of the record directory, the quarantine's
 * name in it (made on the first copy), and the running total. */
struct quarantine {
	int dirfd;            /* -1: no copies kept */
	const char *name;
	int made;
	uint64_t used;
	unsigned files;
	uint64_t hashed;      /* bytes hashed so far (HASH_SCRIPT_MAX) */
	unsigned entries;     /* entries walked so far (WALK_ENTRIES_MAX) */
};

/* Walks the tree under dirfd (shown as prefix: "~", "/tmp"…), one file
 * system only, and records every regular file (skipping the decoys that
 * are as planted, and a directory skip_ino at its top, walked on its own),
 * keeping copies in q. Returns 0 or -errno. */
int leftovers_walk(int dirfd, const char *prefix, const struct decoys *decoys, struct quarantine *q,
		   ino_t skip_ino, struct findings *out);

/* A process that outlived the script (read from /proc before the kill). */
struct leftover_process {
	long pid;
	char exe[256];
	char cmdline[512];
};
/* Fills p for pid from /proc; returns 0 or -errno. */
int leftover_process_read(pid_t pid, struct leftover_process *p);

/* The package's own files, before the script ran: package.json and the
 * files its command names (at most PKG_SNAPSHOT_MAX). */
#define PKG_SNAPSHOT_MAX 8
struct pkg_file {
	char name[256];
	const char *role;     /* "manifest", "script" */
	int present;
	uint64_t size;
	char sha256[65];
};
struct pkg_snapshot {
	struct pkg_file v[PKG_SNAPSHOT_MAX];
	size_t n;
};
void pkg_snapshot_take(struct pkg_snapshot *s, const char *pkg_dir, const char *command);
/* Adds a finding for each file deleted or rewritten since the snapshot. */
int pkg_snapshot_compare(const struct pkg_snapshot *s, const char *pkg_dir, struct findings *out);

#endif
