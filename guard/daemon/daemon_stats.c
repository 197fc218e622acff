/* daemon_stats.c — latency histograms (daemon_stats.h). */
#include "daemon_stats.h"

#include <stdio.h>

/* 2^(i/4) with the quarter steps 1, 1.19, 1.41, 1.68 */
static const uint64_t quarter[4] = { 100, 119, 141, 168 };

static uint64_t bound_us(unsigned i)
{
	return ((uint64_t)1 << (i / 4)) * quarter[i % 4] / 100;
}

/* Bucket i holds latencies up to 2^(i/4) µs. Integer-only on the hot path. */
static unsigned bucket_of(uint64_t us)
{
	unsigned i = 0;

	while (i + 1 < STATS_BUCKETS && us > bound_us(i))
		i++;
	return i;
}

void hist_add(struct latency_hist *h, uint64_t ns)
{
	h->buckets[bucket_of(ns / 1000)]++;
	if (ns > h->max_ns)
		h->max_ns = ns;
}

uint64_t hist_percentile_us(const struct latency_hist *h, unsigned pct)
{
	uint64_t total = 0, seen = 0, want;

	for (unsigned i = 0; i < STATS_BUCKETS; i++)
		total += h->buckets[i];
	if (total == 0)
		return 0;
	want = (total * pct + 99) / 100;
	if (want == 0)
		want = 1;
	for (unsigned i = 0; i < STATS_BUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= want)
			return bound_us(i);
	}
	return h->max_ns / 1000;
}

int hist_json_buckets(const struct latency_hist *h, char *out, size_t len)
{
	int w = snprintf(out, len, "[");
	size_t n;

	if (w < 0)
		return w;
	n = (size_t)w;
	for (unsigned i = 0; i < STATS_BUCKETS; i++) {
		if (!h->buckets[i])
			continue;
		w = snprintf(n < len ? out + n : NULL, n < len ? len - n : 0, "%s[%llu,%llu]", n > 1 ? "," : "",
			     (unsigned long long)bound_us(i), (unsigned long long)h->buckets[i]);
		if (w < 0)
			return w;
		n += (size_t)w;
	}
	w = snprintf(n < len ? out + n : NULL, n < len ? len - n : 0, "]");
	return w < 0 ? w : (int)(n + (size_t)w);
}
