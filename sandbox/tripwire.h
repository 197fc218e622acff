/* tripwire.h — the install-time tripwire (README.md): what one sandboxed
 * script tried, recorded by pkgguard-sandbox's parent, outside the sandbox,
 * for its record (record.h). On only when a record is asked for
 * (PKGGUARD_RECORD_DIR): records off costs nothing.
 *
 * Pieces: the seccomp notification supervisor for network calls
 * (notify_supervisor.c), the DNS stub (dns_stub.c), decoy secrets in the
 * private $HOME (decoys.c), files and processes left and the package's own
 * files changed (leftovers.c), the findings and their verdict (findings.c).
 *
 * The sandbox's processes hand the parent what it needs over one
 * SOCK_SEQPACKET socket (descriptors with SCM_RIGHTS): the script its DNS
 * stub socket (made in its network namespace) and its notification
 * listener, both before its execve; init the inotify descriptor of the
 * decoys and the roots of the private $HOME, /tmp, /var/tmp and /dev/shm
 * before the script starts, and the processes left just before its final
 * sweep. The socket is close-on-exec: the script's own code never holds it,
 * and a socket cannot be reopened through /proc. */
#ifndef PKGGUARD_TRIPWIRE_H
#define PKGGUARD_TRIPWIRE_H

#include <poll.h>
#include <stdbool.h>
#include <sys/types.h>

#include "findings.h"
#include "layers.h"
#include "policy.h"

struct tripwire;

/* Parent, before the sandbox starts. record_dir: where the record and the
 * quarantine go. Returns NULL (reported) on failure. */
struct tripwire *tripwire_new(const struct policy *p, const char *command, const char *record_dir);
void tripwire_free(struct tripwire *tw);

/* Parent, around each clone: the channel's child end exists only then. */
int tripwire_channel_open(struct tripwire *tw, enum confinement mode);
void tripwire_channel_close_child(struct tripwire *tw);

/* Parent: the main seccomp filter; with a tripwire, without the refusals
 * its notification filter makes (and counts) instead. */
int tripwire_filter_build(const struct tripwire *tw, const struct policy *p, enum confinement mode,
			  struct seccomp_prog *out);

/* Script, in its network namespace (before dropping capabilities). */
int tripwire_script_netns(struct tripwire *tw);
/* Script, right before the main seccomp filter: loads the notification
 * filter and hands its listener over. */
int tripwire_script_notify(struct tripwire *tw);
/* init, once the view is built (after pivot_root), before the script
 * starts: decoys, inotify, the roots of the private directories. */
int tripwire_init_view(struct tripwire *tw, const struct policy *p);
/* init, after the script ended and before it kills what is left: stops
 * every process and reports each (pidns_init.c). No-op without a tripwire. */
void tripwire_init_sweep(void);

/* init, after the sweep: stays until the parent has walked the private
 * directories (it closes the channel). The mount namespace's teardown
 * (tens of ms of RCU grace periods) then happens in init's exit, which the
 * parent does not wait for, instead of in the parent's last close(). */
void tripwire_init_linger(void);

/* Parent, CONFINE_FALLBACK: decoys and private directories on the host. */
int tripwire_fallback_view(struct tripwire *tw, const char *fallback_tmp);
/* Parent, CONFINE_FALLBACK: a process left, before it is killed. */
void tripwire_note_process(struct tripwire *tw, pid_t pid);

/* Parent's wait loop: the descriptors to poll (at most TRIPWIRE_POLL_MAX)
 * and what to do when they are ready. */
#define TRIPWIRE_POLL_MAX 3
int tripwire_pollfds(const struct tripwire *tw, struct pollfd *fds);
void tripwire_poll_ready(struct tripwire *tw, const struct pollfd *fds, int n);

/* Parent, once every process of the sandbox is dead: drains what is
 * left, reads the decoy opens, walks the private directories (hashes,
 * quarantine), compares the package's files. */
int tripwire_finish(struct tripwire *tw);

/* For the record. */
const struct findings *tripwire_findings(const struct tripwire *tw);
const char *tripwire_record_name(const struct tripwire *tw);
const char *tripwire_quarantine(const struct tripwire *tw);
const char *tripwire_status(const struct tripwire *tw);

#endif
