#!/bin/sh
# exec.sh BUILD_DIR — what pkgguardd costs every exec on the machine
# (run by `make bench`; informational, no timed assertion).
#
# EXECS execs of /bin/true from a shell loop, with pkgguardd running in
# enforce mode, without it, and with the floor — build/tests/fanotify_floor,
# a listener on the same events that allows each without reading anything:
# the permission round trip alone — in ROUNDS rounds of the three
# (round-robin, so the machine's drift hits all alike). Prints each rate, the
# ratio with/without (target <= 1.05) — of the totals, and the median of the
# rounds' own ratios, which a burst of other load in one round moves less —,
# the floor's ratio and pkgguardd's over the floor, the daemon's decision
# latency p50/p90/p99 over the loops' own decisions (the difference of
# `pkgguard status --json` latency buckets before and after each loop; target
# p99 < 100 us) and over its whole life, and its RSS from /proc
# (target < 10 MB). The daemon runs under `timeout -s KILL` and is stopped
# by its pid. Skips, saying why, when build/pkgguardd is not built, when not
# root, or when fanotify is unavailable.
set -u
BUILD=${1:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
EXECS=${EXECS:-5000}
ROUNDS=${ROUNDS:-10}
D=$BUILD/pkgguardd
PG=$BUILD/pkgguard
SOCK=/run/pkgguard/control

say() { echo "bench exec: $*"; }
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
# Stops what runs under `timeout` (pid $1) by its own pid $2: TERM, up to
# 5 s, then KILL — the inner pid only while the wrapper still lives (once it
# has exited, its child was reaped and the pid may be another's).
stop_wrapped() {
	[ -n "$1" ] || return 0
	[ -n "$2" ] && kill -TERM "$2" 2>/dev/null
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	if kill -0 "$1" 2>/dev/null; then
		[ -n "$2" ] && kill -KILL "$2" 2>/dev/null
		kill -KILL "$1" 2>/dev/null
	fi
	wait "$1" 2>/dev/null
}
stop_daemon() {
	stop_wrapped "$tpid" "$dpid"
	tpid="" dpid=""
}
trap 'stop_daemon; stop_floor; stop_fapo; rm -rf "$work"' EXIT INT TERM

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

# The floor marks what pkgguardd marks: every mounted filesystem of its
# default local types.
FLOOR=$BUILD/tests/fanotify_floor
floor_mounts=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { print $5, $(i + 1); break } }' /proc/self/mountinfo |
	awk '$2 ~ /^(ext2|ext3|ext4|xfs|btrfs|tmpfs|overlay|f2fs|vfat|exfat|ramfs|squashfs|zfs|jfs|reiserfs|bcachefs)$/ { print $1 }' |
	sed 's/\\040/ /g')
fpid=""
start_floor() {
	[ -x "$FLOOR" ] || return 1
	: >"$work/floor.log"
	# shellcheck disable=SC2086 # one mount point per word
	timeout -s KILL 600 "$FLOOR" $floor_mounts 2>"$work/floor.log" &
	fpid=$!
	i=0
	while [ $i -lt 100 ] && ! grep -q 'ready' "$work/floor.log"; do sleep 0.02; i=$((i + 1)); done
	grep -q 'ready' "$work/floor.log"
}
stop_floor() {
	[ -n "$fpid" ] || return 0
	kill "$(sed -n 's/.*ready, pid \([0-9]*\)$/\1/p' "$work/floor.log")" 2>/dev/null
	wait "$fpid" 2>/dev/null
	fpid=""
}

# fapolicyd, where installed: the same loop under it, permissive, with one
# rule allowing everything (its own work per event, no policy of ours), in
# the same rounds. Its config has no path option, so it runs in a private
# mount namespace with a copy of /etc/fapolicyd (watching the types we
# watch, filesystem marks so the host's execs are seen, no uid switch: a
# container may refuse it), its own /var/lib/fapolicyd and /run: nothing of
# the host is changed. Stopped by its pid.
FAPO=$(command -v fapolicyd 2>/dev/null || true)
fapo_pid="" fapo_tpid="" fapo_why=""
if [ -z "$FAPO" ]; then
	fapo_why="fapolicyd is not installed (apt-get install fapolicyd for the side-by-side)"
elif ! command -v unshare >/dev/null 2>&1 || ! command -v fagenrules >/dev/null 2>&1; then
	fapo_why="unshare or fagenrules missing"
else
	fd_=$work/fapolicyd
	mkdir -p "$fd_/etc/rules.d" "$fd_/lib"
	types=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { print $(i + 1); break } }' /proc/self/mountinfo |
		grep -xE 'ext2|ext3|ext4|xfs|btrfs|tmpfs|overlay|f2fs|vfat|exfat|ramfs|squashfs|zfs|jfs|reiserfs|bcachefs' |
		sort -u | paste -sd, -)
	sed -e 's/^permissive.*/permissive = 1/' -e "s/^watch_fs.*/watch_fs = $types/" \
		-e 's/^allow_filesystem_mark.*/allow_filesystem_mark = 1/' -e 's/^uid.*/uid = root/' -e 's/^gid.*/gid = root/' \
		/etc/fapolicyd/fapolicyd.conf >"$fd_/etc/fapolicyd.conf"
	cp /etc/fapolicyd/fapolicyd.trust "$fd_/etc/" 2>/dev/null
	cp -r /etc/fapolicyd/trust.d "$fd_/etc/" 2>/dev/null
	echo "allow perm=any all : all" >"$fd_/etc/rules.d/10-allow-all.rules"
fi
start_fapo() {
	[ -z "$fapo_why" ] || return 1
	: >"$fd_/log"
	timeout -s KILL 600 unshare -m sh -c '
		mount --make-rprivate / && mount --bind "$1/etc" /etc/fapolicyd &&
		mount --bind "$1/lib" /var/lib/fapolicyd && mount -t tmpfs tmpfs /run && mkdir /run/fapolicyd &&
		fagenrules >/dev/null 2>&1 && exec fapolicyd --permissive --debug-deny' sh "$fd_" >"$fd_/log" 2>&1 &
	fapo_tpid=$!
	i=0
	while [ $i -lt 300 ] && ! grep -q 'Starting to listen' "$fd_/log"; do
		kill -0 "$fapo_tpid" 2>/dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	fapo_pid=$(pgrep -P "$fapo_tpid" | head -n 1)
	if ! grep -q 'Starting to listen' "$fd_/log" || [ -z "$fapo_pid" ]; then
		fapo_why="fapolicyd did not start: $(tail -n 2 "$fd_/log" | tr '\n' ' ')"
		stop_fapo
		return 1
	fi
}
stop_fapo() {
	stop_wrapped "$fapo_tpid" "$fapo_pid"
	fapo_tpid="" fapo_pid=""
}

per_round=$((EXECS / ROUNDS))
[ "$per_round" -gt 0 ] || per_round=1
off_ns=0 on_ns=0 floor_ns=0 fapo_ns=0 fapo_rounds=0 fapo_off_ns=0 per_round_ratios=
loop_ns 200 >/dev/null # warm-up
r=0
while [ $r -lt "$ROUNDS" ]; do
	r_off=$(loop_ns "$per_round")
	off_ns=$((off_ns + r_off))
	if start_floor; then
		floor_ns=$((floor_ns + $(loop_ns "$per_round")))
	fi
	stop_floor
	if start_fapo; then
		fapo_ns=$((fapo_ns + $(loop_ns "$per_round")))
		fapo_off_ns=$((fapo_off_ns + r_off))
		fapo_rounds=$((fapo_rounds + 1))
	fi
	stop_fapo
	if ! start_daemon; then
		say "skipped: pkgguardd did not come up ($(tail -n 2 "$work/daemon.log" | tr '\n' ' '))"
		exit 0
	fi
	"$PG" status --json --socket "$SOCK" >"$work/before-$r.json" 2>/dev/null
	r_on=$(loop_ns "$per_round")
	on_ns=$((on_ns + r_on))
	per_round_ratios="$per_round_ratios $r_on/$r_off"
	"$PG" status --json --socket "$SOCK" >"$work/after-$r.json" 2>"$work/status.err" ||
		say "pkgguard status failed: $(cat "$work/status.err")"
	r=$((r + 1))
	if [ $r -eq "$ROUNDS" ]; then
		cp "$work/after-$((r - 1)).json" "$work/status.json"
		rss=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$dpid/status" 2>/dev/null)
	fi
	stop_daemon
done

total=$((per_round * ROUNDS))
"$PY" - "$total" "$ROUNDS" "$off_ns" "$on_ns" "$work/status.json" "${rss:-}" "$floor_ns" "$per_round_ratios" "$work" "$fapo_ns" "$fapo_off_ns" "$fapo_rounds" "$fapo_why" <<'EOF'
import json, sys
n, rounds, off, on, status, rss = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
floor = int(sys.argv[7])
print("bench exec: %d execs of /bin/true from a shell loop, %d rounds alternating" % (n, rounds))
print("  without pkgguardd  %8.1f us/exec" % (off / n / 1000.0))
if floor:
    print("  floor (allow-all)  %8.1f us/exec  (the permission round trip alone)" % (floor / n / 1000.0))
print("  with pkgguardd     %8.1f us/exec  (enforce)" % (on / n / 1000.0))
ratio = on / off if off else float("nan")
rounds_r = sorted(int(a) / int(b) for a, b in (x.split("/") for x in sys.argv[8].split()) if int(b))
med = (rounds_r[len(rounds_r) // 2] + rounds_r[(len(rounds_r) - 1) // 2]) / 2 if rounds_r else float("nan")
print("  ratio with/without = %.3f (target <= 1.05: %s); median of the rounds' ratios %.3f (%s)" % (
    ratio, "met" if ratio <= 1.05 else "NOT met", med, "met" if med <= 1.05 else "NOT met"))
if floor:
    print("  floor ratio = %.3f; pkgguardd over the floor = %.3f" % (floor / off, on / floor))
# The loops' own decisions: each round's buckets after the loop minus before
# it (the daemon's start-up, its first walks of this shell's ancestry and
# the readiness checks — python3 may be a pyenv shim, dozens of execs — are
# left out of these, not of the lifetime line).
def buckets(path):
    return {le: n for le, n in json.load(open(path)).get("latency_buckets_us") or []}
def pct(hist, p):
    total = sum(hist.values())
    want, seen = max(1, (total * p + 99) // 100), 0
    for le in sorted(hist):
        seen += hist[le]
        if seen >= want:
            return le
    return None
loop_hist = {}
try:
    for i in range(rounds):
        a, b = buckets("%s/before-%d.json" % (sys.argv[9], i)), buckets("%s/after-%d.json" % (sys.argv[9], i))
        for le in b:
            loop_hist[le] = loop_hist.get(le, 0) + b[le] - a.get(le, 0)
except (OSError, ValueError) as e:
    print("  daemon status: unreadable (%s)" % e)
if loop_hist:
    p99 = pct(loop_hist, 99)
    print("  decision latency over the loops (%d decisions): p50 %s us, p90 %s us, p99 %s us (target p99 < 100: %s)" % (
        sum(loop_hist.values()), pct(loop_hist, 50), pct(loop_hist, 90), p99,
        "met" if p99 is not None and p99 < 100 else "NOT met"))
try:
    st = json.load(open(status))
    lat = st.get("latency_us", {})
    print("  daemon: events %s, allows %s, denies %s, cache hits %s, overflows %s" % (
        st.get("events"), st.get("allows"), st.get("denies"), st.get("cache_hits"), st.get("overflows")))
    print("  decision latency over the last daemon's life (start-up included): p50 %s us, p90 %s us, p99 %s us, max %s us" % (
        lat.get("p50"), lat.get("p90"), lat.get("p99"), lat.get("max")))
except (OSError, ValueError) as e:
    print("  daemon status: unreadable (%s)" % e)
fapo_ns, fapo_off, fapo_rounds, fapo_why = int(sys.argv[10]), int(sys.argv[11]), int(sys.argv[12]), sys.argv[13]
if fapo_rounds:
    m = n * fapo_rounds // rounds
    print("  fapolicyd (permissive, allow-all rule) %8.1f us/exec over %d rounds: ratio %.3f against the same rounds without" % (
        fapo_ns / m / 1000.0, fapo_rounds, fapo_ns / fapo_off if fapo_off else float("nan")))
else:
    print("  fapolicyd: no side-by-side (%s)" % (fapo_why or "not run"))
if rss:
    print("  daemon RSS %.1f MB (target < 10: %s)" % (int(rss) / 1024.0, "met" if int(rss) < 10240 else "NOT met"))
else:
    print("  daemon RSS: unknown")
EOF

