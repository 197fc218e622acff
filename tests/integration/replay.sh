#!/bin/sh
# replay.sh — `pkgguard run --all-scripts`: the package manager installs with
# its scripts disabled, then pkgguard replays every lifecycle script inside
# pkgguard-sandbox, in dependency order, with npm's environment. Real yarn 1
# (which cannot be routed) and real npm, offline, from the local tarballs of
# tests/fixtures/replay/:
#   replay-base     preinstall + postinstall; leaves its env, cwd and events
#   replay-top      depends on replay-base; its install reads base's events
#                   (so base must have run first)
#   replay-optfail  optional dependency whose postinstall exits 3
#   replay-evil     writes the project and $HOME: the control (plain yarn)
#                   must show the harm, replay must not
# and a project where the failing package is required: the exit status is
# the script's. HOME is a fake one under the work directory.
. tests/lib.sh
top=$(pwd)
BUILD=${BUILD:-build}
PG=$top/$BUILD/pkgguard
export PKGGUARD_PROFILE_PATH=$top/profiles

if [ ! -x "$PG" ]; then
	skip "replay suite" "pkgguard not built yet"
	end_suite
fi
if ! command -v npm >/dev/null 2>&1; then
	skip "replay suite" "npm is not installed"
	end_suite
fi

work=$(mktemp -d /var/tmp/pkgguard-replay.XXXXXX) || exit 1
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT INT TERM
export HOME="$work/home" npm_config_cache="$work/npm-cache" YARN_CACHE_FOLDER="$work/yarn-cache"
mkdir -p "$HOME" "$work/src"
quiet="--no-audit --no-fund --no-update-notifier"

for d in "$top"/tests/fixtures/replay/*/; do
	(cd "$d" && npm pack --silent --pack-destination "$work/src" >/dev/null 2>&1) ||
		{ fail "replay suite" "npm pack $d failed"; end_suite; }
done

# make_project DIR [required-failing]
make_project() {
	mkdir -p "$1"
	opt='"optionalDependencies": { "replay-optfail": "file:../src/replay-optfail-1.0.0.tgz" },'
	req=""
	if [ "${2:-}" = required-failing ]; then
		opt=""
		req='"replay-optfail": "file:../src/replay-optfail-1.0.0.tgz",'
	fi
	cat >"$1/package.json" <<EOT
{
  "name": "replay-project",
  "version": "1.0.0",
  "private": true,
  "dependencies": {
    $req
    "replay-top": "file:../src/replay-top-2.0.0.tgz",
    "replay-base": "file:../src/replay-base-1.0.0.tgz",
    "replay-evil": "file:../src/replay-evil-1.0.0.tgz"
  },
  $opt
  "resolutions": { "replay-base": "file:../src/replay-base-1.0.0.tgz" },
  "allowScripts": { "replay-base": true, "replay-top": true, "replay-optfail": true, "replay-evil": true }
}
EOT
}

# check PM PROJECT: the effects of a replayed install.
check() {
	pm=$1 p=$2 nm=$2/node_modules
	if [ "$(cat "$nm/replay-base/events.txt" 2>/dev/null | tr '\n' ' ')" = "preinstall postinstall " ]; then
		pass "$pm: preinstall then postinstall replayed, each once"
	else
		fail "$pm: preinstall then postinstall replayed, each once" "events: $(cat "$nm/replay-base/events.txt" 2>&1)"
	fi
	if grep -qx postinstall "$nm/replay-top/seen-base.txt" 2>/dev/null; then
		pass "$pm: a package runs after its dependency (dependency order)"
	else
		fail "$pm: a package runs after its dependency (dependency order)" "$(cat "$nm/replay-top/seen-base.txt" 2>&1)"
	fi
	env=$nm/replay-base/env.txt
	missing=""
	for want in "npm_lifecycle_event=postinstall" "npm_package_name=replay-base" \
		"npm_package_version=1.0.0" "npm_package_json=$nm/replay-base/package.json" "INIT_CWD=$p"; do
		grep -qxF "$want" "$env" 2>/dev/null || missing="$missing $want"
	done
	grep -q "^npm_lifecycle_script=echo postinstall" "$env" 2>/dev/null || missing="$missing npm_lifecycle_script"
	grep -q "^PATH=$nm/replay-base/node_modules/.bin:.*:$nm/.bin:" "$env" 2>/dev/null || missing="$missing PATH"
	# The sandbox may show the directory under another path (a project in
	# /var/tmp appears under /tmp inside): the tail must be the package's.
	case "$(cat "$nm/replay-base/pwd.txt" 2>/dev/null)" in
	*/"${p##*/}"/node_modules/replay-base) ;;
	*) missing="$missing cwd" ;;
	esac
	if [ -z "$missing" ]; then
		pass "$pm: npm's environment and cwd (lifecycle, package, INIT_CWD, PATH)"
	else
		fail "$pm: npm's environment and cwd (lifecycle, package, INIT_CWD, PATH)" "missing:$missing"
	fi
	if [ -s "$nm/replay-optfail/ran.txt" ]; then
		pass "$pm: a failing optional dependency ran and did not fail the install"
	else
		fail "$pm: a failing optional dependency ran and did not fail the install" "its script did not run"
	fi
	if [ ! -s "$nm/replay-evil/evil-ran.txt" ]; then
		fail "$pm: a replayed script cannot write the project or \$HOME" "the script did not run"
	elif [ -e "$p/pwned" ] || [ -e "$HOME/.pkgguard-replay-pwned" ]; then
		fail "$pm: a replayed script cannot write the project or \$HOME" "it wrote $(ls "$p/pwned" "$HOME/.pkgguard-replay-pwned" 2>/dev/null)"
	else
		pass "$pm: a replayed script cannot write the project or \$HOME"
	fi
}

if command -v yarn >/dev/null 2>&1; then
	# Control: plain yarn runs the scripts outside any sandbox.
	make_project "$work/control"
	rm -f "$HOME/.pkgguard-replay-pwned"
	(cd "$work/control" && yarn install --offline --non-interactive >"$work/control.log" 2>&1)
	if [ -e "$work/control/pwned" ] && [ -e "$HOME/.pkgguard-replay-pwned" ]; then
		pass "control: plain yarn lets the install script write the project and \$HOME"
		rm -f "$HOME/.pkgguard-replay-pwned"
		make_project "$work/yarn"
		(cd "$work/yarn" && "$PG" run --all-scripts -- yarn install --offline --non-interactive \
			>"$work/yarn.log" 2>&1)
		rc=$?
		if [ "$rc" = 0 ]; then
			pass "yarn: pkgguard run --all-scripts succeeds"
		else
			fail "yarn: pkgguard run --all-scripts succeeds" "exit $rc: $(tail -n 3 "$work/yarn.log" | tr '\n' ' ')"
		fi
		check yarn "$work/yarn"
	else
		fail "control: plain yarn lets the install script write the project and \$HOME" \
			"$(tail -n 3 "$work/control.log" | tr '\n' ' ')"
	fi
	rm -f "$HOME/.pkgguard-replay-pwned"
	make_project "$work/yarn-fail" required-failing
	(cd "$work/yarn-fail" && "$PG" run --all-scripts -- yarn install --offline --non-interactive \
		>"$work/yarn-fail.log" 2>&1)
	rc=$?
	if [ "$rc" = 3 ]; then
		pass "yarn: a required package's failing script fails the run with its status"
	else
		fail "yarn: a required package's failing script fails the run with its status" "exit $rc, want 3"
	fi
else
	skip "yarn replay" "yarn is not installed (make deps installs yarn@1)"
fi

make_project "$work/npm"
(cd "$work/npm" && "$PG" run --all-scripts -- npm install --offline $quiet >"$work/npm.log" 2>&1)
rc=$?
if [ "$rc" = 0 ]; then
	pass "npm: pkgguard run --all-scripts succeeds"
else
	fail "npm: pkgguard run --all-scripts succeeds" "exit $rc: $(tail -n 3 "$work/npm.log" | tr '\n' ' ')"
fi
check npm "$work/npm"
done_testing
