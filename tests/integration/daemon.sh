#!/bin/sh
# daemon.sh — pkgguardd, the fanotify guard, with the real npm. The daemon
# runs in the foreground under `timeout -s KILL` (a stalled permission
# daemon would make every exec on the machine wait), is stopped by its pid,
# and its stderr is read for the decision lines. Rows:
#   enforce: a bypassed install (--script-shell=/bin/sh) cannot run its
#            postinstall, npm fails, the deny names the package
#            (control: the same install without the daemon runs it);
#   enforce: the same install through `pkgguard run` succeeds, sandboxed;
#   audit:   the bypassed install runs, a would-deny line is logged;
#   enforce: unrelated processes are never denied (2000 execs, make -j2);
#   enforce: a git dependency installs (git is npm's allowed helper);
#   kill -9 of the daemon during an exec storm: the storm finishes.
. tests/lib.sh
top=$(pwd)
BUILD=${BUILD:-build}
D=$top/$BUILD/pkgguardd
export PKGGUARD_PROFILE_PATH=$top/profiles

if [ "$(id -u)" != 0 ]; then
	skip "pkgguardd suite" "needs root (fanotify permission events)"
	exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
	skip "pkgguardd suite" "npm is not installed"
	exit 0
fi
[ -x "$D" ] || { fail "pkgguardd suite" "$D is not built"; exit 0; }

work=$(mktemp -d /var/tmp/pkgguard-daemon.XXXXXX)
# tpid: the `timeout` wrapping the daemon; dpid: the daemon itself (from its
# "guarding" line). Signals go to dpid: killing only timeout would leave the
# daemon running unsupervised.
tpid=""
dpid=""
stop_daemon() {
	[ -n "$tpid" ] || return 0
	if [ -n "$dpid" ]; then kill "$dpid" 2>/dev/null; else kill "$tpid" 2>/dev/null; fi
	wait "$tpid" 2>/dev/null
	tpid=""
	dpid=""
}
cleanup() {
	stop_daemon
	[ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT INT TERM

# start_daemon MODE — 0 when it is guarding, 1 when it could not start.
start_daemon() {
	: >"$work/d.err"
	timeout -s KILL 120 "$D" --foreground --config /dev/null --mode "$1" \
		--control "$work/control.$$.$(date +%s%N)" 2>"$work/d.err" &
	tpid=$!
	i=0
	while [ $i -lt 100 ]; do
		dpid=$(sed -n 's/^pkgguardd: guarding exec.*, pid \([0-9][0-9]*\)$/\1/p' "$work/d.err")
		[ -n "$dpid" ] && return 0
		kill -0 "$tpid" 2>/dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	stop_daemon
	return 1
}

if ! start_daemon enforce; then
	skip "pkgguardd suite" "the daemon cannot start here: $(tail -n 1 "$work/d.err")"
	exit 0
fi
stop_daemon

tar -czf "$work/canary.tgz" -C tests/fixtures/daemon --transform 's,^canary,package,' canary
NPM_FLAGS="--no-audit --no-fund --prefer-offline --loglevel=error"
export npm_config_cache="$work/npm-cache"

# new_project NAME — an empty project directory
new_project() {
	mkdir -p "$work/$1"
	printf '{ "name": "%s", "version": "1.0.0" }\n' "$1" >"$work/$1/package.json"
	echo "$work/$1"
}
canary_of() { cat "$1/node_modules/daemon-canary/canary" 2>/dev/null; }
# npm, bypassing every routing pkgguard could have set up
bypassed_install() {
	(cd "$1" && env -u npm_config_script_shell timeout 60 npm install --script-shell=/bin/sh $NPM_FLAGS "$work/canary.tgz") \
		>"$1.out" 2>&1
}

# Control: without the daemon the bypassed install runs the script.
p=$(new_project control)
if bypassed_install "$p" && [ -n "$(canary_of "$p")" ]; then
	pass "control: without pkgguardd the bypassed postinstall runs"
else
	fail "control: without pkgguardd the bypassed postinstall runs" "$(tail -n 2 "$p.out" | tr '\n' ' ')"
fi

# enforce: the bypassed install cannot run its script.
p=$(new_project enforce)
start_daemon enforce
if bypassed_install "$p"; then rc=0; else rc=$?; fi
stop_daemon
if [ "$rc" = 0 ]; then
	fail "enforce: a bypassed install fails" "npm exited 0"
else
	pass "enforce: a bypassed install fails (npm exit $rc)"
fi
if [ -z "$(canary_of "$p")" ]; then
	pass "enforce: the bypassed postinstall did not run"
else
	fail "enforce: the bypassed postinstall did not run" "canary: $(canary_of "$p")"
fi
if grep -q '^pkgguardd: deny .*package=daemon-canary' "$work/d.err"; then
	pass "enforce: the deny is logged with the package"
else
	fail "enforce: the deny is logged with the package" "$(tr '\n' ' ' <"$work/d.err")"
fi

# enforce + pkgguard run: the script runs, in the sandbox.
p=$(new_project wrapped)
start_daemon enforce
(cd "$p" && timeout 60 "$top/$BUILD/pkgguard" run -- npm install $NPM_FLAGS "$work/canary.tgz") >"$p.out" 2>&1
rc=$?
stop_daemon
if [ "$rc" = 0 ] && [ "$(canary_of "$p")" = pkgguard ]; then
	pass "enforce: the same install through pkgguard run succeeds, sandboxed"
else
	fail "enforce: the same install through pkgguard run succeeds, sandboxed" \
		"exit $rc, canary '$(canary_of "$p")', $(grep -E '^pkgguardd: (deny|warning)' "$work/d.err" | head -n 2 | tr '\n' ' ')"
fi

# audit: the script runs and the deny that would have happened is logged.
p=$(new_project audit)
start_daemon audit
bypassed_install "$p"
rc=$?
stop_daemon
if [ "$rc" = 0 ] && [ -n "$(canary_of "$p")" ] &&
	grep -q '^pkgguardd: would-deny .*package=daemon-canary' "$work/d.err"; then
	pass "audit: the bypassed install runs, a would-deny is logged"
else
	fail "audit: the bypassed install runs, a would-deny is logged" \
		"exit $rc, canary '$(canary_of "$p")', $(tail -n 1 "$work/d.err")"
fi

# enforce: processes unrelated to a package manager are never denied.
start_daemon enforce
if timeout 60 sh -c 'i=0; while [ $i -lt 2000 ]; do /bin/true || exit 1; i=$((i + 1)); done'; then
	pass "enforce: 2000 unrelated execs all succeed"
else
	fail "enforce: 2000 unrelated execs all succeed" "the loop failed"
fi
mkdir -p "$work/mk"
{
	printf 'all:'
	for i in 1 2 3 4 5 6 7 8; do printf ' t%s' "$i"; done
	printf '\n'
	for i in 1 2 3 4 5 6 7 8; do printf 't%s:\n\t/bin/echo %s > $@ && /bin/cat $@ >/dev/null\n' "$i" "$i"; done
} >"$work/mk/Makefile"
if timeout 60 make -s -j2 -C "$work/mk" >/dev/null 2>&1 && [ -f "$work/mk/t8" ]; then
	pass "enforce: make -j2 of an unrelated build succeeds"
else
	fail "enforce: make -j2 of an unrelated build succeeds" "make failed"
fi
if grep -q '^pkgguardd: deny' "$work/d.err"; then
	fail "enforce: nothing unrelated was denied" "$(grep '^pkgguardd: deny' "$work/d.err" | head -n 1)"
else
	pass "enforce: nothing unrelated was denied"
fi

# enforce: a git dependency (npm runs git itself: an allowed helper).
if command -v git >/dev/null 2>&1; then
	g=$work/gitdep-src
	cp -r tests/fixtures/daemon/gitdep "$g"
	(cd "$g" && git init -q && git add . &&
		git -c user.name=t -c user.email=t@example.invalid commit -q -m fixture &&
		git clone -q --bare "$g" "$work/gitdep.git") >/dev/null 2>&1
	p=$(new_project gitproj)
	(cd "$p" && timeout 60 npm install $NPM_FLAGS "git+file://$work/gitdep.git") >"$p.out" 2>&1
	rc=$?
	stop_daemon
	if [ "$rc" = 0 ] && [ -f "$p/node_modules/daemon-gitdep/index.js" ]; then
		pass "enforce: a git dependency installs (git is npm's helper)"
	else
		fail "enforce: a git dependency installs (git is npm's helper)" \
			"exit $rc: $(tail -n 2 "$p.out" | tr '\n' ' ') $(grep '^pkgguardd: deny' "$work/d.err" | head -n 1)"
	fi
else
	stop_daemon
	skip "enforce: a git dependency installs" "git is not installed"
fi

# kill -9 during an exec storm: the kernel lets the pending execs go.
start_daemon enforce
timeout 60 sh -c 'i=0; while [ $i -lt 3000 ]; do /bin/true || exit 1; i=$((i + 1)); done' &
storm=$!
sleep 0.3
kill -9 "$dpid"
wait "$tpid" 2>/dev/null
tpid=""
dpid=""
if wait "$storm"; then
	pass "kill -9 of the daemon during an exec storm: the storm finishes"
else
	fail "kill -9 of the daemon during an exec storm: the storm finishes" "storm exit $?"
fi
