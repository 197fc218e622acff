# daemon_lib.sh — starting and stopping pkgguardd in the daemon suites
# (sourced after tests/lib.sh; needs $top, $BUILD and $work). The daemon runs
# in the foreground under `timeout -s KILL` (a stalled permission daemon
# would make every exec on the machine wait) and is stopped by its pid, read
# from its "guarding" line. Its stderr is $work/d.err; every run's log is
# kept in $work/d.all.
# shellcheck disable=SC2154 # top, BUILD and work are the sourcing suite's
# DAEMON_BIN: a copy outside the checkout, for suites whose reparsed scripts
# run as another user (the daemon trusts the pkgguard-sandbox next to itself,
# and a clone in a mode-0700 folder is not theirs to execute).
D=${DAEMON_BIN:-$top/$BUILD/pkgguardd}

# Another pkgguardd (a second checkout's tests, a benchmark, the installed
# service) judges the same execs: a deny it makes would look like one of
# ours. Failures say so, to tell that apart from a bug.
foreign_daemons() {
	for _e in /proc/[0-9]*/exe; do
		_p=${_e#/proc/}
		_p=${_p%/exe}
		[ "$_p" != "${dpid:-}" ] || continue
		case "$(readlink "$_e" 2>/dev/null)" in
		*/pkgguardd | */"pkgguardd (deleted)") printf ' [another pkgguardd is running: pid %s, %s]' "$_p" "$(readlink "$_e")" ;;
		esac
	done
}
fail() { echo "not ok - [$T_SUITE/$T_AS] $1: $2$(foreign_daemons)"; }

# tpid: the `timeout` wrapping the daemon; dpid: the daemon itself. Signals
# go to dpid: killing only timeout would leave the daemon unsupervised.
tpid=""
dpid=""
stop_daemon() {
	[ -n "$tpid" ] || return 0
	if [ -n "$dpid" ]; then kill "$dpid" 2>/dev/null; else kill "$tpid" 2>/dev/null; fi
	wait "$tpid" 2>/dev/null
	cat "$work/d.err" >>"$work/d.all"
	tpid=""
	dpid=""
}

# start_daemon_with ARGS... — the daemon with ARGS (and $DENV, "VAR=value"
# words put in its environment); its control socket is $dctl. 0 when it is
# guarding, 1 when it could not start.
DENV=""
dctl=""
start_daemon_with() {
	: >"$work/d.err"
	dctl=$work/control.$$.$(date +%s%N)
	if [ -n "${DAEMON_EXECSTART:-}" ]; then
		# deb.sh: the installed daemon exactly as its unit's ExecStart
		# runs it (its own config file, the default control socket); the
		# ARGS are not used.
		dctl=/run/pkgguard/control
		# shellcheck disable=SC2086 # DENV and the ExecStart line are lists of words
		env $DENV timeout -s KILL ${DAEMON_TIMEOUT:-120} $DAEMON_EXECSTART 2>"$work/d.err" &
	else
		# shellcheck disable=SC2086 # DENV is a list of words
		env $DENV timeout -s KILL ${DAEMON_TIMEOUT:-120} "$D" --foreground "$@" --control "$dctl" 2>"$work/d.err" &
	fi
	tpid=$!
	_i=0
	while [ $_i -lt 100 ]; do
		dpid=$(sed -n 's/^pkgguardd: guarding exec.*, pid \([0-9][0-9]*\)$/\1/p' "$work/d.err")
		[ -n "$dpid" ] && return 0
		kill -0 "$tpid" 2>/dev/null || break
		sleep 0.05
		_i=$((_i + 1))
	done
	stop_daemon
	return 1
}
# start_daemon MODE — the daemon with no config file, in MODE.
start_daemon() { start_daemon_with --config /dev/null --mode "$1"; }
# daemon_starts_or_fail NAME — a suite's first step, as root: the daemon
# starts in enforce mode (and is stopped again), or the suite FAILS with the
# daemon's own last line and ends. Never a skip: as root a daemon that
# cannot start is what these suites exist to catch.
daemon_starts_or_fail() {
	if ! start_daemon enforce; then
		fail "$1" "the daemon does not start: $(tail -n 2 "$work/d.err" | tr '\n' ' ')"
		end_suite
	fi
	stop_daemon
}
# wait_log ERE [FROM] — 0 once a line of d.err (from line FROM on) matches
# ERE, 1 after 5 s.
wait_log() {
	_i=0
	while [ $_i -lt 100 ]; do
		tail -n +"${2:-1}" "$work/d.err" | grep -Eq "$1" && return 0
		sleep 0.05
		_i=$((_i + 1))
	done
	return 1
}
log_lines() { wc -l <"$work/d.err"; }

# stopped_pids — processes in ptrace stop ("t") or job-control stop ("T"),
# which a reparse must never leave behind.
stopped_pids() {
	for _s in /proc/[0-9]*/stat; do
		_st=$(sed -n 's/^[0-9]* (.*) \([A-Za-z]\) .*/\1/p' "$_s" 2>/dev/null)
		case "$_st" in t | T) _p=${_s#/proc/}; printf '%s ' "${_p%/stat}" ;; esac
	done
}
