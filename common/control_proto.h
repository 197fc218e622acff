/* control_proto.h — the control socket of pkgguardd, shared by the daemon
 * (server) and `pkgguard status` (client). A root-only SOCK_STREAM unix
 * socket; the client writes one request line, the daemon answers and
 * closes:
 *   "status\n"       human text: mode, uptime, counters, latency percentiles,
 *                    the profile directories in force
 *   "status json\n"  the same as one JSON object:
 *     { "pid", "mode", "uptime_s", "events", "allows", "denies",
 *       "audit_would_deny", "cache_hits", "overflows",
 *       "reparsed", "reparse_nested", "reparse_fallbacks",
 *       "latency_us": { "p50", "p90", "p99", "max" },
 *       "reparse_latency_us": { "p50", "p90", "p99", "max" }, "rss_kb",
 *       "profile_dirs": [ the profile search path in force ] }
 * Unknown requests get "error: unknown request\n". */
#ifndef PKGGUARD_CONTROL_PROTO_H
#define PKGGUARD_CONTROL_PROTO_H

#define PKGGUARD_RUN_DIR "/run/pkgguard"
#define PKGGUARD_CONTROL_SOCKET PKGGUARD_RUN_DIR "/control"
#define PKGGUARD_CONTROL_MAX_REQUEST 64
#define PKGGUARD_CONTROL_TIMEOUT_MS 2000

#endif
