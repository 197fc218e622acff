#!/bin/sh
# run.sh — the libFuzzer targets of tests/fuzz, built by `make fuzz-bins`
# into $FUZZ_BUILD/fuzz (default build-fuzz).
#   run.sh regress   every target over its seed corpus once: one TAP row per
#                    target (run-all.sh's fuzz suite; seconds)
#   run.sh fuzz      every target for FUZZ_SECONDS (default 60) from its
#                    corpus; new inputs go to $FUZZ_BUILD/corpus/NAME, a crash
#                    to $FUZZ_BUILD/crashes/NAME-* (copy it into
#                    tests/fuzz/corpus/NAME once fixed)
# FUZZ_ONLY=NAME runs one target.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
mode=${1:-regress}
bins=$FUZZ_BUILD/fuzz

row() { echo "$1 - [fuzz/$2] $3"; }

targets() {
	for src in tests/fuzz/fuzz_*.c; do
		name=${src#tests/fuzz/fuzz_}
		name=${name%.c}
		[ -z "${FUZZ_ONLY:-}" ] || [ "$FUZZ_ONLY" = "$name" ] || continue
		echo "$name"
	done
}

if [ -f "$bins/UNAVAILABLE" ]; then
	for name in $(targets); do
		row ok "$name" "corpus # SKIP $(cat "$bins/UNAVAILABLE")"
	done
	[ "$mode" = regress ]
	exit
fi

# Leaks in the libraries we call, not in pkgguard (each one says why).
LSAN_OPTIONS=suppressions=$top/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}
export LSAN_OPTIONS

status=0
for name in $(targets); do
	bin=$bins/fuzz_$name
	corpus=tests/fuzz/corpus/$name
	log=$FUZZ_BUILD/fuzz/$name.log
	if [ ! -x "$bin" ]; then
		row "not ok" "$name" "$bin is not built (make fuzz-bins)"
		status=1
		continue
	fi
	if ! ls "$corpus"/* >/dev/null 2>&1; then
		row "not ok" "$name" "no seed corpus in $corpus"
		status=1
		continue
	fi
	case "$mode" in
	regress)
		# Each file once (a file argument is run, not fuzzed).
		n=$(find "$corpus" -type f | wc -l | tr -d ' ')
		if find "$corpus" -type f -print0 | xargs -0 "$bin" -rss_limit_mb=4096 >"$log" 2>&1; then
			row ok "$name" "$n corpus inputs run without a finding"
		else
			row "not ok" "$name" "a corpus input fails: $(grep -a -m1 -E 'ERROR|runtime error|SUMMARY' "$log") (log: $log)"
			status=1
		fi
		;;
	fuzz)
		mkdir -p "$FUZZ_BUILD/corpus/$name" "$FUZZ_BUILD/crashes"
		echo "fuzz: $name for ${FUZZ_SECONDS:-60} s" >&2
		if "$bin" -max_total_time="${FUZZ_SECONDS:-60}" -rss_limit_mb=4096 -timeout=10 \
			-dict=tests/fuzz/fuzz.dict -artifact_prefix="$FUZZ_BUILD/crashes/$name-" \
			"$FUZZ_BUILD/corpus/$name" "$corpus" >"$log" 2>&1; then
			row ok "$name" "fuzzed ${FUZZ_SECONDS:-60} s: $(grep -a -E '^#[0-9]+.*DONE' "$log" | tail -n 1)"
		else
			row "not ok" "$name" "finding: $(grep -a -m1 -E 'ERROR|runtime error|SUMMARY' "$log"); input in $FUZZ_BUILD/crashes (log: $log)"
			status=1
		fi
		;;
	*)
		echo "usage: run.sh [regress|fuzz]" >&2
		exit 2
		;;
	esac
done
exit $status
