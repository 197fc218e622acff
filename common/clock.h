/* clock.h — monotonic time for durations and deadlines (never the wall
 * clock, which an admin or NTP may step). clock.c. */
#ifndef PKGGUARD_CLOCK_H
#define PKGGUARD_CLOCK_H

#include <stdint.h>
#include <time.h>

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t now_ns(void);
/* Milliseconds from start (a CLOCK_MONOTONIC reading) to now. */
uint64_t ms_since(const struct timespec *start);

#endif
