#!/bin/sh
# bench_exec.sh BUILD_DIR — what pkgguardd costs every exec on the machine
# (run by `make bench`; informational, no timed assertion).
#
# EXECS execs of /bin/true from a shell loop, with pkgguardd running in
# enforce mode and without it, in ROUNDS alternating rounds (round-robin, so
# the machine's drift hits both alike). Prints each rate, the ratio
# with/without (target <= 1.05), the daemon's decision latency p50/p99 from
# `pkgguard status --json` (target p99 < 100 us) and its RSS from /proc
# (target < 10 MB). The daemon runs under `timeout -s KILL` and is stopped
# by its pid. Skips, saying why, when build/pkgguardd is not built, when not
# root, or when fanotify is unavailable.
set -u
BUILD=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
EXECS=${EXECS:-5000}
ROUNDS=${ROUNDS:-4}
D=$BUILD/pkgguardd
PG=$BUILD/pkgguard
SOCK=/run/pkgguard/control

say() { echo "bench_exec: $*"; }
[ -x "$D" ] || { say "skipped: $D is not built yet"; exit 0; }
[ "$(id -u)" -eq 0 ] || { say "skipped: pkgguardd needs root (fanotify permission events)"; exit 0; }
if [ ! -d /proc/sys/fs/fanotify ]; then
	say "skipped: this kernel has no fanotify (/proc/sys/fs/fanotify missing)"
	exit 0
fi
PY=$(command -v python3) || { say "skipped: python3 is needed to read the status JSON"; exit 0; }

work=$(mktemp -d)
tpid=""
dpid=""
stop_daemon() {
	[ -n "$tpid" ] || return 0
	[ -n "$dpid" ] && kill -TERM "$dpid" 2>/dev/null
	i=0
	while kill -0 "$tpid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	kill -KILL "$tpid" 2>/dev/null
	[ -n "$dpid" ] && kill -KILL "$dpid" 2>/dev/null
	wait "$tpid" 2>/dev/null
	tpid="" dpid=""
}
trap 'stop_daemon; rm -rf "$work"' EXIT INT TERM

printf 'mode = "enforce";\nlog_level = "info";\n' >"$work/pkgguardd.conf"

# Starts the daemon in the foreground; 0 once its control socket answers.
start_daemon() {
	PKGGUARD_PROFILE_PATH=$top/profiles timeout -s KILL 600 "$D" --foreground \
		--config "$work/pkgguardd.conf" --mode enforce >>"$work/daemon.log" 2>&1 &
	tpid=$!
	i=0
	while [ $i -lt 100 ]; do
		if ! kill -0 "$tpid" 2>/dev/null; then
			wait "$tpid" 2>/dev/null
			tpid=""
			return 1
		fi
		if "$PG" status --json --socket "$SOCK" >"$work/status.json" 2>/dev/null; then
			dpid=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$work/status.json" 2>/dev/null)
			[ -n "$dpid" ] || dpid=$(pgrep -P "$tpid" | head -n 1)
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# Wall time in ns of N execs of /bin/true from a shell loop.
loop_ns() {
	t0=$(date +%s%N)
	sh -c 'i=0; while [ $i -lt "$1" ]; do /bin/true; i=$((i + 1)); done' sh "$1"
	t1=$(date +%s%N)
	echo $((t1 - t0))
}

per_round=$((EXECS / ROUNDS))
[ "$per_round" -gt 0 ] || per_round=1
off_ns=0 on_ns=0
loop_ns 200 >/dev/null # warm-up
r=0
while [ $r -lt "$ROUNDS" ]; do
	off_ns=$((off_ns + $(loop_ns "$per_round")))
	if ! start_daemon; then
		say "skipped: pkgguardd did not come up ($(tail -n 2 "$work/daemon.log" | tr '\n' ' '))"
		exit 0
	fi
	on_ns=$((on_ns + $(loop_ns "$per_round")))
	r=$((r + 1))
	if [ $r -eq "$ROUNDS" ]; then
		"$PG" status --json --socket "$SOCK" >"$work/status.json" 2>"$work/status.err" ||
			say "pkgguard status failed: $(cat "$work/status.err")"
		rss=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$dpid/status" 2>/dev/null)
	fi
	stop_daemon
done

total=$((per_round * ROUNDS))
"$PY" - "$total" "$ROUNDS" "$off_ns" "$on_ns" "$work/status.json" "${rss:-}" <<'EOF'
import json, sys
n, rounds, off, on, status, rss = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
print("bench_exec: %d execs of /bin/true from a shell loop, %d rounds alternating" % (n, rounds))
print("  without pkgguardd  %8.1f us/exec" % (off / n / 1000.0))
print("  with pkgguardd     %8.1f us/exec  (enforce)" % (on / n / 1000.0))
ratio = on / off if off else float("nan")
print("  ratio with/without = %.3f (target <= 1.05: %s)" % (ratio, "met" if ratio <= 1.05 else "NOT met"))
try:
    st = json.load(open(status))
    lat = st.get("latency_us", {})
    p99 = lat.get("p99")
    print("  daemon: events %s, allows %s, denies %s, cache hits %s, overflows %s" % (
        st.get("events"), st.get("allows"), st.get("denies"), st.get("cache_hits"), st.get("overflows")))
    print("  decision latency p50 %s us, p90 %s us, p99 %s us, max %s us (target p99 < 100: %s)" % (
        lat.get("p50"), lat.get("p90"), p99, lat.get("max"),
        "met" if isinstance(p99, (int, float)) and p99 < 100 else "NOT met"))
except (OSError, ValueError) as e:
    print("  daemon status: unreadable (%s)" % e)
if rss:
    print("  daemon RSS %.1f MB (target < 10: %s)" % (int(rss) / 1024.0, "met" if int(rss) < 10240 else "NOT met"))
else:
    print("  daemon RSS: unknown")
EOF
if command -v fapolicyd >/dev/null 2>&1; then
	say "fapolicyd is installed; its side-by-side run is not automated here (run it permissive by hand)"
else
	say "fapolicyd is not installed: no side-by-side"
fi
