#!/bin/sh
# attack_corpus.sh — the behaviours of docs/THREATS.md as real npm
# packages (tests/fixtures/attacks/*), installed from local tarballs with the
# real package manager, once WITHOUT pkgguard (the control: the harm must
# really happen, else the row fails as vacuous) and once through
# `pkgguard run -- PM ...` (the harm must not happen on the host, and the
# script must be seen to have run inside: ran.txt says "pkgguard").
#
# Rows: every fixture with npm, and again with pnpm 12 and yarn 1 when they
# are installed (scripts/deps.sh installs them when it can). npm and pnpm are
# routed through the script shell; yarn classic ignores it for dependency
# install scripts, so pkgguard installs with --ignore-scripts and replays.
#
# The fixtures are inert as committed: each one acts only when the suite has
# written attack.json / attack.env into its temp copy before packing, and only
# on the suite's fake HOME and project under the work directory. Nothing real
# is touched: HOME is a fake one, /tmp and /dev/shm drops carry a per-run tag
# and are removed at the end, every process started is ended by its pid.
. tests/lib.sh
top=$(pwd)
BUILD=${BUILD:-build}
# PKGGUARD_SANDBOX=FILE tests another engine: with the do-nothing
# tests/fixtures/null-sandbox.sh every "contained" row must fail.
SB=${PKGGUARD_SANDBOX:-$BUILD/pkgguard-sandbox}
case "$SB" in /*) ;; *) SB=$top/$SB ;; esac
PG=$top/$BUILD/pkgguard
PROBE=$top/$BUILD/tests/probe

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
	skip "attack corpus" "npm or node is not installed"
	end_suite
fi
[ -x "$SB" ] && [ -x "$PROBE" ] || { fail "attack corpus" "$SB or $PROBE is not built"; end_suite; }

work=$(mktemp -d /var/tmp/pkgguard-attacks.XXXXXX) || exit 1
chmod 755 "$work" # the sudo row runs its installs as nobody
# ...so its programs and profiles are copies in $work: a checkout in a
# mode-0700 folder is not nobody's to read (the engine under test stays the
# one PKGGUARD_SANDBOX names).
mkdir -p "$work/bin"
cp "$top/$BUILD/pkgguard" "$top/$BUILD/pkgguard-sandbox" "$PROBE" "$work/bin/"
[ -z "${CORPUS_DAEMON:-}" ] || cp "$top/$BUILD/pkgguardd" "$work/bin/"
cp -r "$top/profiles" "$work/profiles"
chmod -R a+rX "$work/bin" "$work/profiles"
[ -n "${PKGGUARD_SANDBOX:-}" ] || SB=$work/bin/pkgguard-sandbox
PG=$work/bin/pkgguard
PROBE=$work/bin/probe
PROFILES=$work/profiles
CORPUS_DENV=$(printf '%s' "${CORPUS_DENV:-}" | sed "s|$top/profiles|$PROFILES|")
DAEMON_BIN=$work/bin/pkgguardd
[ -z "${CORPUS_DAEMON:-}" ] || . tests/daemon_lib.sh
TAG=pgatk$$x$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
listener=""

# Pids of every process whose command line carries the run's tag (the
# second stages, background loops). TAG reaches awk through its environment
# so that awk's own command line does not carry it; an empty pattern matches
# nothing (mawk's index(s, "") is 1: it would name every process).
tag_pids() {
	case "$TAG" in pgatk[0-9]*x[0-9a-f]*) ;; *) return 0 ;; esac
	ps -eo pid=,args= | T=$TAG S=$$ awk 'length(ENVIRON["T"]) > 8 && index($0, ENVIRON["T"]) > 0 && $1 > 1 && $1 != ENVIRON["S"] { print $1 }'
}
kill_leftovers() {
	for f in "$work"/*.pid; do
		[ -f "$f" ] || continue
		p=$(cat "$f" 2>/dev/null)
		case "$p" in '' | *[!0-9]* | 0 | 1) ;; *) kill "$p" 2>/dev/null ;; esac
		rm -f "$f"
	done
	for p in $(tag_pids); do kill "$p" 2>/dev/null; done
}
remove_drops() {
	rm -f /tmp/*"$TAG"* /dev/shm/*"$TAG"* "$work"/*"$TAG"* "$work"/drop/*
}
cleanup() {
	[ -z "${CORPUS_DAEMON:-}" ] || stop_daemon
	kill_leftovers
	[ -n "$listener" ] && kill "$listener" 2>/dev/null
	remove_drops
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# The "C2": an HTTP listener on 127.0.0.1 that logs every connection and
# request body (the stealer's control shows the tokens arriving here).
cat >"$work/listener.js" <<'EOF'
const http = require('http'), fs = require('fs');
const [log, portfile] = process.argv.slice(2);
const s = http.createServer((q, r) => {
	let b = '';
	q.on('data', (c) => { b += c; });
	q.on('end', () => { fs.appendFileSync(log, q.method + ' ' + q.url + ' ' + b.replace(/\n/g, '\\n') + '\n'); r.end('ok\n'); });
});
s.on('connection', () => fs.appendFileSync(log, 'connection\n'));
s.listen(0, '127.0.0.1', () => fs.writeFileSync(portfile + '.tmp', String(s.address().port)) || fs.renameSync(portfile + '.tmp', portfile));
setTimeout(() => process.exit(0), 300000);
EOF
c2log=$work/c2.log
: >"$c2log"
node "$work/listener.js" "$c2log" "$work/c2.port" </dev/null >/dev/null 2>&1 &
listener=$!
i=0
while [ ! -s "$work/c2.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
port=$(cat "$work/c2.port" 2>/dev/null)
[ -n "$port" ] || { fail "attack corpus" "the test listener did not start"; end_suite; }
C2=127.0.0.1:$port

# Fixtures: a temp copy of each, armed with attack.json / attack.env (where
# the C2 is, the fake home, the work directory, the run's tag), packed.
mkdir -p "$work/tarballs" "$work/drop" "$work/nb"
chmod 1777 "$work/drop" # a world-writable host path for the stealer to drop into
names="dropper stealer persist gyp bg sudo wiper"
for n in $names; do
	cp -r "$top/tests/fixtures/attacks/$n" "$work/src-$n"
	h=$work/home
	[ "$n" = sudo ] && h=$work/nb/home
	printf '{ "c2": "%s", "work": "%s", "home": "%s", "tag": "%s" }\n' "$C2" "$work" "$h" "$TAG" >"$work/src-$n/attack.json"
	printf 'C2=%s\nWORK=%s\nTAG=%s\n' "$C2" "$work" "$TAG" >"$work/src-$n/attack.env"
done
(cd "$work/tarballs" && for n in $names; do npm pack --silent "$work/src-$n" >/dev/null 2>&1 || exit 1; done) ||
	{ fail "attack corpus" "npm pack of the fixtures failed"; end_suite; }

# The fake HOME: canary secrets and files a wiper would take.
make_home() { # DIR
	rm -rf "$1"
	mkdir -p "$1/.aws" "$1/.ssh" "$1/.config" "$1/docs"
	printf '//registry.npmjs.org/:_authToken=npm_CANARY%snpmrc\n' "$TAG" >"$1/.npmrc"
	printf '[default]\naws_access_key_id = AKIACANARY\naws_secret_access_key = AWSCANARY%sfile\n' "$TAG" >"$1/.aws/credentials"
	printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\nSSHCANARY%s\n-----END OPENSSH PRIVATE KEY-----\n' "$TAG" >"$1/.ssh/id_ed25519"
	chmod 600 "$1/.ssh/id_ed25519"
	printf '# fake .bashrc of the attack corpus\nalias ll="ls -l"\n' >"$1/.bashrc"
	echo "settings" >"$1/.config/app.conf"
	echo "a year of work" >"$1/docs/thesis.txt"
}
home=$work/home

# Everything but the package directory that a script could change, with a
# checksum per file; compared before and after a sandboxed install.
snapshot() { # DIR... — files of each DIR (not node_modules or the package manager's own files)
	for d in "$@"; do
		[ -d "$d" ] || continue
		find "$d" -name node_modules -prune -o -type f ! -name package.json ! -name package-lock.json \
			! -name pnpm-lock.yaml ! -name pnpm-workspace.yaml -print | sort | xargs -r sha256sum
		# yarn run as a user makes its global bin directory ~/.yarn/bin
		# itself; the directories are left out, any file in them is not.
		find "$d" -name node_modules -prune -o -type d ! -path "$d/.yarn" ! -path "$d/.yarn/bin" -print | sort
	done
}

new_project() { # PM DIR NAME
	mkdir -p "$2/.git/hooks" "$2/.github/workflows" "$2/.vscode"
	echo '# sample hook' >"$2/.git/hooks/pre-commit.sample"
	printf 'on: push\njobs: {}\n' >"$2/.github/workflows/ci.yml"
	echo '{ "version": "2.0.0", "tasks": [] }' >"$2/.vscode/tasks.json"
	case "$1" in
	npm)
		# npm 11.19 keys a file: tarball's approval by its absolute file: spec
		# (what `npm install-scripts approve` writes); the name is kept too.
		printf '{ "name": "attack-project", "version": "1.0.0", "private": true,\n  "allowScripts": { "attack-%s": true, "file:%s/tarballs/attack-%s-1.0.0.tgz": true } }\n' \
			"$3" "$work" "$3" >"$2/package.json"
		;;
	pnpm)
		echo '{ "name": "attack-project", "version": "1.0.0", "private": true }' >"$2/package.json"
		# pnpm 12 keys a file: tarball's approval by name@spec, the spec as given to `pnpm add`
		printf 'allowBuilds:\n  "attack-%s@file:../tarballs/attack-%s-1.0.0.tgz": true\n' "$3" "$3" >"$2/pnpm-workspace.yaml"
		;;
	yarn)
		# yarn classic has no approval list: it runs every dependency script.
		echo '{ "name": "attack-project", "version": "1.0.0", "private": true }' >"$2/package.json"
		;;
	esac
}

# pm_run DIR PM TARBALL [VAR=VALUE...] — the install itself, in DIR, with the
# test's environment (fake HOME, caches under the work directory, C2 address,
# headers for node-gyp) plus the given variables, bounded by timeout.
# RUNAS (set by a row) runs it as another user.
RUNAS=""
pm_run() {
	_dir=$1 _pm=$2 _tgz=$3
	shift 3
	case "$_pm" in
	npm) set -- "$@" timeout 60 $WRAP npm install --no-audit --no-fund --no-update-notifier --offline "$_tgz" ;;
	# A store per project: pnpm's side-effects cache would otherwise hand the
	# sandboxed install the files the control's scripts made, without running them.
	pnpm) set -- "$@" timeout 60 $WRAP pnpm add --offline --store-dir "$STATE/store-${_dir##*/}" "$_tgz" ;;
	yarn) set -- "$@" YARN_CACHE_FOLDER="$STATE/yarn-cache-${_dir##*/}" timeout 60 $WRAP yarn add --offline --no-lockfile --non-interactive "file:$_tgz" ;;
	esac
	# shellcheck disable=SC2086
	(cd "$_dir" && exec $RUNAS env HOME="$HOMEDIR" npm_config_cache="$STATE/npm-cache" \
		XDG_CACHE_HOME="$STATE/xdg/cache" XDG_DATA_HOME="$STATE/xdg/data" \
		XDG_STATE_HOME="$STATE/xdg/state" XDG_CONFIG_HOME="$STATE/xdg/config" \
		PKGGUARD_TEST_C2="$C2" npm_config_nodedir=/usr $ROWENV "$@")
}
# The control: no routing, scripts run as the package manager runs them (the
# script shell named explicitly, so no global configuration can route it).
install_plain() { # PM DIR TARBALL
	WRAP="" pm_run "$2" "$1" "$3" npm_config_script_shell=/bin/sh PNPM_CONFIG_SCRIPT_SHELL=/bin/sh
}
# Sandboxed: through `pkgguard run -- PM ...`, the install wrapper (routed
# for npm and pnpm, replayed for yarn). PKGGUARD_SANDBOX=FILE (the suite's
# self-check with tests/fixtures/null-sandbox.sh) routes through FILE instead.
install_sandboxed() { # PM DIR TARBALL
	if [ -n "${CORPUS_DAEMON:-}" ]; then
		# daemon_corpus.sh: no wrapper, no routing, plain package manager;
		# pkgguardd (enforce) reparses every script into the sandbox.
		DENV=${CORPUS_DENV:-}
		start_daemon enforce || { echo "pkgguardd did not start: $(tail -n 1 "$work/d.err")"; return 125; }
		install_plain "$@"
		_rc=$?
		stop_daemon
		cat "$work/d.err"
		return $_rc
	fi
	if [ -n "${PKGGUARD_SANDBOX:-}" ]; then
		case "$1" in
		npm) WRAP="" pm_run "$2" "$1" "$3" npm_config_script_shell="$SB" ;;
		pnpm) WRAP="" pm_run "$2" "$1" "$3" PNPM_CONFIG_SCRIPT_SHELL="$SB" ;;
		*) return 2 ;;
		esac
	else
		WRAP="$PG run --" pm_run "$2" "$1" "$3" PKGGUARD_PROFILE_PATH="$PROFILES"
	fi
}

size_of() { { wc -c <"$1" || echo 0; } 2>/dev/null | tr -d ' '; }
# grows FILE — true when FILE exists and is growing
grows() {
	_a=$(size_of "$1")
	sleep 0.35
	_b=$(size_of "$1")
	[ -n "$_a" ] && [ -n "$_b" ] && [ "$_b" -gt "$_a" ]
}
tmp_drops() { ls -d /tmp/*"$TAG"* /dev/shm/*"$TAG"* 2>/dev/null | tr '\n' ' '; }

# ---- per-behaviour: harm_NAME PKGDIR PROJECT (control: the harm happened;
# sets why) and contained_NAME PKGDIR PROJECT (sandboxed: extra checks beyond
# the common ones; sets why on failure).
harm_dropper() {
	why=""
	grep -q "\"tag\":\"$TAG\"" "$c2log" || why="$why the C2 got no POST;"
	[ -f "/tmp/ld-$TAG.sh" ] || why="$why no /tmp/ld-$TAG.sh;"
	_p=$(cat "$work/ld-$TAG.pid" 2>/dev/null)
	{ [ -n "$_p" ] && kill -0 "$_p" 2>/dev/null; } || why="$why no live second stage;"
	grows "$work/ld-$TAG.canary" || why="$why the canary does not grow;"
	[ ! -e "$1/setup.js" ] || why="$why setup.js not deleted;"
	grep -q postinstall "$1/package.json" && why="$why package.json not replaced;"
	[ -z "$why" ] && why="C2 POST, /tmp/ld-$TAG.sh alive (pid $_p) after npm exited, setup.js and package.json replaced"
	[ "${why#*;}" = "$why" ]
}
contained_dropper() {
	why=""
	[ ! -e "/tmp/ld-$TAG.sh" ] || why="$why host /tmp/ld-$TAG.sh exists;"
	grows "$1/ld.canary" && why="$why the second stage still writes its package dir;"
	[ ! -e "$work/ld-$TAG.canary" ] || why="$why host canary written;"
	[ -z "$why" ]
}

harm_stealer() {
	why=""
	grep -q "CANARY$TAG" "$c2log" || why="$why no token reached the C2;"
	grep -q "CANARY${TAG}npmrc" "$1/loot.txt" 2>/dev/null || why="$why ~/.npmrc not read;"
	grep -q "AWSCANARY${TAG}file" "$1/loot.txt" 2>/dev/null || why="$why ~/.aws/credentials not read;"
	grep -q "SSHCANARY$TAG" "$1/loot.txt" 2>/dev/null || why="$why ~/.ssh/id_ed25519 not read;"
	grep -q "ghp_CANARY${TAG}env" "$1/loot.txt" 2>/dev/null || why="$why GITHUB_TOKEN not read;"
	grep -q "CANARY$TAG" "$work/drop/loot-$TAG.txt" /tmp/loot-"$TAG".txt 2>/dev/null || why="$why no drop on the host;"
	[ -z "$why" ] && why="tokens from ~/.npmrc, ~/.aws, ~/.ssh and the environment in loot.txt, the host drops and the C2"
	[ "${why#*;}" = "$why" ]
}
contained_stealer() {
	why=""
	[ -s "$1/loot.txt" ] || why="$why no loot.txt (did it run?);"
	grep -q "CANARY$TAG" "$1/loot.txt" 2>/dev/null && why="$why loot.txt holds a token: $(grep -o "[A-Za-z_]*CANARY${TAG}[a-z]*" "$1/loot.txt" | sort -u | tr '\n' ' ');"
	_leak=$(grep -rls "CANARY$TAG" "$work" --exclude-dir=home --exclude-dir=src-stealer 2>/dev/null | grep -v -e "-stealer-control/" | tr '\n' ' ')
	[ -z "$_leak" ] || why="$why a token in $_leak;"
	_leak=$(find /tmp /dev/shm -maxdepth 1 -type f -newer "$work/stamp" -exec grep -ls "CANARY$TAG" {} + 2>/dev/null | tr '\n' ' ')
	[ -z "$_leak" ] || why="$why a token in $_leak;"
	[ -z "$why" ]
}

harm_persist() {
	why=""
	_m=pkgguard-persist-$TAG
	for f in "$HOMEDIR/.bashrc" "$HOMEDIR/.config/systemd/user/evil.service" "$2/.github/workflows/evil.yml" \
		"$2/.vscode/tasks.json" "$2/.claude/settings.json" "$2/.git/hooks/post-checkout" \
		"/tmp/persist-$TAG" "/dev/shm/persist-$TAG"; do
		grep -q "$_m" "$f" 2>/dev/null || why="$why $f not written;"
	done
	[ -z "$why" ] && why="\$HOME/.bashrc, systemd user unit, .github/workflows, .vscode/tasks.json, .claude/settings.json, .git/hooks, /tmp and /dev/shm all written"
	[ "${why#*;}" = "$why" ]
}
contained_persist() { why=""; }

harm_gyp() {
	why=""
	grep -q "pkgguard-gyp-$TAG" "$HOMEDIR/.bashrc" || why="$why ~/.bashrc not written;"
	grep -q "/gyp" "$c2log" || why="$why the C2 got nothing;"
	[ -z "$why" ] && why="binding.gyp's <!(node index.js) wrote ~/.bashrc and reached the C2 through the implicit node-gyp rebuild"
	[ "${why#*;}" = "$why" ]
}
contained_gyp() { why=""; }

harm_bg() {
	why=""
	_p=$(cat "$work/bg-$TAG.pid" 2>/dev/null)
	{ [ -n "$_p" ] && kill -0 "$_p" 2>/dev/null; } || why="$why no live background loop;"
	grows "$work/bg-$TAG.canary" || why="$why the canary does not grow;"
	[ -z "$why" ] && why="the setsid loop (pid $_p) outlives the install and keeps writing"
	[ "${why#*;}" = "$why" ]
}
contained_bg() {
	why=""
	[ ! -e "$work/bg-$TAG.canary" ] || why="$why host canary written;"
	grows "$1/bg.canary" && why="$why the loop still writes its package dir;"
	[ -z "$why" ]
}

harm_sudo() {
	why=""
	grep -q setuid "$1/esc.txt" 2>/dev/null || why="$why the setuid helper gave no euid 0 ($(cat "$1/euid.txt" 2>&1));"
	[ -z "$why" ] && why="as nobody, the planted setuid-root binary ran with euid 0$(command -v sudo >/dev/null 2>&1 || echo ' (sudo is not installed, su needs a password: the setuid binary stands in for them)')"
	[ "${why#*;}" = "$why" ]
}
contained_sudo() {
	why=""
	[ -f "$1/esc.txt" ] || why="$why no esc.txt (did it run?);"
	[ -s "$1/esc.txt" ] && why="$why escalated by: $(tr '\n' ' ' <"$1/esc.txt");"
	grep -q 'euid 0$' "$1/euid.txt" 2>/dev/null && why="$why setuid helper: $(cat "$1/euid.txt");"
	[ -e "/tmp/pwned-$TAG" ] && why="$why /tmp/pwned-$TAG exists;"
	[ -z "$why" ]
}

harm_wiper() {
	why=""
	_left=$(find "$HOMEDIR" -type f | wc -l | tr -d ' ')
	[ "$_left" = 0 ] || why="$why $_left files of the fake HOME left;"
	[ -z "$why" ] && why="every file of the fake HOME deleted ($(sed -n 2p "$1/ran.txt" 2>/dev/null))"
	[ "${why#*;}" = "$why" ]
}
contained_wiper() { why=""; }

ROWHOW=""
[ -n "${CORPUS_DAEMON:-}" ] && ROWHOW=" (plain install, pkgguardd reparse)"
# row PM NAME — control, undo, sandboxed install, checks.
row() {
	pm=$1 name=$2
	tgz=../tarballs/attack-$name-1.0.0.tgz
	HOMEDIR=$home STATE=$work/state RUNAS="" ROWENV=""
	case "$name" in
	stealer) ROWENV="NPM_TOKEN=npm_CANARY${TAG}env GITHUB_TOKEN=ghp_CANARY${TAG}env AWS_SECRET_ACCESS_KEY=AWSCANARY${TAG}env" ;;
	sudo)
		HOMEDIR=$work/nb/home STATE=$work/nb/state RUNAS="setpriv --reuid=65534 --regid=65534 --clear-groups --"
		if [ "$(id -u)" != 0 ]; then
			skip "$pm $name: control and sandboxed" "needs root to plant a setuid-root binary and run the install as nobody"
			return
		fi
		;;
	esac

	# control
	make_home "$HOMEDIR"
	: >"$c2log"
	proj=$work/p-$pm-$name-control
	new_project "$pm" "$proj" "$name"
	prep_project "$proj"
	install_plain "$pm" "$proj" "$tgz" >"$work/out" 2>&1
	rc=$?
	pkgdir=$(readlink -f "$proj/node_modules/attack-$name")
	if [ -n "$pkgdir" ] && "harm_$name" "$pkgdir" "$proj"; then
		ctl=ok
		pass "control: $pm $name does the harm without the sandbox: $why"
	else
		ctl=bad
		fail "control: $pm $name does the harm without the sandbox" "$(printf 'install exit %s;%s %s' "$rc" "$why" "$(tail -n 3 "$work/out")" | tr '\\\n' '  ' | cut -c1-700)"
	fi
	kill_leftovers
	remove_drops
	make_home "$HOMEDIR"

	# sandboxed
	: >"$c2log"
	proj=$work/p-$pm-$name-sandbox
	new_project "$pm" "$proj" "$name"
	prep_project "$proj"
	snapshot "$HOMEDIR" "$proj" >"$work/before"
	touch "$work/stamp"
	rm -rf "$STATE/xdg/state/pkgguard"
	install_sandboxed "$pm" "$proj" "$tgz" >"$work/out" 2>&1
	rc=$?
	sleep 0.2
	pkgdir=$(readlink -f "$proj/node_modules/attack-$name")
	what=""
	[ -n "$pkgdir" ] && [ "$(sed -n 1p "$pkgdir/ran.txt" 2>/dev/null)" = pkgguard ] ||
		what="$what the script did not run inside the sandbox (ran.txt: $(head -n 1 "$pkgdir/ran.txt" 2>&1));"
	snapshot "$HOMEDIR" "$proj" >"$work/after"
	cmp -s "$work/before" "$work/after" ||
		what="$what host files changed: $(diff "$work/before" "$work/after" | grep '^[<>]' | head -n 4 | tr '\n' ' ');"
	[ -s "$c2log" ] && what="$what the C2 saw $(wc -l <"$c2log" | tr -d ' ') lines: $(sed -n 2p "$c2log" | tr -d '\\' | cut -c1-100);"
	_d=$(tmp_drops)
	[ -z "$_d" ] || what="$what drops on the host: $_d;"
	_p=$(tag_pids | tr '\n' ' ')
	[ -z "$_p" ] || what="$what processes left: $_p;"
	"contained_$name" "$pkgdir" "$proj" || what="$what$why"
	if [ "$ctl" != ok ]; then
		fail "$pm $name: contained by the sandbox$ROWHOW" "vacuous: its control failed"
	elif [ -z "$what" ]; then
		pass "$pm $name: contained by the sandbox$ROWHOW (install exit $rc)"
	else
		fail "$pm $name: contained by the sandbox$ROWHOW" "$(printf 'install exit %s;%s %s' "$rc" "$what" "$(tail -n 3 "$work/out")" | tr '\\\n' '  ' | cut -c1-700)"
	fi
	tripwire_row
	kill_leftovers
	remove_drops
}

# The tripwire (README.md): every fixture but sudo (whose attempts are all
# refused by the kernel's own rules, no_new_privs) leaves a record whose
# verdict is suspicious — in the table of `pkgguard run`, or under pkgguardd
# in the record kept in the user's state directory.
tripwire_row() {
	[ "$name" != sudo ] && [ -z "${PKGGUARD_SANDBOX:-}" ] || return 0
	_n="$pm $name: the tripwire finds the script suspicious$ROWHOW"
	if [ "$ctl" != ok ]; then
		fail "$_n" "vacuous: its control failed"
	elif [ -n "${CORPUS_DAEMON:-}" ]; then
		_r=$(grep -l '"package": "attack-'"$name"'"' "$STATE"/xdg/state/pkgguard/records/*.json 2>/dev/null | head -n 1)
		if [ -n "$_r" ] && grep -q '"verdict": "suspicious"' "$_r"; then
			pass "$_n: $(sed -n 's/^  "reason": "\(.*\)",$/\1/p' "$_r")"
		else
			fail "$_n" "record ${_r:-missing}: $(grep -h '"reason"' "$_r" 2>/dev/null)"
		fi
	elif grep -Eq "attack-$name@1.0.0 .*SUSPICIOUS: " "$work/out"; then
		pass "$_n: $(grep -E "attack-$name@1.0.0 .*SUSPICIOUS: " "$work/out" | head -n 1 | sed 's/.*SUSPICIOUS: //')"
	else
		fail "$_n" "$(grep -E "attack-$name@|^pkgguard:" "$work/out" | tr '\n' ' ' | cut -c1-500)"
	fi
}

# Per-row preparation of a project (the sudo row plants a setuid-root helper
# and hands the project to nobody).
prep_project() { # DIR
	case "$name" in
	sudo)
		cp "$PROBE" "$1/suid-helper"
		chown root:root "$1/suid-helper"
		chmod 4755 "$1/suid-helper"
		mkdir -p "$STATE"
		chown -R 65534:65534 "$1" "$HOMEDIR" "$STATE"
		chown root:root "$1/suid-helper"
		chmod 4755 "$1/suid-helper"
		;;
	esac
}

# CORPUS_PMS: the package managers to run (deb.sh: npm alone).
pms=" ${CORPUS_PMS:-npm pnpm yarn} "
case $pms in *" npm "*) for n in $names; do row npm "$n"; done ;; esac

if [ "$pms" = " npm " ]; then
	: # npm alone was asked for
elif ! command -v pnpm >/dev/null 2>&1; then
	skip "pnpm rows" "pnpm is not installed (make deps installs pnpm@12 from the npm registry when it can)"
elif ! pnpm --version 2>/dev/null | grep -q '^12\.'; then
	skip "pnpm rows" "pnpm $(pnpm --version 2>/dev/null) is not 12.x (allowBuilds and script-shell as measured for pnpm 12)"
else
	for n in $names; do row pnpm "$n"; done
fi
if [ "$pms" = " npm " ]; then
	:
elif [ -n "${PKGGUARD_SANDBOX:-}" ]; then
	skip "yarn rows" "yarn cannot be routed through a bare sandbox (PKGGUARD_SANDBOX); pkgguard run replays its scripts"
elif ! command -v yarn >/dev/null 2>&1; then
	skip "yarn rows" "yarn is not installed (make deps installs yarn@1 from the npm registry when it can)"
else
	for n in $names; do row yarn "$n"; done
fi
done_testing
