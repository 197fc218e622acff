#!/bin/sh
# daemon.sh — pkgguardd, the fanotify guard, with the real npm. The daemon
# runs in the foreground under `timeout -s KILL` (a stalled permission
# daemon would make every exec on the machine wait), is stopped by its pid,
# and its stderr is read for the decision lines. Rows:
#   deny:    a bypassed install (--script-shell=/bin/sh) cannot run its
#            postinstall, npm fails, the deny names the package
#            (control: the same install without the daemon runs it);
#   enforce: the same bypassed install is reparsed: its postinstall runs in
#            the sandbox, npm exits 0, the reparse line names the package
#            and the pending execve's command;
#   enforce: the same install through `pkgguard run` succeeds, sandboxed;
#   audit:   the bypassed install runs, a would-deny line is logged;
#   enforce: unrelated processes are never denied (2000 execs, make -j2);
#   enforce: a git dependency installs (git is npm's allowed helper), and
#            one with a prepare script (npm's nested install runs as itself,
#            the prepare script in the sandbox);
#   SIGHUP (deny mode), broken profile: error names file:line, the daemon
#            runs on and still denies (old policy); a good reload is logged and takes
#            effect (control: npm's match section emptied, the install runs);
#   SIGHUP, broken --config file: error names file:line, the mode stays
#            (the bad file also switches the mode); the fixed file switches it;
#   sd_notify: READY=1, STATUS=, WATCHDOG=1 (twice within 3 s, from the
#            daemon's pid) and STOPPING=1 on a NOTIFY_SOCKET the test binds
#            (control: no WATCHDOG_USEC, no WATCHDOG=1);
#   pkgguard status [--json] on the control socket: mode, counters that grow
#            with execs, latency percentiles; fails once the daemon is gone;
#   kill -9 of the daemon during an exec storm: the storm finishes; and
#            during a burst of reparses by four parallel npm installs: each
#            ends, nothing is left stopped or behind.
. tests/lib.sh
top=$(pwd)
BUILD=${BUILD:-build}
export PKGGUARD_PROFILE_PATH=$top/profiles

if [ "$(id -u)" != 0 ]; then
	skip "pkgguardd suite" "needs root (fanotify permission events)"
	end_suite
fi
if ! command -v npm >/dev/null 2>&1; then
	skip "pkgguardd suite" "npm is not installed"
	end_suite
fi
[ -x "$top/$BUILD/pkgguardd" ] || { fail "pkgguardd suite" "$BUILD/pkgguardd is not built"; end_suite; }

work=$(mktemp -d /var/tmp/pkgguard-daemon.XXXXXX)
. tests/daemon_lib.sh
cleanup() {
	stop_daemon
	[ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT INT TERM

daemon_starts_or_fail "pkgguardd suite"

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

# deny: the bypassed install cannot run its script.
p=$(new_project enforce)
start_daemon deny
if bypassed_install "$p"; then rc=0; else rc=$?; fi
stop_daemon
if [ "$rc" = 0 ]; then
	fail "deny: a bypassed install fails" "npm exited 0"
else
	pass "deny: a bypassed install fails (npm exit $rc)"
fi
if [ -z "$(canary_of "$p")" ]; then
	pass "deny: the bypassed postinstall did not run"
else
	fail "deny: the bypassed postinstall did not run" "canary: $(canary_of "$p")"
fi
if grep -q '^pkgguardd: deny .*package=daemon-canary event=postinstall .*command=/bin/sh -c cat /proc/sys/kernel/hostname > canary$' "$work/d.err"; then
	pass "deny: the deny is logged with the package, the lifecycle event and the pending command"
else
	fail "deny: the deny is logged with the package, the lifecycle event and the pending command" "$(tr '\n' ' ' <"$work/d.err")"
fi

# enforce: the same bypassed install is reparsed into the sandbox.
p=$(new_project reparse)
start_daemon enforce
if bypassed_install "$p"; then rc=0; else rc=$?; fi
stop_daemon
if [ "$rc" = 0 ] && [ "$(canary_of "$p")" = pkgguard ]; then
	pass "enforce: the bypassed install is reparsed (npm exit 0, the postinstall ran in the sandbox)"
else
	fail "enforce: the bypassed install is reparsed" \
		"npm exit $rc, canary '$(canary_of "$p")', $(grep -E '^pkgguardd: (deny|reparse)' "$work/d.err" | head -n 2 | tr '\n' ' ')"
fi
if grep -q '^pkgguardd: reparse .*package=daemon-canary event=postinstall .*command=/bin/sh -c cat /proc/sys/kernel/hostname > canary' "$work/d.err"; then
	pass "enforce: the reparse is logged with the package, the lifecycle event and the pending command"
else
	fail "enforce: the reparse is logged with the package, the lifecycle event and the pending command" "$(grep -E '^pkgguardd: (deny|reparse)' "$work/d.err" | tr '\n' ' ')"
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
	grep -q '^pkgguardd: would-deny .*package=daemon-canary event=postinstall .*command=/bin/sh -c cat /proc/sys/kernel/hostname > canary$' "$work/d.err"; then
	pass "audit: the bypassed install runs, a would-deny is logged (package, event, pending command)"
else
	fail "audit: the bypassed install runs, a would-deny is logged" \
		"exit $rc, canary '$(canary_of "$p")', $(tail -n 1 "$work/d.err")"
fi
# One exec, one line: the dynamic loader the same exec opens next is not
# reported as a second would-deny.
if grep -q '^pkgguardd: would-deny ' "$work/d.err" && ! grep -q '^pkgguardd: would-deny .*exe=[^ ]*/ld-' "$work/d.err"; then
	pass "audit: one would-deny line per exec (the loader is not reported again)"
else
	fail "audit: one would-deny line per exec" "$(grep would-deny "$work/d.err" | head -n 3)"
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
	# A git dependency with a prepare script: npm runs `npm install` in its
	# clone (the package manager run by itself: allowed as itself), whose
	# prepare script is reparsed into the sandbox; the result is packed.
	g=$work/gitprep-src
	cp -r tests/fixtures/daemon/gitprep "$g"
	(cd "$g" && git init -q && git add . &&
		git -c user.name=t -c user.email=t@example.invalid commit -q -m fixture &&
		git clone -q --bare "$g" "$work/gitprep.git") >/dev/null 2>&1
	p=$(new_project gitprepproj)
	start_daemon enforce
	(cd "$p" && env -u npm_config_script_shell timeout 120 npm install --script-shell=/bin/sh $NPM_FLAGS "git+file://$work/gitprep.git") >"$p.out" 2>&1
	rc=$?
	stop_daemon
	if [ "$rc" = 0 ] && [ "$(cat "$p/node_modules/daemon-gitprep/prepared.txt" 2>/dev/null)" = pkgguard ] &&
		grep -q '^pkgguardd: allow .*reason=nested-package-manager' "$work/d.err"; then
		pass "enforce: a git dependency with a prepare script installs (nested npm as itself, prepare sandboxed)"
	else
		fail "enforce: a git dependency with a prepare script installs" \
			"exit $rc, prepared '$(cat "$p/node_modules/daemon-gitprep/prepared.txt" 2>&1)': $(tail -n 2 "$p.out" | tr '\n' ' ') $(grep -E '^pkgguardd: (deny|reparse|allow)' "$work/d.err" | head -n 4 | tr '\n' ' ')"
	fi
else
	stop_daemon
	skip "enforce: a git dependency installs" "git is not installed"
fi

# SIGHUP with a broken profile: the error names the file and line, the
# daemon runs on with the last good policy (the bypassed install is still
# denied); the fixed file reloads. Control: a good reload does change the
# policy (npm's match section no longer names npm: the install runs), so
# "still denied" is the old policy, not a policy that ignores reloads.
prof=$work/profiles
mkdir -p "$prof"
cp profiles/*.conf "$prof/"
DENV="PKGGUARD_PROFILE_PATH=$prof"
if start_daemon_with --config /dev/null --mode deny; then
	p=$(new_project hup-before)
	if bypassed_install "$p" || [ -n "$(canary_of "$p")" ]; then
		fail "SIGHUP: before the reload the bypassed install is denied" "canary '$(canary_of "$p")'"
	else
		pass "SIGHUP: before the reload the bypassed install is denied"
	fi
	echo '@@ not libconfig @@' >>"$prof/npm.conf"
	line=$(wc -l <"$prof/npm.conf")
	from=$(($(log_lines) + 1))
	kill -HUP "$dpid"
	if wait_log "^pkgguardd: .*$prof/npm\.conf:$line: " "$from" &&
		wait_log '^pkgguardd: reload failed' "$from"; then
		pass "SIGHUP, broken profile: the error names npm.conf:$line"
	else
		fail "SIGHUP, broken profile: the error names npm.conf:$line" "$(tail -n +"$from" "$work/d.err" | tr '\n' ' ')"
	fi
	if kill -0 "$dpid" 2>/dev/null; then
		pass "SIGHUP, broken profile: the daemon keeps running"
	else
		fail "SIGHUP, broken profile: the daemon keeps running" "pid $dpid is gone: $(tail -n 1 "$work/d.err")"
	fi
	p=$(new_project hup-broken)
	if bypassed_install "$p"; then rc=0; else rc=$?; fi
	if [ "$rc" != 0 ] && [ -z "$(canary_of "$p")" ] &&
		tail -n +"$from" "$work/d.err" | grep -q '^pkgguardd: deny .*package=daemon-canary'; then
		pass "SIGHUP, broken profile: the old policy stays (the bypassed install is still denied)"
	else
		fail "SIGHUP, broken profile: the old policy stays (the bypassed install is still denied)" \
			"npm exit $rc, canary '$(canary_of "$p")'"
	fi
	cp profiles/npm.conf "$prof/npm.conf"
	from=$(($(log_lines) + 1))
	kill -HUP "$dpid"
	if wait_log '^pkgguardd: reloaded: mode deny, [0-9]+ package managers' "$from" &&
		! tail -n +"$from" "$work/d.err" | grep -q 'reload failed'; then
		pass "SIGHUP, fixed profile: the reload is logged"
	else
		fail "SIGHUP, fixed profile: the reload is logged" "$(tail -n +"$from" "$work/d.err" | tr '\n' ' ')"
	fi
	# Control: a good reload takes effect.
	sed 's/^\( *commands = \)\[ "npm".*\];/\1[ "no-such-package-manager" ];/' profiles/npm.conf >"$prof/npm.conf"
	from=$(($(log_lines) + 1))
	kill -HUP "$dpid"
	p=$(new_project hup-control)
	if ! grep -q no-such-package-manager "$prof/npm.conf"; then
		fail "SIGHUP control: a good reload takes effect" "could not edit the copy of npm.conf"
	elif wait_log '^pkgguardd: reloaded' "$from" && bypassed_install "$p" && [ -n "$(canary_of "$p")" ]; then
		pass "SIGHUP control: a good reload takes effect (npm unmatched: the install runs)"
	else
		if tail -n +"$from" "$work/d.err" | grep -q '^pkgguardd: deny'; then
			why="our daemon denied it"
		else
			why="our daemon logged no deny: another fanotify guard refused the exec?"
		fi
		fail "SIGHUP control: a good reload takes effect" \
			"canary '$(canary_of "$p")', $why; $(tail -n +"$from" "$work/d.err" | head -n 2 | tr '\n' ' ')"
	fi
	stop_daemon
else
	fail "SIGHUP, broken profile" "the daemon did not start: $(tail -n 1 "$work/d.err")"
fi
DENV=""

# SIGHUP with a broken --config file: the bad file both switches the mode
# and has an unknown key; the mode must stay (nothing of a bad file is
# applied). Control: the same switch without the unknown key takes effect.
cfg=$work/pkgguardd.conf
mode_of() { "$top/$BUILD/pkgguard" status --json --socket "$dctl" 2>/dev/null |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["mode"])' 2>/dev/null; }
if ! command -v python3 >/dev/null 2>&1; then
	skip "SIGHUP, broken config" "python3 is not installed"
else
	printf 'mode = "audit";\n' >"$cfg"
	if start_daemon_with --config "$cfg"; then
		m0=$(mode_of)
		printf 'mode = "enforce";\nlog_level = "info";\nno_such_key = 1;\n' >"$cfg"
		from=$(($(log_lines) + 1))
		kill -HUP "$dpid"
		if wait_log "^pkgguardd: $cfg:3: unknown key \"no_such_key\"" "$from" &&
			wait_log '^pkgguardd: reload failed' "$from"; then
			pass "SIGHUP, broken config: the error names pkgguardd.conf:3"
		else
			fail "SIGHUP, broken config: the error names pkgguardd.conf:3" \
				"$(tail -n +"$from" "$work/d.err" | tr '\n' ' ')"
		fi
		m1=$(mode_of)
		if [ "$m0" = audit ] && [ "$m1" = audit ] && kill -0 "$dpid" 2>/dev/null; then
			pass "SIGHUP, broken config: the daemon runs on, still in audit"
		else
			fail "SIGHUP, broken config: the daemon runs on, still in audit" "mode before '$m0', after '$m1'"
		fi
		printf 'mode = "enforce";\nlog_level = "info";\n' >"$cfg"
		from=$(($(log_lines) + 1))
		kill -HUP "$dpid"
		wait_log '^pkgguardd: reloaded' "$from"
		m2=$(mode_of)
		if [ "$m2" = enforce ]; then
			pass "SIGHUP control: the fixed config switches to enforce"
		else
			fail "SIGHUP control: the fixed config switches to enforce" \
				"mode '$m2', $(tail -n +"$from" "$work/d.err" | tr '\n' ' ')"
		fi
		stop_daemon
	else
		fail "SIGHUP, broken config" "the daemon did not start: $(tail -n 1 "$work/d.err")"
	fi
fi

# sd_notify: a datagram socket stands in for systemd. Every message is
# written with the sender's pid (SCM_CREDENTIALS); the listener ends at
# STOPPING=1 or its deadline.
# notify_run WATCHDOG_USEC SECONDS — starts the daemon with NOTIFY_SOCKET
# (and WATCHDOG_USEC when not empty), waits SECONDS, sends SIGTERM; the
# messages are in $work/notify.msgs, the daemon's pid in $npid.
notify_run() {
	sock=$work/notify.sock
	rm -f "$sock" "$work/notify.msgs"
	timeout -s KILL 30 python3 -c '
import os, socket, struct, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
out = open(sys.argv[2], "w")
end = time.monotonic() + 20
while time.monotonic() < end:
    s.settimeout(max(0.01, end - time.monotonic()))
    try:
        data, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(12))
    except socket.timeout:
        break
    pid = 0
    for lvl, typ, d in anc:
        if lvl == socket.SOL_SOCKET and typ == socket.SCM_CREDENTIALS:
            pid = struct.unpack("iII", d[:12])[0]
    for m in data.decode(errors="replace").split("\n"):
        if m:
            out.write("%d %s\n" % (pid, m))
    out.flush()
    if b"STOPPING=1" in data:
        break
' "$sock" "$work/notify.msgs" &
	lpid=$!
	i=0
	while [ ! -S "$sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	DENV="NOTIFY_SOCKET=$sock${1:+ WATCHDOG_USEC=$1}"
	npid=""
	if start_daemon_with --config /dev/null --mode enforce; then
		npid=$dpid
		sleep "$2"
		# SIGTERM by pid, then wait: the daemon says STOPPING=1 on its way out.
		kill "$dpid"
		wait "$tpid" 2>/dev/null
		tpid=""
		dpid=""
	fi
	DENV=""
	wait "$lpid" 2>/dev/null
}
# count_msg LINE — messages equal to LINE sent by the daemon ($npid)
count_msg() {
	_c=$(grep -cx "$npid $1" "$work/notify.msgs" 2>/dev/null)
	echo "${_c:-0}"
}
if ! command -v python3 >/dev/null 2>&1; then
	skip "sd_notify" "python3 is not installed"
else
	notify_run 2000000 3
	if [ -z "$npid" ]; then
		fail "sd_notify" "the daemon did not start: $(tail -n 1 "$work/d.err")"
	else
		msgs=$(tr '\n' '|' <"$work/notify.msgs" 2>/dev/null | cut -c 1-300)
		if [ "$(count_msg READY=1)" -ge 1 ]; then
			pass "sd_notify: READY=1 from the daemon"
		else
			fail "sd_notify: READY=1 from the daemon" "pid $npid, got: $msgs"
		fi
		if grep -q "^$npid STATUS=guarding, mode enforce" "$work/notify.msgs"; then
			pass "sd_notify: STATUS= names the mode"
		else
			fail "sd_notify: STATUS= names the mode" "got: $msgs"
		fi
		nwd=$(count_msg WATCHDOG=1)
		if [ "$nwd" -ge 2 ]; then
			pass "sd_notify: WATCHDOG=1 at least twice in 3 s (WATCHDOG_USEC=2 s; got $nwd)"
		else
			fail "sd_notify: WATCHDOG=1 at least twice in 3 s" "got $nwd: $msgs"
		fi
		if [ "$(count_msg STOPPING=1)" -ge 1 ]; then
			pass "sd_notify: STOPPING=1 on SIGTERM"
		else
			fail "sd_notify: STOPPING=1 on SIGTERM" "got: $msgs"
		fi
	fi
	# Control: without WATCHDOG_USEC the daemon must not ping (and the
	# listener still hears it: READY=1).
	notify_run "" 1.5
	if [ -n "$npid" ] && [ "$(count_msg READY=1)" -ge 1 ] && [ "$(count_msg WATCHDOG=1)" = 0 ]; then
		pass "sd_notify control: no WATCHDOG=1 without WATCHDOG_USEC"
	else
		fail "sd_notify control: no WATCHDOG=1 without WATCHDOG_USEC" \
			"pid '$npid', got: $(tr '\n' '|' <"$work/notify.msgs" 2>/dev/null | cut -c 1-300)"
	fi
fi

# pkgguard status on the daemon's control socket: text and JSON, counters
# that grow with execs. Control: once the daemon is stopped, status fails.
if ! command -v python3 >/dev/null 2>&1; then
	skip "pkgguard status" "python3 is not installed"
elif start_daemon enforce; then
	j0=$("$top/$BUILD/pkgguard" status --json --socket "$dctl" 2>&1)
	i=0
	while [ $i -lt 200 ]; do /bin/true; i=$((i + 1)); done
	j1=$("$top/$BUILD/pkgguard" status --json --socket "$dctl" 2>&1)
	txt=$("$top/$BUILD/pkgguard" status --socket "$dctl" 2>&1)
	trc=$?
	why=$(printf '%s\n%s\n' "$j0" "$j1" | python3 -c '
import json, sys
pid = int(sys.argv[1])
try:
    a, b = (json.loads(l) for l in sys.stdin.read().splitlines())
except Exception as e:
    print("not JSON: %s" % e); sys.exit()
ints = ("pid", "uptime_s", "events", "allows", "denies", "audit_would_deny", "cache_hits", "overflows", "rss_kb")
lat = ("p50", "p90", "p99", "max")
for k in ints:
    if not isinstance(b.get(k), int): print("%s missing or not an integer" % k)
if not isinstance(b.get("latency_us"), dict) or not all(isinstance(b["latency_us"].get(k), int) for k in lat):
    print("latency_us.p50/p90/p99/max missing"); sys.exit()
if b["pid"] != pid: print("pid %s, not %d" % (b["pid"], pid))
if b["mode"] != "enforce": print("mode %s" % b["mode"])
if not b["events"] - a["events"] >= 200: print("events %d -> %d after 200 execs" % (a["events"], b["events"]))
if not b["allows"] - a["allows"] >= 200: print("allows %d -> %d after 200 execs" % (a["allows"], b["allows"]))
if b["latency_us"]["max"] < b["latency_us"]["p50"]: print("max latency below p50")
# the raw buckets: [upper bound us, count] pairs whose counts grow with the
# decisions, so two answers subtract to the latencies between them
try:
    ha, hb = ({le: n for le, n in x["latency_buckets_us"]} for x in (a, b))
    if sorted(hb) != list(hb) or any(n <= 0 for n in hb.values()): print("buckets not ascending and non-empty")
    if sum(hb.values()) - sum(ha.values()) != b["events"] - a["events"]:
        print("buckets grew by %d, events by %d" % (sum(hb.values()) - sum(ha.values()), b["events"] - a["events"]))
    if any(hb.get(le, 0) < n for le, n in ha.items()): print("a bucket shrank")
except (KeyError, TypeError, ValueError) as e:
    print("latency_buckets_us missing or malformed: %r" % e)
' "$dpid" 2>&1)
	if [ -z "$why" ]; then
		pass "pkgguard status --json: mode, counters that grow (+200 execs), latency percentiles and buckets"
	else
		fail "pkgguard status --json: mode, counters that grow (+200 execs), latency" \
			"$(echo "$why" | tr '\n' ' ') [$j1]"
	fi
	if [ "$trc" = 0 ] && echo "$txt" | grep -q "^pid $dpid, mode enforce, up [0-9]* s$" &&
		echo "$txt" | grep -Eq '^events [1-9][0-9]*, allows [1-9][0-9]*, denies [0-9]+' &&
		echo "$txt" | grep -Eq '^decision latency p50 [0-9]+ us, p90 [0-9]+ us, p99 [0-9]+ us, max [0-9]+ us'; then
		pass "pkgguard status: mode, counters and latency percentiles"
	else
		fail "pkgguard status: mode, counters and latency percentiles" "exit $trc: $(echo "$txt" | tr '\n' '|')"
	fi
	stop_daemon
	if out=$("$top/$BUILD/pkgguard" status --socket "$dctl" 2>&1); then
		fail "pkgguard status control: fails once the daemon is stopped" "exit 0: $out"
	else
		pass "pkgguard status control: fails once the daemon is stopped"
	fi
else
	fail "pkgguard status" "the daemon did not start: $(tail -n 1 "$work/d.err")"
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

# kill -9 during a burst of reparses by real npm installs: four plain
# installs of six packages each, every postinstall reparsed (and slow enough
# for the kill to land among them). Every install ends (exit 0 or an error),
# no process is left stopped (ptrace stop "t" or "T"), none of the installs'
# processes is left behind.
mkdir -p "$work/burst-src"
i=1
while [ $i -le 6 ]; do
	mkdir -p "$work/burst-src/b$i"
	printf '{ "name": "burst-%s", "version": "1.0.0", "scripts": { "postinstall": "sleep 0.3; cat /proc/sys/kernel/hostname > host.txt" } }\n' \
		"$i" >"$work/burst-src/b$i/package.json"
	i=$((i + 1))
done
(cd "$work/burst-src" && for d in b1 b2 b3 b4 b5 b6; do npm pack --silent "./$d" >/dev/null 2>&1 || exit 1; done) ||
	fail "kill -9 during npm reparses: fixtures" "npm pack failed"
start_daemon enforce
bpids=""
for n in 1 2 3 4; do
	p=$(new_project burst$n)
	(cd "$p" && env -u npm_config_script_shell timeout 120 npm install --script-shell=/bin/sh $NPM_FLAGS \
		"$work"/burst-src/burst-*.tgz >"$p.out" 2>&1; echo "exit $?" >"$p.rc") &
	bpids="$bpids $!"
done
# Kill once the first scripts are being reparsed (at most 20 s).
i=0
while [ $i -lt 400 ] && ! grep -q '^pkgguardd: reparse .*package=burst-' "$work/d.err"; do sleep 0.05; i=$((i + 1)); done
sleep 0.3
before=$(grep -c '^pkgguardd: reparse .*package=burst-' "$work/d.err")
kill -9 "$dpid"
wait "$tpid" 2>/dev/null
tpid=""
dpid=""
for p in $bpids; do wait "$p" 2>/dev/null; done
ended=0
for n in 1 2 3 4; do [ -f "$work/burst$n.rc" ] && ended=$((ended + 1)); done
left=$(stopped_pids)
alive=""
for n in 1 2 3 4; do
	for c in /proc/[0-9]*/cwd; do
		case "$(readlink "$c" 2>/dev/null)" in "$work/burst$n"*) _p=${c#/proc/}; alive="$alive ${_p%/cwd}" ;; esac
	done
done
if [ "$before" -gt 0 ] && [ "$ended" = 4 ] && [ -z "$left" ] && [ -z "$alive" ]; then
	pass "kill -9 during npm reparses ($before reparsed before): all 4 installs ended ($(cat "$work"/burst*.rc | tr '\n' ' ')), nothing stopped or left"
else
	fail "kill -9 during npm reparses" "reparsed before the kill: $before, installs ended: $ended/4, stopped: '$left', left: '$alive'"
fi
for p in $alive; do kill "$p" 2>/dev/null; done
done_testing
