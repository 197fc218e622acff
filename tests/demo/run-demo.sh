#!/bin/sh
# run-demo.sh [BUILD] — `make demo`: pkgguard's main job in one minute.
#
# A project depends on two packages, both approved in "allowScripts":
#   demo-dropper — behaves like the hijacked axios release (docs/THREATS.md):
#                  postinstall `node setup.js` POSTs to a "C2" on 127.0.0.1,
#                  drops /tmp/ld.py, starts it with nohup so it outlives the
#                  install, then deletes setup.js;
#   demo-addon   — a legitimate native addon: binding.gyp + a C file, built
#                  by node-gyp at install, offline, with the system's headers.
# First without pkgguard (the control: the attack really works here; skip it
# with DEMO_CONTROL=0), then through pkgguard: the C2 hears nothing, nothing
# is dropped, no process is left, and the addon is built and loads.
# Everything the demo starts or writes is removed at the end, by pid and path.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
BUILD=${1:-${BUILD:-build}}
case $BUILD in /*) B=$BUILD ;; *) B=$top/$BUILD ;; esac
SB=$B/pkgguard-sandbox
PG=$B/pkgguard
export PKGGUARD_PROFILE_PATH="$top/profiles"

say() { printf '%s\n' "$*"; }
step() { printf '\n== %s\n' "$*"; }
failures=0
check() { # CONDITION-STATUS TEXT
	if [ "$1" -eq 0 ]; then say "  [ok]   $2"; else say "  [FAIL] $2"; failures=$((failures + 1)); fi
}

for tool in npm node python3 cc make; do
	command -v "$tool" >/dev/null 2>&1 || { say "demo: needs $tool"; exit 1; }
done
[ -e /usr/include/node/node_api.h ] || { say "demo: needs /usr/include/node/node_api.h (libnode-dev)"; exit 1; }
[ -x "$SB" ] || { say "demo: $SB is not built (make)"; exit 1; }
# The dropper writes these host paths when unconfined: they must be ours.
for f in /tmp/ld.py /tmp/ld.pid; do
	[ -e "$f" ] && { say "demo: $f already exists and is not the demo's; remove it first"; exit 1; }
done

work=$(mktemp -d /var/tmp/pkgguard-demo.XXXXXX)
chmod 755 "$work"
c2pid=""

# The second stage, if it ran on the host: kill it by the pid it wrote, after
# checking that pid still is /tmp/ld.py, then remove what it dropped.
kill_stage() {
	if [ -f /tmp/ld.pid ]; then
		_p=$(cat /tmp/ld.pid)
		case $_p in
		'' | *[!0-9]*) ;;
		*) [ "$(tr '\0' '\n' <"/proc/$_p/cmdline" 2>/dev/null | sed -n 2p)" = /tmp/ld.py ] &&
			kill "$_p" 2>/dev/null ;;
		esac
	fi
	rm -f /tmp/ld.py /tmp/ld.pid
}
cleanup() {
	kill_stage
	[ -n "$c2pid" ] && kill "$c2pid" 2>/dev/null && wait "$c2pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# stage_running — 0 when a /tmp/ld.py process exists on the host.
stage_running() {
	for _c in /proc/[0-9]*/cmdline; do
		[ "$( { tr '\0' '\n' <"$_c" | sed -n 2p; } 2>/dev/null)" = /tmp/ld.py ] && return 0
	done
	return 1
}

step "a C2 server on 127.0.0.1"
python3 tests/demo/c2.py "$work/c2.port" "$work/c2.log" </dev/null >/dev/null 2>&1 &
c2pid=$!
i=0
while [ ! -s "$work/c2.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
port=$(cat "$work/c2.port" 2>/dev/null)
[ -n "$port" ] || { say "demo: the C2 listener did not start"; exit 1; }
: >"$work/c2.log"
say "  listening on 127.0.0.1:$port (pid $c2pid)"

step "packing demo-dropper (C2 port $port built in) and demo-addon"
mkdir -p "$work/src" "$work/tarballs"
cp -r tests/demo/dropper tests/demo/addon "$work/src/"
echo "$port" >"$work/src/dropper/c2.port"
(cd "$work/tarballs" && npm pack --silent "$work/src/dropper" "$work/src/addon") | sed 's/^/  /'

new_project() { # DIR
	mkdir -p "$1"
	cat >"$1/package.json" <<EOT
{
  "name": "demo-project",
  "version": "1.0.0",
  "private": true,
  "dependencies": {
    "demo-addon": "file:../tarballs/demo-addon-1.0.0.tgz",
    "demo-dropper": "file:../tarballs/demo-dropper-1.0.0.tgz"
  },
  "allowScripts": { "demo-addon": true, "demo-dropper": true }
}
EOT
}
npm_flags="--no-update-notifier --no-fund --no-audit"

# wait_stage — the second stage starts in the background as npm exits.
wait_stage() {
	i=0
	while [ ! -s /tmp/ld.pid ] && [ $i -lt 40 ]; do sleep 0.05; i=$((i + 1)); done
}

if [ "${DEMO_CONTROL:-1}" != 0 ]; then
	step "control: plain npm install, no pkgguard"
	new_project "$work/unprotected"
	# shellcheck disable=SC2086
	(cd "$work/unprotected" && npm install $npm_flags 2>&1 | tail -n 3 | sed 's/^/  npm: /')
	wait_stage
	[ -s "$work/c2.log" ]
	check $? "the C2 received: $(head -n 1 "$work/c2.log")"
	[ -e /tmp/ld.py ]
	check $? "/tmp/ld.py was dropped on the host"
	stage_running
	check $? "python3 /tmp/ld.py is still running after the install (pid $(cat /tmp/ld.pid 2>/dev/null))"
	[ ! -e "$work/unprotected/node_modules/demo-dropper/setup.js" ]
	check $? "setup.js deleted itself to hide"
	if [ $failures -ne 0 ]; then
		say "demo: the attack did not work without pkgguard, so the rest would prove nothing"
		exit 1
	fi
	say "  (cleaning up: killing the second stage by its pid, removing /tmp/ld.py)"
	kill_stage
	: >"$work/c2.log"
fi

step "the same install through pkgguard"
new_project "$work/project"
cd "$work/project" || exit 1
routed=0
if [ -x "$PG" ]; then
	say "  \$ pkgguard run --all-scripts -- npm install"
	# shellcheck disable=SC2086
	"$PG" run --all-scripts -- npm install $npm_flags >"$work/install.log" 2>&1
	rc=$?
	if [ $rc -eq 2 ]; then
		say "  note: this pkgguard does not take 'run --all-scripts' yet; routing npm's script shell instead"
	else
		routed=1
	fi
else
	say "  note: $PG is not built yet; routing npm's script shell to pkgguard-sandbox instead"
fi
if [ $routed = 0 ]; then
	say "  \$ npm_config_script_shell=$SB npm install"
	# shellcheck disable=SC2086
	npm_config_script_shell=$SB npm install $npm_flags >"$work/install.log" 2>&1
	rc=$?
fi
tail -n 4 "$work/install.log" | sed 's/^/  | /'
wait_stage

step "what happened"
[ -d node_modules/demo-dropper ] && [ ! -e node_modules/demo-dropper/setup.js ]
check $? "the dropper did run: it deleted its own setup.js (its package directory is the one place it may write)"
[ ! -s "$work/c2.log" ]
check $? "the C2 on 127.0.0.1:$port heard nothing$( [ -s "$work/c2.log" ] && echo ": $(head -n 1 "$work/c2.log")")"
[ ! -e /tmp/ld.py ]
check $? "/tmp/ld.py was not dropped on the host (the script had a private /tmp)"
! stage_running
check $? "no python3 /tmp/ld.py process is left (everything died with the script)"
out=$(node -e "console.log(require('demo-addon').hello())" 2>&1)
[ "$out" = "hello from a native addon built in the sandbox" ]
check $? "the native addon was built by node-gyp in the sandbox and loads: $out"
[ "$rc" -eq 0 ]
check $? "npm install exited $rc"

echo
if [ $failures -eq 0 ]; then
	say "demo: pkgguard stopped the dropper and built the addon."
else
	say "demo: $failures check(s) failed; npm's output: $work/install.log"
	sed 's/^/  | /' "$work/install.log" | tail -n 20
	exit 1
fi
