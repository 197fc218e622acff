/* daemon_stats.c — counters and the latency histogram (daemon_stats.h). */
#include "daemon_stats.h"


/* Bucket i holds latencies up to 2^(i/4) µs. Integer-only on the hot path. */
static unsigned bucket_of(uint64_t us)
{
	unsigned i = 0;

	while (i + 1 < STATS_BUCKETS) {
		/* 2^(i/4) with the quarter steps 1, 1.19, 1.41, 1.68 */
		static const uint64_t q[4] = { 100, 119, 141, 168 };
		uint64_t bound = ((uint64_t)1 << (i / 4)) * q[i % 4] / 100;

		if (us <= bound)
			break;
		i++;
	}
	return i;
}

void stats_latency(struct daemon_stats *s, uint64_t ns)
{
	s->buckets[bucket_of(ns / 1000)]++;
	if (ns > s->latency_max_ns)
		s->latency_max_ns = ns;
}

uint64_t stats_percentile_us(const struct daemon_stats *s, unsigned pct)
{
	static const uint64_t q[4] = { 100, 119, 141, 168 };
	uint64_t total = 0, seen = 0, want;

	for (unsigned i = 0; i < STATS_BUCKETS; i++)
		total += s->buckets[i];
	if (total == 0)
		return 0;
	want = (total * pct + 99) / 100;
	if (want == 0)
		want = 1;
	for (unsigned i = 0; i < STATS_BUCKETS; i++) {
		seen += s->buckets[i];
		if (seen >= want)
			return ((uint64_t)1 << (i / 4)) * q[i % 4] / 100;
	}
	return s->latency_max_ns / 1000;
}
