#!/bin/sh
# install.sh BUILD — what pkgguard costs a real `npm install`.
# A fixture project depends on 40 local packages, each with a trivial
# postinstall (`node -e ""`), installed from local tarballs (npm's cache warm:
# one warm-up install first, then every run from the lockfile into an empty
# node_modules). Timed plain, with npm's script shell routed to
# pkgguard-sandbox (tripwire records off, then on), through `pkgguard run` when BUILD/pkgguard exists, and
# (as root) plain npm with nothing routed while pkgguardd reparses every
# script into the sandbox (the daemon started before and stopped after each
# such run, outside the timing); 5 runs each, round-robin so drift hits every
# variant alike. Prints the medians, the ratio to plain (target <= 1.15),
# the daemon's ratio to `pkgguard run` (target <= 1.05) and the reparse
# latency percentiles from the daemon's histogram (target p99 < 1 ms). Not a
# test: no timed assertion, exit 0 unless something could not run.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-${BUILD:-build}}
case $BUILD in /*) B=$BUILD ;; *) B=$top/$BUILD ;; esac
SB=$B/pkgguard-sandbox
PG=$B/pkgguard
RUNS=${RUNS:-5}
NPKG=40
export PKGGUARD_PROFILE_PATH="$top/profiles"
unset npm_config_script_shell
# Same work inside and outside: the sandbox keeps only the environment its
# profile lists, and NODE_EXTRA_CA_CERTS alone (a CA bundle parsed at every
# node start, ~40 ms here) would make the sandboxed installs look faster.
unset NODE_EXTRA_CA_CERTS NODE_OPTIONS

command -v npm >/dev/null 2>&1 || { echo "bench install: npm is not installed" >&2; exit 1; }
[ -x "$SB" ] || { echo "bench install: $SB is not built (make)" >&2; exit 1; }

work=$(mktemp -d /var/tmp/pkgguard-bench-install.XXXXXX)
tpid=""
dpid=""
daemon_stop() {
	[ -n "$tpid" ] || return 0
	kill "${dpid:-$tpid}" 2>/dev/null
	wait "$tpid" 2>/dev/null
	tpid=""
	dpid=""
}
trap 'daemon_stop; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP

# ---- fixture -------------------------------------------------------------
mkdir -p "$work/src" "$work/tarballs" "$work/project"
deps=""
allow=""
i=1
while [ $i -le $NPKG ]; do
	name=$(printf 'bench-pkg-%02d' $i)
	mkdir -p "$work/src/$name"
	# `: >ran` only lets each run check that every script really ran.
	printf '{ "name": "%s", "version": "1.0.0", "scripts": { "postinstall": "node -e \\"\\" && : >ran" } }\n' \
		"$name" >"$work/src/$name/package.json"
	deps="$deps${deps:+,}
    \"$name\": \"file:../tarballs/$name-1.0.0.tgz\""
	allow="$allow${allow:+, }\"$name\": true"
	i=$((i + 1))
done
(cd "$work/tarballs" && npm pack --silent "$work"/src/* >/dev/null 2>&1) ||
	{ echo "bench install: npm pack failed" >&2; exit 1; }
cat >"$work/project/package.json" <<EOT
{
  "name": "bench-install-project",
  "version": "1.0.0",
  "private": true,
  "dependencies": {$deps
  },
  "allowScripts": { $allow }
}
EOT
cd "$work/project" || exit 1
flags="--no-audit --no-fund --no-update-notifier --prefer-offline --loglevel=error"

# One install of each kind, untimed: fills npm's cache, writes the lockfile,
# and shows that every variant works before anything is timed.
# shellcheck disable=SC2086 # $flags is a list of words
install_plain() { npm install $flags; }
# shellcheck disable=SC2086
install_sandbox() { npm_config_script_shell=$SB npm install $flags; }
# The same with the tripwire's records on (what `pkgguard run` asks for):
# records on vs off in the same run (target <= 1.03).
# shellcheck disable=SC2086
install_records() {
	rm -rf "$work/rec" && mkdir -p "$work/rec" &&
		PKGGUARD_RECORD_DIR=$work/rec npm_config_script_shell=$SB npm install $flags
}
# shellcheck disable=SC2086
install_pkgguard() { "$PG" run -- npm install $flags; }
# shellcheck disable=SC2086 # the script shell named, so nothing routes it
install_daemon() { npm_config_script_shell=/bin/sh npm install $flags; }
# The daemon for one run, in the foreground, stopped by pid.
daemon_start() {
	: >"$work/d.err"
	timeout -s KILL 600 "$B/pkgguardd" --foreground --config /dev/null --mode enforce \
		--control "$work/ctl" 2>"$work/d.err" &
	tpid=$!
	_i=0
	while [ $_i -lt 100 ]; do
		dpid=$(sed -n 's/^pkgguardd: guarding exec.*, pid \([0-9][0-9]*\)$/\1/p' "$work/d.err")
		[ -n "$dpid" ] && return 0
		sleep 0.05
		_i=$((_i + 1))
	done
	echo "bench install: pkgguardd did not start: $(tail -n 1 "$work/d.err")" >&2
	exit 1
}
# After a daemon run: every script was reparsed (none ran outside), and the
# run's reparse latency percentiles are kept.
daemon_collect() {
	"$PG" status --json --socket "$work/ctl" >"$work/status.json" 2>&1
	_n=$(sed -n 's/.*"reparsed":\([0-9]*\).*/\1/p' "$work/status.json")
	[ "${_n:-0}" -ge $NPKG ] || { echo "bench install: the daemon reparsed ${_n:-0} of $NPKG scripts: $(cat "$work/status.json")" >&2; exit 1; }
	sed -n 's/.*"reparse_latency_us":{"p50":\([0-9]*\),"p90":[0-9]*,"p99":\([0-9]*\).*/\1 \2/p' "$work/status.json" >>"$work/reparse-latency"
}
# ran — every package is there and its postinstall ran.
ran() {
	_n=$(find node_modules -mindepth 2 -maxdepth 2 -path 'node_modules/bench-pkg-*/ran' | wc -l)
	[ "$_n" -eq $NPKG ] || { echo "bench install: the $v install ran $_n of $NPKG postinstalls" >&2; exit 1; }
}
variants="plain sandbox records"
if [ -x "$PG" ]; then
	variants="$variants pkgguard"
else
	echo "note: $PG is not built yet; timing plain and sandbox only"
fi
if [ "$(id -u)" = 0 ] && [ -x "$B/pkgguardd" ] && [ -x "$PG" ]; then
	variants="$variants daemon"
else
	echo "note: the pkgguardd variant needs root and $B/pkgguardd; not timed"
fi
for v in $variants; do
	rm -rf node_modules
	[ "$v" = daemon ] && daemon_start
	if ! "install_$v" >"$work/warm-$v.log" 2>&1; then
		echo "bench install: the $v install failed:" >&2
		tail -n 5 "$work/warm-$v.log" >&2
		exit 1
	fi
	[ "$v" = daemon ] && daemon_stop
	ran
done

now_ms() { echo $(($(date +%s%N) / 1000000)); }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# ---- timed, round-robin --------------------------------------------------
r=1
while [ $r -le "$RUNS" ]; do
	for v in $variants; do
		rm -rf node_modules
		[ "$v" = daemon ] && daemon_start
		t0=$(now_ms)
		"install_$v" >/dev/null 2>&1 || { echo "bench install: $v run $r failed" >&2; exit 1; }
		t1=$(now_ms)
		if [ "$v" = daemon ]; then
			daemon_collect
			daemon_stop
		fi
		ran
		echo $((t1 - t0)) >>"$work/times-$v"
	done
	r=$((r + 1))
done

plain=$(median <"$work/times-plain")
echo "npm install of $NPKG packages with a postinstall each, median of $RUNS runs:"
for v in $variants; do
	m=$(median <"$work/times-$v")
	case $v in
	plain) label="plain npm install" ;;
	sandbox) label="npm_config_script_shell=pkgguard-sandbox" ;;
	records) label="the same, tripwire records on" ;;
	pkgguard) label="pkgguard run -- npm install" ;;
	daemon) label="plain npm install, pkgguardd reparsing" ;;
	esac
	printf '  %-42s %6d ms   ratio %s   (runs: %s)\n' "$label" "$m" \
		"$(awk -v a="$m" -v b="$plain" 'BEGIN { printf "%.3f", a / b }')" "$(tr '\n' ' ' <"$work/times-$v")"
done
echo "target: ratio <= 1.15"
printf 'tripwire records on vs off (sandbox variant): %s (target <= 1.03)\n' \
	"$(awk -v a="$(median <"$work/times-records")" -v b="$(median <"$work/times-sandbox")" 'BEGIN { printf "%.3f", a / b }')"
if [ -f "$work/times-daemon" ] && [ -f "$work/times-pkgguard" ]; then
	d=$(median <"$work/times-daemon")
	w=$(median <"$work/times-pkgguard")
	printf 'pkgguardd reparse vs pkgguard run: %s (target within 5%%: 0.95 .. 1.05)\n' \
		"$(awk -v a="$d" -v b="$w" 'BEGIN { printf "%.3f", a / b }')"
	printf 'reparse latency per run (p50/p99 us, %d reparses each): %s\n' "$NPKG" \
		"$(awk '{ printf "%s/%s ", $1, $2 }' "$work/reparse-latency")"
	echo "target: reparse p99 < 1000 us"
fi
