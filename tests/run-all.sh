#!/bin/sh
# run-all.sh — runs every test and prints one summary line:
#   N passed, N failed[, N skipped]
# Unit tests are cmocka binaries (TAP output); integration suites are
# tests/integration/*.sh, run as root and, where they say so, again as an
# unprivileged test user. ONLY=unit runs the unit tests alone, ONLY=fuzz the
# fuzz targets over their corpora (tests/fuzz/run.sh), SUITES="run build"
# those integration suites alone; ASAN=1 marks a
# sanitizer build (suites that cannot run under ASan skip themselves).
set -u
BUILD=${BUILD:-build}
export BUILD
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
log=$(mktemp)
trap 'rm -f "$log" "$log.unit" "$log.suite"' EXIT

# cmocka's TAP says a skip as "not ok N # SKIP NAME": counted as a skip
# (its reason is the test's "#" line before it). Its plan line "1..N" is
# checked: a test program that dies half-way (a crash outside a child) has
# reported fewer rows than it planned, and that is a failure.
run_unit() {
	for t in "$BUILD"/tests/test_*; do
		[ -x "$t" ] || continue
		u=$(basename "$t")
		CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$log.unit" 2>&1
		rc=$?
		sed -n -e "s/^not ok [0-9]* # SKIP \(.*\)/ok - [unit\/$u] \1 # SKIP its reason is the # line above/p" \
			-e "s/^\(not ok\|ok\) [0-9]* - /\1 - [unit\/$u] /p" \
			-e 's/^# *\(.*\)/# \1/p' "$log.unit"
		planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$log.unit" | head -n 1)
		got=$(grep -c -E '^(not )?ok [0-9]+' "$log.unit")
		if [ -z "$planned" ] || [ "$got" -ne "$planned" ]; then
			echo "not ok - [unit/$u] reported $got of ${planned:-?} planned tests (exit $rc): $(tail -n 2 "$log.unit" | tr '\n' ' ')"
		fi
	done
	rm -f "$log.unit"
}

# The fuzz targets over their seed corpora (tests/fuzz/run.sh): one row per
# target. Built by `make check` (make fuzz-bins); a build that has none
# (make asan, make unit-tests) says so in one skipped row.
run_fuzz() {
	FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
	if [ ! -d "$FUZZ_BUILD/fuzz" ]; then
		echo "ok - [fuzz] corpus regression run # SKIP no fuzz targets in $FUZZ_BUILD/fuzz (make fuzz-bins; make check builds them)"
		return
	fi
	FUZZ_BUILD=$FUZZ_BUILD sh tests/fuzz/run.sh regress || true
}

# Under sanitizers only suites that never run a confined program: ASan's
# runtime needs terabytes of address space, which the sandbox's RLIMIT_DATA
# (rightly) refuses, and the build suite would only rebuild itself.
ASAN_SUITES="profiles"

# Suites that act on the whole machine (a fanotify daemon judges every exec)
# run last, so a failure there cannot spill into the others.
suites() {
	if [ -n "${SUITES:-}" ]; then
		for n in $SUITES; do echo "tests/integration/$n.sh"; done
		return
	fi
	for s in tests/integration/*.sh; do
		case "$s" in */daemon*.sh | */deb.sh) ;; *) echo "$s" ;; esac
	done
	# deb.sh installs the package and runs its daemon: one of these too.
	for s in tests/integration/daemon*.sh tests/integration/deb.sh; do
		[ -f "$s" ] && echo "$s"
	done
}

# A daemon a suite started and did not stop would judge every later exec:
# that is a failure of the suite, and the daemon is ended (found by the
# exact path of the binary this run built).
check_no_daemon() {
	for exe in /proc/[0-9]*/exe; do
		case "$(readlink "$exe" 2>/dev/null)" in
		"$top/$BUILD/pkgguardd") ;;
		# deb.sh's, from the package it installed (elsewhere: the
		# machine's own service, not ours to end)
		/usr/bin/pkgguardd | "/usr/bin/pkgguardd (deleted)") [ "$1" = deb ] || continue ;;
		*) continue ;;
		esac
		pid=${exe#/proc/}
		pid=${pid%/exe}
		echo "not ok - [$1] left pkgguardd (pid $pid) running"
		kill -9 "$pid" 2>/dev/null
	done
}

run_integration() {
	for s in $(suites); do
		[ -f "$s" ] || continue
		name=$(basename "$s" .sh)
		if [ "${ASAN:-}" = 1 ] && ! echo " $ASAN_SUITES " | grep -q " $name "; then
			echo "ok - [$name] suite # SKIP not run under sanitizers (the sandbox's rlimits refuse ASan's shadow memory)"
			continue
		fi
		# Every row reaches the log: a suite that exits with an error, is
		# killed, or stops before its done_testing (tests/lib.sh) without a
		# row saying why, has lost rows, and is a failure.
		{
			timeout 400 sh "$s" 2>&1
			echo "# exit $?"
		} | tee "$log.suite"
		rc=$(sed -n 's/^# exit \([0-9]*\)$/\1/p' "$log.suite" | tail -n 1)
		rows=$(grep -c -E '^(not )?ok - ' "$log.suite")
		if [ "$rc" != 0 ]; then
			echo "not ok - [$name] suite exited with status $rc after $rows rows"
		elif ! grep -q '^# done \[' "$log.suite"; then
			echo "not ok - [$name] suite stopped before its end after $rows rows, without a row saying why (no done_testing)"
		fi
		echo "# [$name] $rows rows"
		check_no_daemon "$name"
	done
}

{
	if [ -n "${SUITES:-}" ]; then
		run_integration
	else
		[ "${ONLY:-}" = fuzz ] || run_unit
		[ "${ONLY:-}" = unit ] || run_fuzz
		[ "${ONLY:-}" = unit ] || [ "${ONLY:-}" = fuzz ] || run_integration
	fi
} | tee "$log"

# The records `pkgguard run` and reparsed scripts kept (tests/lib.sh).
rm -rf "${TMPDIR:-/tmp}"/pkgguard-tests-state.*
passed=$(grep -c '^ok - ' "$log" | tr -d ' ')
skipped=$(grep -c '^ok - .* # SKIP ' "$log" | tr -d ' ')
failed=$(grep -c '^not ok - ' "$log" | tr -d ' ')
passed=$((passed - skipped))
echo
if [ "$failed" -gt 0 ]; then
	echo "failures:"
	grep '^not ok - ' "$log"
	echo
fi
if [ "$skipped" -gt 0 ]; then
	echo "skipped:"
	grep '^ok - .* # SKIP ' "$log"
	echo
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
