/* daemon_stats.h — pkgguardd's counters and decision-latency histogram,
 * reported on the control socket (control_proto.h). Buckets are quarter
 * powers of two of microseconds, so a percentile is within 19%. */
#ifndef PKGGUARD_DAEMON_STATS_H
#define PKGGUARD_DAEMON_STATS_H

#include <stdint.h>

#define STATS_BUCKETS 96

struct daemon_stats {
	uint64_t events, allows, denies, audit_would_deny, cache_hits, overflows, errors;
	uint64_t latency_max_ns;
	uint64_t buckets[STATS_BUCKETS];
};

void stats_latency(struct daemon_stats *s, uint64_t ns);
/* Upper bound of the bucket holding percentile pct (0..100), in µs. */
uint64_t stats_percentile_us(const struct daemon_stats *s, unsigned pct);

#endif
