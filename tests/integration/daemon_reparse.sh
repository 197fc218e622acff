#!/bin/sh
# daemon_reparse.sh — exec reparse, the mechanism itself, with a stand-in
# package manager (tests/fixtures/daemon/testpm/pgtest-pm, recognised by the
# test profile pgtest.conf) that starts its child the three ways real ones
# do: fork, vfork (CPython's subprocess: the child on the parent's stack)
# and posix_spawn (glibc: a small private stack). Rows:
#   fixture: strace shows each method really is fork / vfork / posix_spawn's
#            clone(CLONE_VM|CLONE_VFORK), and without the daemon the child
#            runs on the host (the control of every row below);
#   enforce: for each method, the child runs in the sandbox (it sees the
#            sandbox's hostname), its output and exit status reach the
#            package manager, the reparse is logged; again with every
#            reparse forced through the injected-mmap path;
#   argv[0]: a child exec'd under another name keeps it inside the sandbox;
#   retitle: a parent seen clean that retitles itself as the package
#            manager before forking: its child is still reparsed;
#   twice:   two scripts of one package manager both reparsed (what ran in
#            the first sandbox is remembered as inside, the manager is not);
#   nested:  the package manager's fork running the package manager again
#            runs as itself (logged), and that one's child is reparsed;
#   fallback: a child already traced (strace -f), and a multi-threaded
#            exec, are denied, not hung, and the reason is logged;
#   kill -9 of the daemon during a burst of reparses: every install ends,
#            no process is left stopped;
#   the unit's SystemCallFilter allows every syscall the daemon made under
#            strace through all of the above;
#   status:  reparse counters and latency percentiles.
. tests/lib.sh
top=$(pwd)
BUILD=${BUILD:-build}
if [ "$(id -u)" != 0 ]; then
	skip "reparse suite" "needs root (fanotify permission events, ptrace of any process)"
	end_suite
fi
[ -x "$top/$BUILD/pkgguardd" ] || { fail "reparse suite" "$BUILD/pkgguardd is not built"; end_suite; }
if [ ! -x /usr/bin/python3 ] || ! /usr/bin/python3 -c 'import subprocess, sys; subprocess._USE_VFORK; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
	skip "reparse suite" "needs /usr/bin/python3 >= 3.11 (subprocess._USE_VFORK) for the stand-in package manager"
	end_suite
fi

work=$(mktemp -d /var/tmp/pkgguard-reparse.XXXXXX)
chmod 755 "$work"
. tests/daemon_lib.sh
TAG=pgrp$$x$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
bg_pids=""
cleanup() {
	stop_daemon
	for p in $bg_pids; do kill "$p" 2>/dev/null; done
	[ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT INT TERM

PM=$top/tests/fixtures/daemon/testpm/pgtest-pm
export PKGGUARD_PROFILE_PATH=$top/tests/fixtures/daemon/testpm:$top/profiles
printf 'mode = "enforce";\nprofiles = [ "npm", "pgtest" ];\n' >"$work/pkgguardd.conf"
start_pgtest() { start_daemon_with --config "$work/pkgguardd.conf"; }

pkg=$work/proj/node_modules/pkg-a
mkdir -p "$pkg"
HOSTNAME_HOST=$(cat /proc/sys/kernel/hostname)
CHILD="cat /proc/sys/kernel/hostname > where.txt; echo out-$TAG; exit 7"

# run_pm METHOD [PREFIX...] — pgtest-pm METHOD /bin/sh -c CHILD in $pkg;
# its output in $work/pm.out, its status in $rc.
run_pm() {
	_m=$1
	shift
	rm -f "$pkg/where.txt"
	(cd "$pkg" && timeout 60 "$@" "$PM" "$_m" /bin/sh -c "$CHILD") >"$work/pm.out" 2>&1
	rc=$?
}
where() { cat "$pkg/where.txt" 2>/dev/null; }

# ---- fixture: the methods are what they say; the control runs on the host
for m in fork vfork posix_spawn; do
	if command -v strace >/dev/null 2>&1; then
		run_pm "$m" strace -f -qq -e trace=clone,clone3,vfork,fork -o "$work/strace.$m"
		case "$m" in
		fork) ok=$(grep -E 'clone\(|clone3\(|fork\(' "$work/strace.$m" | grep -v CLONE_VM | head -n 1) ;;
		*) ok=$(grep -E 'vfork\(|CLONE_VM\|CLONE_VFORK|CLONE_VFORK\|CLONE_VM' "$work/strace.$m" | head -n 1) ;;
		esac
		if [ -n "$ok" ]; then
			pass "fixture: pgtest-pm $m starts its child with $(echo "$ok" | cut -c1-60)"
		else
			fail "fixture: pgtest-pm $m" "no matching clone: $(tr '\n' ' ' <"$work/strace.$m" | cut -c1-300)"
		fi
	else
		skip "fixture: pgtest-pm $m" "strace is not installed"
	fi
	run_pm "$m"
	if [ "$rc" = 7 ] && [ "$(where)" = "$HOSTNAME_HOST" ] && grep -q "out-$TAG" "$work/pm.out"; then
		pass "control: without pkgguardd, pgtest-pm $m runs its child on the host (exit 7, hostname $HOSTNAME_HOST)"
	else
		fail "control: without pkgguardd, pgtest-pm $m runs its child on the host" "exit $rc, where '$(where)', $(tr '\n' ' ' <"$work/pm.out")"
	fi
done

# ---- enforce: each method reparsed (and again through the mmap path)
for path in stack mmap; do
	DENV=""
	[ "$path" = mmap ] && DENV="PKGGUARDD_REPARSE_FORCE_MMAP=1"
	if ! start_pgtest; then
		fail "enforce ($path): the daemon starts" "$(tail -n 2 "$work/d.err" | tr '\n' ' ')"
		continue
	fi
	for m in fork vfork posix_spawn; do
		from=$(($(log_lines) + 1))
		run_pm "$m"
		if [ "$rc" = 7 ] && [ "$(where)" = pkgguard ] && grep -q "out-$TAG" "$work/pm.out" && grep -q '^exit 7$' "$work/pm.out" &&
			wait_log "^pkgguardd: reparse pid=[0-9]+ exe=/usr/bin/dash pm=pgtest package=pkg-a event=[^ ]+ reason=unsandboxed-script rule=package-manager-descendant-outside-sandbox command=/bin/sh -c cat" "$from"; then
			pass "enforce ($path): pgtest-pm $m — the child ran in the sandbox, its output and exit 7 reached the package manager"
		else
			fail "enforce ($path): pgtest-pm $m — the child ran in the sandbox" \
				"exit $rc, where '$(where)', out: $(tr '\n' ' ' <"$work/pm.out" | cut -c1-200) log: $(tail -n +"$from" "$work/d.err" | grep -v '^pkgguardd: allow' | tr '\n' ' ' | cut -c1-300)"
		fi
	done
	# Not vacuous: the path the rows say they took is the one taken (the
	# forced rows would pass on the stack path too if the switch were
	# ignored). The daemon counts reparses placed through the injected mmap.
	"$top/$BUILD/pkgguard" status --json --socket "$dctl" >"$work/status.$path" 2>&1
	n=$(sed -n 's/.*"reparsed":\([0-9]*\).*/\1/p' "$work/status.$path")
	v=$(sed -n 's/.*"reparsed_via_mmap":\([0-9]*\).*/\1/p' "$work/status.$path")
	want=0
	[ "$path" = mmap ] && want=${n:-x}
	if [ "${n:-0}" -ge 3 ] && [ "$v" = "$want" ]; then
		pass "enforce ($path): the $n reparses took the $path path ($v through the injected mmap)"
	else
		fail "enforce ($path): the reparses took the $path path" "reparsed '$n', via mmap '$v': $(cat "$work/status.$path")"
	fi
	stop_daemon
	DENV=""
done

# control_then_enforce ROW — ROW LABEL EXPECT-HOST without the daemon (the
# child sees the host's hostname), then under it (the sandbox's).
control_then_enforce() {
	"$1" "control (no daemon)" "$HOSTNAME_HOST"
	if start_pgtest; then
		"$1" "enforce" pkgguard
		stop_daemon
	else
		fail "$1: the daemon starts" "$(tail -n 2 "$work/d.err" | tr '\n' ' ')"
	fi
}

# ---- argv[0]: the reparsed command keeps the name it was called by
argv0_row() { # LABEL EXPECT-HOST
	rm -f "$pkg/argv0.txt"
	(cd "$pkg" && timeout 60 "$PM" argv0 /bin/sh -c 'echo "$0 $(cat /proc/sys/kernel/hostname)" > argv0.txt') >"$work/pm.out" 2>&1
	got=$(cat "$pkg/argv0.txt" 2>/dev/null)
	if [ "$got" = "renamed-sh $2" ]; then
		pass "$1: argv[0] is kept (\$0 = renamed-sh, hostname $2)"
	else
		fail "$1: argv[0] is kept" "got '$got', $(tr '\n' ' ' <"$work/pm.out")"
	fi
}
control_then_enforce argv0_row

# ---- retitle: a parent whose children the daemon has just allowed (asked
# first about the next exec, build/tests/retitle) retitles itself as the
# package manager, as a launcher running one in-process does, then forks:
# its child is a package manager's child, and runs in the sandbox.
RETITLE=$top/$BUILD/tests/retitle
retitle_row() { # LABEL EXPECT-HOST
	rm -f "$pkg/where.txt"
	# Shell builtins only: the child's own exec is what is judged here (a
	# cat it ran would be judged, and sandboxed, on its own).
	(cd "$pkg" && timeout 60 "$RETITLE" 20 "pgtest-pm fork" "$(printf '%080d' 0)" -- \
		/bin/sh -c 'read h </proc/sys/kernel/hostname; echo "$h" >where.txt; exit 7') >"$work/pm.out" 2>&1
	rc=$?
	if [ "$rc" = 7 ] && [ "$(where)" = "$2" ]; then
		pass "$1: a parent seen clean that retitles itself as the package manager — its child ran with hostname $2"
	else
		fail "$1: a parent seen clean that retitles itself" "exit $rc, where '$(where)', $(tr '\n' ' ' <"$work/pm.out")"
	fi
}
if [ -x "$RETITLE" ]; then
	control_then_enforce retitle_row
else
	fail "retitle" "$RETITLE is not built"
fi

# ---- two scripts of one install: what runs inside the first one's sandbox
# is remembered as inside, the package manager itself is not: the second
# script is reparsed too (builtins only, as above).
twice_row() { # LABEL EXPECT-HOST
	rm -f "$pkg/where2.txt"
	(cd "$pkg" && timeout 60 "$PM" twice /bin/sh -c 'read h </proc/sys/kernel/hostname; echo "$h" >>where2.txt') \
		>"$work/pm.out" 2>&1
	rc=$?
	got=$(tr '\n' ' ' <"$pkg/where2.txt" 2>/dev/null)
	if [ "$rc" = 0 ] && [ "$got" = "$2 $2 " ]; then
		pass "$1: two scripts of one package manager both ran with hostname $2"
	else
		fail "$1: two scripts of one package manager" "exit $rc, hostnames '$got', $(tr '\n' ' ' <"$work/pm.out")"
	fi
}
control_then_enforce twice_row

# ---- nested: the package manager run by the package manager runs as itself
if start_pgtest; then
	from=$(($(log_lines) + 1))
	rm -f "$pkg/where.txt"
	(cd "$pkg" && timeout 60 "$PM" fork "$PM" vfork /bin/sh -c "$CHILD") >"$work/pm.out" 2>&1
	rc=$?
	if [ "$rc" = 7 ] && [ "$(where)" = pkgguard ] &&
		wait_log '^pkgguardd: allow .*pm=pgtest .*reason=nested-package-manager rule=nested-package-manager command=[^ ]*pgtest-pm vfork' "$from" &&
		wait_log '^pkgguardd: reparse .*pm=pgtest .*command=/bin/sh -c cat' "$from"; then
		pass "nested: pgtest-pm started by pgtest-pm runs as itself, its child is reparsed (exit 7)"
	else
		fail "nested: pgtest-pm started by pgtest-pm runs as itself, its child is reparsed" \
			"exit $rc, where '$(where)', $(tail -n +"$from" "$work/d.err" | grep -v '^pkgguardd: allow pid=[0-9]* exe=[^ ]* pm=- ' | tr '\n' ' ' | cut -c1-400)"
	fi
	stop_daemon
else
	fail "nested: the daemon starts" "$(tail -n 2 "$work/d.err" | tr '\n' ' ')"
fi

# ---- fallback: a traced child cannot be reparsed: denied, not hung
if ! command -v strace >/dev/null 2>&1; then
	skip "fallback: an already traced child is denied" "strace is not installed"
elif start_pgtest; then
	from=$(($(log_lines) + 1))
	run_pm fork strace -f -qq -o /dev/null
	left=$(stopped_pids)
	if [ "$rc" = 126 ] && grep -q 'spawn failed: Operation not permitted' "$work/pm.out" && [ -z "$(where)" ] &&
		wait_log '^pkgguardd: deny .*pm=pgtest .*reparse impossible: already traced' "$from"; then
		pass "fallback: a child already traced by strace -f is denied (EPERM), the reason logged"
	else
		fail "fallback: a child already traced by strace -f is denied" \
			"exit $rc, where '$(where)', out $(tr '\n' ' ' <"$work/pm.out"), log $(tail -n +"$from" "$work/d.err" | grep -v '^pkgguardd: allow' | tr '\n' ' ' | cut -c1-300)"
	fi
	fb=$("$top/$BUILD/pkgguard" status --json --socket "$dctl" 2>&1 | sed -n 's/.*"reparse_fallbacks":\([0-9]*\).*/\1/p')
	if [ "${fb:-0}" -ge 1 ]; then
		pass "fallback: counted in pkgguard status (reparse_fallbacks $fb)"
	else
		fail "fallback: counted in pkgguard status" "reparse_fallbacks '${fb}'"
	fi
	if [ -z "$left" ]; then
		pass "fallback: no process is left stopped"
	else
		fail "fallback: no process is left stopped" "stopped: $left"
	fi
	stop_daemon
else
	fail "fallback: the daemon starts" "$(tail -n 2 "$work/d.err" | tr '\n' ' ')"
fi

# ---- fallback: a multi-threaded exec (its other threads could not be
# stopped with it) is denied, the reason logged. Control: the same method
# without the daemon runs the child.
run_pm thread_exec
if [ "$rc" = 7 ] && [ "$(where)" = "$HOSTNAME_HOST" ]; then
	if start_pgtest; then
		from=$(($(log_lines) + 1))
		run_pm thread_exec
		left=$(stopped_pids)
		if [ "$rc" = 126 ] && grep -q 'spawn failed: Operation not permitted' "$work/pm.out" && [ -z "$(where)" ] &&
			wait_log '^pkgguardd: deny .*pm=pgtest .*reparse impossible: multi-threaded process' "$from" && [ -z "$left" ]; then
			pass "fallback: a multi-threaded exec is denied (EPERM), the reason logged, nothing stopped"
		else
			fail "fallback: a multi-threaded exec is denied" \
				"exit $rc, where '$(where)', stopped '$left', log $(tail -n +"$from" "$work/d.err" | grep -v '^pkgguardd: allow' | tr '\n' ' ' | cut -c1-300)"
		fi
		stop_daemon
	fi
else
	fail "control: without pkgguardd, pgtest-pm thread_exec runs its child on the host" "exit $rc, where '$(where)', $(tr '\n' ' ' <"$work/pm.out")"
fi

# ---- kill -9 of the daemon in the middle of a burst of reparses
if start_pgtest; then
	bg_pids=""
	for i in 1 2 3 4 5 6; do
		case $i in 1 | 4) m=fork ;; 2 | 5) m=vfork ;; *) m=posix_spawn ;; esac
		(cd "$pkg" && n=0 && while [ $n -lt 40 ]; do
			timeout 30 "$PM" "$m" /bin/sh -c "true $TAG" >/dev/null 2>&1
			n=$((n + 1))
		done
		echo "done" >"$work/burst.$i") &
		bg_pids="$bg_pids $!"
	done
	sleep 1.5
	before=$(grep -c '^pkgguardd: reparse ' "$work/d.err")
	kill -9 "$dpid"
	wait "$tpid" 2>/dev/null
	tpid=""
	dpid=""
	ended=0
	for p in $bg_pids; do
		# each loop is bounded (40 runs of at most 30 s): wait for it
		wait "$p" 2>/dev/null
	done
	for i in 1 2 3 4 5 6; do [ -f "$work/burst.$i" ] && ended=$((ended + 1)); done
	bg_pids=""
	left=""
	for p in $(stopped_pids); do
		grep -q "$TAG" "/proc/$p/cmdline" 2>/dev/null && left="$left $p"
	done
	if [ "$before" -gt 0 ] && [ "$ended" = 6 ] && [ -z "$left" ]; then
		pass "kill -9 during a burst of reparses ($before done before): all 6 loops ended, nothing left stopped"
	else
		fail "kill -9 during a burst of reparses" "reparses before the kill: $before, loops ended: $ended/6, stopped: $left"
	fi
else
	fail "kill -9 during a burst: the daemon starts" "$(tail -n 2 "$work/d.err" | tr '\n' ' ')"
fi

# ---- the unit's SystemCallFilter allows every syscall the daemon makes:
# the daemon run under strace through start, reparses (stack and mmap
# paths), a nested package manager, a traced child's fallback, SIGHUP and
# SIGTERM; each syscall it made is looked up in what
# `systemd-analyze syscall-filter` says the unit's groups hold, plus the
# names the unit lists itself.
unit=$top/systemd/pkgguardd.service
if ! command -v strace >/dev/null 2>&1 || ! command -v systemd-analyze >/dev/null 2>&1; then
	skip "SystemCallFilter covers the daemon's syscalls" "needs strace and systemd-analyze"
else
	filter=$(sed -n 's/^SystemCallFilter=//p' "$unit")
	: >"$work/allowed"
	expand_group() { # @GROUP — its syscalls, nested groups expanded
		systemd-analyze syscall-filter "$1" 2>/dev/null | sed -n 's/^    \([@a-z_0-9-]*\)$/\1/p' |
			while read -r _x; do
				case "$_x" in @*) expand_group "$_x" ;; *) echo "$_x" ;; esac
			done
	}
	for f in $filter; do
		case "$f" in @*) expand_group "$f" ;; *) echo "$f" ;; esac
	done | sort -u >"$work/allowed"
	for mmap in 0 1; do
		DENV="PKGGUARDD_REPARSE_FORCE_MMAP=$mmap"
		: >"$work/d.err"
		dctl=$work/control.strace.$mmap
		# shellcheck disable=SC2086
		env $DENV timeout -s KILL 120 strace -f -qq -o "$work/strace.daemon.$mmap" "$top/$BUILD/pkgguardd" --foreground \
			--config "$work/pkgguardd.conf" --control "$dctl" 2>"$work/d.err" &
		spid=$!
		i=0
		while [ $i -lt 200 ] && ! grep -q '^pkgguardd: guarding' "$work/d.err"; do sleep 0.05; i=$((i + 1)); done
		dp=$(sed -n 's/^pkgguardd: guarding exec.*, pid \([0-9][0-9]*\)$/\1/p' "$work/d.err")
		for m in fork vfork posix_spawn; do run_pm "$m"; done
		(cd "$pkg" && timeout 60 "$PM" fork "$PM" vfork /bin/true) >/dev/null 2>&1
		run_pm fork strace -f -qq -o /dev/null
		"$top/$BUILD/pkgguard" status --json --socket "$dctl" >"$work/status.strace.$mmap" 2>&1
		[ -n "$dp" ] && kill -HUP "$dp" && sleep 0.5 && kill "$dp"
		wait "$spid" 2>/dev/null
		cat "$work/d.err" >>"$work/d.all"
	done
	DENV=""
	sed -E 's/^[0-9]+ +//; s/\(.*//' "$work/strace.daemon.0" "$work/strace.daemon.1" | grep -E '^[a-z_0-9]+$' | sort -u >"$work/used"
	missing=$(comm -23 "$work/used" "$work/allowed" | tr '\n' ' ')
	r0=$(sed -n 's/.*"reparsed":\([0-9]*\).*/\1/p' "$work/status.strace.0")
	r1=$(sed -n 's/.*"reparsed":\([0-9]*\).*/\1/p' "$work/status.strace.1")
	# Not vacuous: the trace holds the reparse's own calls.
	for c in ptrace process_vm_writev fanotify_mark; do
		grep -qx "$c" "$work/used" || missing="$missing (no $c in the trace)"
	done
	if [ "${r0:-0}" -ge 3 ] && [ "${r1:-0}" -ge 3 ] && [ -z "$missing" ]; then
		pass "SystemCallFilter covers the $(wc -l <"$work/used" | tr -d ' ') syscalls the daemon made (reparses: $r0 stack, $r1 mmap)"
	else
		fail "SystemCallFilter covers the daemon's syscalls" "reparsed '$r0'/'$r1'; not allowed: $missing"
	fi
fi

# ---- status: reparse counters and latency
if start_pgtest; then
	for m in fork vfork posix_spawn fork vfork posix_spawn; do run_pm "$m"; done
	j=$("$top/$BUILD/pkgguard" status --json --socket "$dctl" 2>&1)
	if echo "$j" | /usr/bin/python3 -c '
import json, sys
j = json.load(sys.stdin)
assert j["reparsed"] >= 6, j
assert j["reparse_fallbacks"] == 0, j
l = j["reparse_latency_us"]
assert 0 < l["p50"] <= l["p99"], l
' 2>"$work/py.err"; then
		pass "status: reparse counters and latency percentiles ($(echo "$j" | sed 's/.*"reparse_latency_us":\({[^}]*}\).*/\1/'))"
	else
		fail "status: reparse counters and latency percentiles" "$j $(tail -n 1 "$work/py.err")"
	fi
	stop_daemon
fi
done_testing
