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
	exit 0
fi
[ -x "$SB" ] && [ -x "$PROBE" ] || { fail "npm script-shell suite" "$SB or $PROBE is not built"; exit 0; }

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
