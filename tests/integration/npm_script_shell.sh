#!/bin/sh
# npm_script_shell.sh — pkgguard-sandbox as npm's script shell, with the real
# npm: `npm run` (same path as install scripts: <script-shell> -c "<cmd>")
# gets the script's output and exit status, the script writes its own
# directory, and cannot reach a listener that the same script reaches
# without the sandbox (the control).
. tests/lib.sh
top=$(pwd)
BUILD=${BUILD:-build}
SB=$top/$BUILD/pkgguard-sandbox
PROBE=$top/$BUILD/tests/probe
export PKGGUARD_PROFILE_PATH=$top/profiles

if ! command -v npm >/dev/null 2>&1; then
	skip "npm script-shell suite" "npm is not installed"
	end_suite
fi
[ -x "$SB" ] && [ -x "$PROBE" ] || { fail "npm script-shell suite" "$SB or $PROBE is not built"; end_suite; }

work=$(mktemp -d /var/tmp/pkgguard-npm.XXXXXX)
listener=""
cleanup() {
	[ -n "$listener" ] && kill "$listener" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

"$PROBE" listen tcp 127.0.0.1 0 "$work/conn.log" </dev/null >/dev/null 2>&1 &
listener=$!
i=0
while [ ! -s "$work/conn.log.port" ] && [ $i -lt 50 ]; do sleep 0.05; i=$((i + 1)); done
port=$(cat "$work/conn.log.port" 2>/dev/null)

proj=$work/project
mkdir -p "$proj"
cp "$PROBE" "$proj/probe"
cat >"$proj/package.json" <<EOT
{
  "name": "pkgguard-script-shell-test",
  "version": "1.0.0",
  "private": true,
  "scripts": {
    "writes": "echo built > out.txt && echo printed-by-script",
    "phone": "./probe tcp 127.0.0.1 $port",
    "fails": "exit 7",
    "agent": "echo \$npm_lifecycle_event; hostname"
  }
}
EOT
cd "$proj" || exit 1
npm_quiet() { npm --silent --no-update-notifier --no-fund --no-audit "$@"; }

# Control: without the sandbox the script reaches the listener.
if out=$(npm_quiet run phone 2>&1) && [ -s "$work/conn.log" ]; then
	pass "control: npm run reaches a host listener without the sandbox"
	: >"$work/conn.log"
	if out=$(npm_config_script_shell="$SB" npm_quiet run phone 2>&1); then
		fail "npm run through the sandbox cannot reach the listener" "the script succeeded: $out"
	elif [ -s "$work/conn.log" ]; then
		fail "npm run through the sandbox cannot reach the listener" "the listener saw a connection"
	else
		pass "npm run through the sandbox cannot reach the listener"
	fi
else
	fail "control: npm run reaches a host listener without the sandbox" "$out"
fi

out=$(npm_config_script_shell="$SB" npm_quiet run writes 2>&1)
if [ $? = 0 ] && [ "$(cat out.txt 2>/dev/null)" = built ] && echo "$out" | grep -q printed-by-script; then
	pass "npm run through the sandbox: output shown, package directory written"
else
	fail "npm run through the sandbox: output shown, package directory written" "$out"
fi

npm_config_script_shell="$SB" npm_quiet run fails >/dev/null 2>&1
rc=$?
if [ "$rc" != 0 ]; then pass "a failing script fails npm (exit $rc)"; else fail "a failing script fails npm" "npm exited 0"; fi

out=$(npm_config_script_shell="$SB" npm_quiet run agent 2>&1)
if echo "$out" | grep -qx agent && echo "$out" | grep -qx pkgguard; then
	pass "npm's lifecycle variables reach the script, which runs in the sandbox (hostname pkgguard)"
else
	fail "npm's lifecycle variables reach the script, which runs in the sandbox" "$out"
fi

# A dependency's lifecycle script, installed from a local tarball, runs in the
# sandbox: it writes its own directory, not the project (read-only there).
fix=$top/tests/fixtures
tarballs=$work/tarballs
mkdir -p "$tarballs"
(cd "$tarballs" && npm pack --silent "$fix/host-recorder" "$fix/tiny-addon" >/dev/null 2>&1)
new_project() { # DIR
	mkdir -p "$1"
	cat >"$1/package.json" <<EOT
{ "name": "dep-project", "version": "1.0.0", "private": true,
  "allowScripts": { "host-recorder": true, "tiny-addon": true } }
EOT
}
# Control: without the sandbox the postinstall writes into the project.
new_project "$work/control-project"
cd "$work/control-project" || exit 1
npm_quiet install "$tarballs/host-recorder-1.0.0.tgz" >/dev/null 2>&1
if [ -e escaped.txt ]; then
	pass "control: without the sandbox a dependency's postinstall writes into the project"
	dep=$work/dep-project
	new_project "$dep"
	cd "$dep" || exit 1
	out=$(npm_config_script_shell="$SB" npm_quiet install "$tarballs/host-recorder-1.0.0.tgz" 2>&1)
	if [ $? = 0 ] && [ "$(cat node_modules/host-recorder/where.txt 2>/dev/null)" = pkgguard ] && [ ! -e escaped.txt ]; then
		pass "npm install: a dependency's postinstall runs sandboxed, writes only its own directory"
	else
		fail "npm install: a dependency's postinstall runs sandboxed, writes only its own directory" \
			"where=$(cat node_modules/host-recorder/where.txt 2>&1) escaped=$(ls escaped.txt 2>&1) $out"
	fi
else
	fail "control: without the sandbox a dependency's postinstall writes into the project" "no escaped.txt"
fi

# Legitimate native build: node-gyp rebuild, offline, with the system's
# Node.js headers (npm_config_nodedir from profiles/npm.conf), then loaded.
if ! command -v cc >/dev/null 2>&1 || ! command -v make >/dev/null 2>&1 || [ ! -e /usr/include/node/node_api.h ]; then
	skip "npm install: node-gyp builds a C addon inside the sandbox" "no C compiler, make or /usr/include/node"
else
	addon=$work/addon-project
	new_project "$addon"
	cd "$addon" || exit 1
	out=$(npm_config_script_shell="$SB" npm_quiet install "$tarballs/tiny-addon-1.0.0.tgz" 2>&1)
	if [ $? = 0 ] && [ "$(node -e 'console.log(require("tiny-addon").hello())' 2>&1)" = "hi from addon" ]; then
		pass "npm install: node-gyp builds a C addon inside the sandbox, and it loads"
	else
		fail "npm install: node-gyp builds a C addon inside the sandbox, and it loads" "$out"
	fi
fi
done_testing
