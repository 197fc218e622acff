# lib.sh — shared helpers of the integration tests (sourced, POSIX sh).
# Every result is one TAP-like line on stdout, counted by run-all.sh:
#   ok - NAME
#   not ok - NAME: WHY
#   ok - NAME # SKIP REASON
# Attack tests call `control` first: the same probe outside the sandbox must
# really do the harmful thing, or the test is reported as failed (vacuous).

T_SUITE=${T_SUITE:-$(basename "$0" .sh)}
T_AS=${T_AS:-$(id -un)}
# `pkgguard run` keeps the records of suspicious runs in the user's state
# directory (root: /var/lib/pkgguard/runs): the tests keep theirs in /tmp.
if [ -z "${XDG_STATE_HOME:-}" ]; then
	XDG_STATE_HOME=${TMPDIR:-/tmp}/pkgguard-tests-state.$(id -u)
	export XDG_STATE_HOME
fi

pass() { echo "ok - [$T_SUITE/$T_AS] $1"; }
fail() { echo "not ok - [$T_SUITE/$T_AS] $1: $2"; }
skip() { echo "ok - [$T_SUITE/$T_AS] $1 # SKIP $2"; }

# expect_ok NAME CMD...   — passes when CMD exits 0
expect_ok() {
	_n=$1; shift
	if _out=$("$@" 2>&1); then pass "$_n"; else fail "$_n" "exit $? ($(printf '%s' "$_out" | tail -n 2 | tr '\n' ' '))"; fi
}
# expect_fail NAME CMD... — passes when CMD exits non-zero
expect_fail() {
	_n=$1; shift
	if _out=$("$@" 2>&1); then fail "$_n" "succeeded but must not ($(printf '%s' "$_out" | tail -n 1))"; else pass "$_n"; fi
}

# How a suite ends, so that run-all.sh can tell a suite that ran to its end
# from one that stopped half-way (rows lost without a word): the last line
# of every suite is done_testing; a suite that stops early on purpose says
# why in a skip or fail row first, then ends with end_suite. A suite that
# exits without either is counted as a failure by run-all.sh.
done_testing() { echo "# done [$T_SUITE]"; }
end_suite() {
	echo "# done [$T_SUITE] (ended early, see the row above)"
	exit 0
}

# kill_pidfiles DIR — kills the process each DIR/*.pid names (by pid, never
# 0 or 1): the second stages the attack fixtures write their pid for.
kill_pidfiles() {
	for _f in "$1"/*.pid; do
		[ -f "$_f" ] || continue
		_p=$(cat "$_f" 2>/dev/null)
		case "$_p" in '' | *[!0-9]* | 0 | 1) ;; *) kill "$_p" 2>/dev/null ;; esac
	done
}
