/* test_daemon_stats.c — pkgguardd's latency histograms (daemon_stats.c):
 * bucket bounds, percentiles, and the JSON buckets `pkgguard status --json`
 * shows (subtracted by `make bench` to get one loop's latencies). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "daemon_stats.h"

static void test_percentiles(void **state)
{
	struct latency_hist h = { 0 };

	(void)state;
	assert_int_equal(hist_percentile_us(&h, 99), 0);
	for (int i = 0; i < 98; i++)
		hist_add(&h, 2000); /* 2 us */
	hist_add(&h, 90000);
	hist_add(&h, 150000);
	assert_int_equal(hist_percentile_us(&h, 50), 2);
	/* within a quarter power of two above the value */
	assert_true(hist_percentile_us(&h, 99) >= 90 && hist_percentile_us(&h, 99) < 108);
	assert_true(hist_percentile_us(&h, 100) >= 150 && hist_percentile_us(&h, 100) < 180);
	assert_int_equal(h.max_ns, 150000);
}

static void test_json_buckets(void **state)
{
	struct latency_hist h = { 0 };
	char buf[256], small[8];

	(void)state;
	assert_int_equal(hist_json_buckets(&h, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "[]");
	hist_add(&h, 1000);
	hist_add(&h, 1000);
	hist_add(&h, 3000);
	int n = hist_json_buckets(&h, buf, sizeof(buf));
	assert_string_equal(buf, "[[1,2],[3,1]]");
	assert_int_equal(n, (int)strlen(buf));
	/* too small: NUL-terminated, and the length it needed */
	assert_int_equal(hist_json_buckets(&h, small, sizeof(small)), (int)strlen("[[1,2],[3,1]]"));
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percentiles),
		cmocka_unit_test(test_json_buckets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
