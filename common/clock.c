/* clock.c — monotonic time (clock.h). */
#include "clock.h"

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t ms_since(const struct timespec *start)
{
	uint64_t then = (uint64_t)start->tv_sec * 1000000000u + (uint64_t)start->tv_nsec;
	return (now_ns() - then) / 1000000u;
}
