/* decoys.h — decoy secrets in the script's private $HOME (the tripwire, README.md): files
 * where stealers look, each with a token unique to the run. Which decoys
 * were opened is watched with inotify (no privilege needed): the watches
 * are made where the decoys are planted and the inotify descriptor goes to
 * the parent, outside the sandbox. A token seen in a DNS name, in a
 * refused send or in a file left behind is the strongest finding there is.
 *
 * What counts as suspicious, per decoy (README.md, "Tripwire"): opening
 * ~/.npmrc is informational (every nested npm reads it); opening any other
 * decoy is suspicious (nothing an install needs: ssh keys, cloud and
 * registry credentials); a token anywhere it was sent is suspicious. */
#ifndef PKGGUARD_DECOYS_H
#define PKGGUARD_DECOYS_H

#include <stddef.h>

#define DECOYS_MAX 8
#define DECOY_TOKEN_LEN 24

struct decoys {
	char token[DECOYS_MAX][DECOY_TOKEN_LEN + 1];  /* lowercase hex */
	int wd[DECOYS_MAX];                           /* inotify watch, or -1 */
	size_t n;
};

/* Fresh tokens for every decoy. Returns 0 or -errno. */
int decoys_init(struct decoys *d);
/* Writes the decoys under home (an absolute path in the caller's view),
 * skipping any whose place is taken (a read-only bind of the real file);
 * when inotify_fd >= 0, watches each one for opens. Returns 0 or -errno. */
int decoys_plant(struct decoys *d, const char *home, int inotify_fd);
/* "~/.npmrc" & co. */
const char *decoy_path(size_t i);
/* ".npmrc" & co.: relative to $HOME. */
const char *decoy_relpath(size_t i);
/* The decoy whose token is in buf (case-insensitive), or -1. */
int decoys_find_token(const struct decoys *d, const void *buf, size_t len);
/* Calls opened(ctx, i) for each open event waiting on inotify_fd. */
void decoys_read_events(const struct decoys *d, int inotify_fd, void (*opened)(void *ctx, size_t i), void *ctx);

#endif
