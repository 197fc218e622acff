/* daemon_stats.h — pkgguardd's counters and latency histograms, reported
 * on the control socket (control_proto.h). Buckets are quarter powers of
 * two of microseconds, so a percentile is within 19%. */
#ifndef PKGGUARD_DAEMON_STATS_H
#define PKGGUARD_DAEMON_STATS_H

#include <stddef.h>
#include <stdint.h>

#define STATS_BUCKETS 96

struct latency_hist {
	uint64_t max_ns;
	uint64_t buckets[STATS_BUCKETS];
};

struct daemon_stats {
	uint64_t events, allows, denies, audit_would_deny, cache_hits, overflows, errors;
	struct latency_hist latency;   /* event read → answer written */
};

/* Kept by the reparse thread (reparse.c), copied out under its lock. */
struct reparse_stats {
	uint64_t reparsed;     /* ran in pkgguard-sandbox */
	uint64_t via_mmap;     /* of those, placed through the injected mmap (no room below sp) */
	uint64_t nested;       /* a package manager run by the package manager, run as itself */
	uint64_t fallbacks;    /* could not be reparsed: denied */
	struct latency_hist latency;   /* event read → process released */
};

void hist_add(struct latency_hist *h, uint64_t ns);
/* The non-empty buckets as JSON, [[upper bound in µs, count], …]: two
 * answers can be subtracted to get the latencies of what happened between
 * them. Returns what snprintf returns (truncated output: >= len). */
int hist_json_buckets(const struct latency_hist *h, char *out, size_t len);
/* Upper bound of the bucket holding percentile pct (0..100), in µs. */
uint64_t hist_percentile_us(const struct latency_hist *h, unsigned pct);

#endif
