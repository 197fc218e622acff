#!/bin/sh
# daemon_tripwire.sh — the tripwire for scripts pkgguardd reparses (issue
# 13): plain `npm install` of the axios-style dropper (script shell named
# as /bin/sh, nothing routed) with pkgguardd in enforce mode. The reparsed
# pkgguard-sandbox is given --record: its record goes to the installing
# user's state directory ($XDG_STATE_HOME/pkgguard/records, where `pkgguard
# records` finds it) with the same findings as through `pkgguard run`, and
# one journald entry per finding with structured fields
# (PKGGUARD_FINDING, PKGGUARD_PACKAGE, PKGGUARD_EVENT, PKGGUARD_DESTINATION,
# PKGGUARD_PATH, PKGGUARD_SHA256) — sent here to a listener of the test's
# own ($PKGGUARD_JOURNAL_SOCKET), so the rows do not depend on journald.
# CONTROL: without the daemon, the same install does the harm.
. tests/lib.sh
top=$(pwd)
BUILD=${BUILD:-build}
PG=$top/$BUILD/pkgguard
if [ "$(id -u)" != 0 ]; then
	skip "tripwire under pkgguardd" "needs root (fanotify permission events, ptrace of any process)"
	end_suite
fi
[ -x "$BUILD/pkgguardd" ] && [ -x "$PG" ] || { fail "tripwire under pkgguardd" "not built"; end_suite; }
command -v npm >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1 || { skip "tripwire under pkgguardd" "npm or python3 is not installed"; end_suite; }
unset PKGGUARD_PROFILE_PATH
work=$(mktemp -d /var/tmp/pkgguard-dtripwire.XXXXXX) || exit 1
. tests/daemon_lib.sh
DENV="PKGGUARD_PROFILE_PATH=$top/profiles"
TAG=pgdtw$$x$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
jpid=""
cleanup() {
	stop_daemon
	[ -n "$jpid" ] && kill "$jpid" 2>/dev/null
	kill_pidfiles "$work"
	rm -f /tmp/*"$TAG"*
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

cp -r "$top/tests/fixtures/attacks/dropper" "$work/src"
printf '{ "c2": "c2-%s.example:8000,203.0.113.9:8000", "work": "%s", "home": "%s", "tag": "%s" }\n' \
	"$TAG" "$work" "$work/home" "$TAG" >"$work/src/attack.json"
(cd "$work" && npm pack --silent "$work/src" >/dev/null 2>&1) || { fail "tripwire under pkgguardd" "npm pack failed"; end_suite; }
tgz=$work/attack-dropper-1.0.0.tgz
mkdir -p "$work/home"

# The journal: a datagram socket that appends what it receives.
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
open(sys.argv[1] + ".ready", "w").close()
s.settimeout(300)
with open(sys.argv[2], "ab", buffering=0) as out:
    while True:
        out.write(s.recv(65536) + b"--\n")
' "$work/journal.sock" "$work/journal.log" </dev/null >/dev/null 2>&1 &
jpid=$!
i=0
while [ ! -e "$work/journal.sock.ready" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done

install() { # DIR
	mkdir -p "$1"
	printf '{ "name": "dtw-project", "version": "1.0.0", "private": true,\n  "allowScripts": { "attack-dropper": true, "file:%s": true } }\n' "$tgz" >"$1/package.json"
	(cd "$1" && HOME=$work/home XDG_STATE_HOME=$work/state PKGGUARD_JOURNAL_SOCKET=$work/journal.sock \
		npm_config_cache=$work/npm-cache npm_config_script_shell=/bin/sh timeout 90 \
		npm install --no-audit --no-fund --no-update-notifier --offline "$tgz")
}

# CONTROL: no daemon, the harm happens.
install "$work/plain" >/dev/null 2>&1
i=0
while [ ! -s "$work/ld-$TAG.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if [ -f "/tmp/ld-$TAG.sh" ] && [ -s "$work/ld-$TAG.pid" ] && ! grep -q postinstall "$work/plain/node_modules/attack-dropper/package.json"; then
	pass "control: without pkgguardd the dropper drops, starts its second stage and rewrites package.json"
else
	fail "control: without pkgguardd the dropper drops, starts its second stage and rewrites package.json" "vacuous: the harm did not happen"
fi
kill "$(cat "$work/ld-$TAG.pid" 2>/dev/null)" 2>/dev/null
rm -f "/tmp/ld-$TAG.sh" "$work/ld-$TAG.pid"

if ! start_daemon enforce; then
	fail "tripwire under pkgguardd" "pkgguardd did not start: $(tail -n 1 "$work/d.err")"
	end_suite
fi
install "$work/sb" >"$work/install.log" 2>&1
stop_daemon
if [ ! -e "/tmp/ld-$TAG.sh" ] && [ ! -s "$work/ld-$TAG.pid" ] && grep -q "reparse" "$work/d.all"; then
	pass "contained under pkgguardd: the script was reparsed, nothing dropped on the host"
else
	fail "contained under pkgguardd: the script was reparsed, nothing dropped on the host" "$(tail -n 3 "$work/d.all" | tr '\n' ' ')"
fi

rec=$(ls "$work"/state/pkgguard/records/*.json 2>/dev/null | head -n 1)
check() { # NAME JS over r (the record)
	if [ -n "$rec" ] && node -e '
		const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		const f = (k) => r.findings.filter((x) => x.kind === k);
		const tag = process.argv[2];
		process.exit(('"$2"') ? 0 : 1);' "$rec" "$TAG" 2>/dev/null; then
		pass "$1"
	else
		fail "$1" "record ${rec:-missing}: $(cut -c1-500 "$rec" 2>/dev/null | tr '\n' ' ')"
	fi
}
check "reparsed: the record is in the user's state directory, verdict suspicious" 'r.record_version === 2 && r.verdict === "suspicious" && r.package === "attack-dropper"'
check "reparsed: the C2 name and address, the dropped file with sha256 and its quarantined copy, the killed process, package.json rewritten" \
	'f("dns").some((x) => x.name === "c2-" + tag + ".example") && f("connect").some((x) => x.address === "203.0.113.9" && x.port === 8000) && f("file-left").some((x) => x.path === "/tmp/ld-" + tag + ".sh" && x.sha256 && x.quarantine) && f("process-left").length > 0 && f("self-modified").some((x) => x.path === "package.json")'

j=$(cat "$work/journal.log" 2>/dev/null)
sha=$(node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(r.findings.find((x)=>x.kind==="file-left").sha256)' "$rec" 2>/dev/null)
if echo "$j" | grep -q "^PKGGUARD_FINDING=dns$" && echo "$j" | grep -q "^PKGGUARD_DESTINATION=c2-$TAG.example$" &&
	echo "$j" | grep -q "^PKGGUARD_DESTINATION=203.0.113.9:8000/tcp$" && echo "$j" | grep -q "^PKGGUARD_PACKAGE=attack-dropper$" &&
	echo "$j" | grep -q "^PKGGUARD_EVENT=postinstall$" && echo "$j" | grep -q "^PKGGUARD_SHA256=$sha$" &&
	echo "$j" | grep -q "^PKGGUARD_PATH=/tmp/ld-$TAG.sh$" && echo "$j" | grep -q "^PKGGUARD_FINDING=process-left$" &&
	echo "$j" | grep -q "^PKGGUARD_SEVERITY=suspicious$" && echo "$j" | grep -q "^PKGGUARD_RECORD=$rec$"; then
	pass "reparsed: one journal entry per finding, with structured fields"
else
	fail "reparsed: one journal entry per finding, with structured fields" "$(echo "$j" | head -n 30 | tr '\n' ' ')"
fi
out=$(XDG_STATE_HOME=$work/state "$PG" records --suspicious 2>&1)
if echo "$out" | grep -q "suspicious  attack-dropper@1.0.0 postinstall"; then
	pass "reparsed: pkgguard records lists it"
else
	fail "reparsed: pkgguard records lists it" "$out"
fi
done_testing
