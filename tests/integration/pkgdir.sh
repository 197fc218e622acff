#!/bin/sh
# pkgdir.sh — a dependency cannot widen its own sandbox through the package
# directory (docs/THREATS.md, where its sandbox is), and the project's own scripts keep the
# project's persistence points read-only (item 4).
#
# The attack: package A bundles B; A's preinstall replaces
# node_modules/A/node_modules/B with a symlink to TARGET; the package
# manager then runs B's postinstall with its working directory through that
# link, and B writes PWNED into it and, when it is a checkout,
# .git/hooks/post-checkout. TARGET is the project ($INIT_CWD), ~/.local/bin,
# or a directory under $HOME. The CONTROL (no pkgguard, the script shell
# named as /bin/sh) must show the write really happens; the row then asserts
# that through pkgguard nothing was written there, that the refusal is the
# one-line rule, and (pkgguard run) that the report names B, not
# "(project)".
#
# Ways in: `pkgguard run -- npm|pnpm|yarn`, `pkgguard enable npm` then a
# plain npm install (npm's global config file pointed at a file of this
# suite with npm_config_globalconfig: the machine's own is not touched), and
# with PKGDIR_DAEMON=1 (daemon_pkgdir.sh) a plain npm install under
# pkgguardd. As root, every row runs again as nobody (setpriv), with the
# programs and profiles copied into the work directory (the checkout may be
# unreadable to other users).
#
# Legit: a global install (npm -g into a prefix of this suite) runs its
# postinstall in its own directory; a husky-style `prepare` of the project
# sets core.hooksPath and writes .husky/_ and a build output, while
# .git/hooks, .vscode and .envrc stay as they were (absent ones are not
# created, and nothing is left behind).
. tests/lib.sh
top=$(pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) B=$BUILD ;; *) B=$top/$BUILD ;; esac
unset npm_config_script_shell PNPM_CONFIG_SCRIPT_SHELL npm_config_globalconfig XDG_CONFIG_HOME

if ! command -v npm >/dev/null 2>&1; then
	skip "package directory rows" "npm is not installed"
	end_suite
fi
[ -x "$B/pkgguard" ] && [ -x "$B/pkgguard-sandbox" ] || { fail "package directory rows" "not built"; end_suite; }
if [ -n "${PKGDIR_DAEMON:-}" ] && [ "$(id -u)" != 0 ]; then
	skip "package directory rows under pkgguardd" "needs root (fanotify permission events, ptrace)"
	end_suite
fi

work=$(mktemp -d /var/tmp/pkgguard-pkgdir.XXXXXX) || { fail "package directory rows" "mktemp"; end_suite; }
chmod 755 "$work"
mkdir -p "$work/bin" "$work/profiles" "$work/tgz"
cp "$B/pkgguard" "$B/pkgguard-sandbox" "$work/bin/"
[ -z "${PKGDIR_DAEMON:-}" ] || cp "$B/pkgguardd" "$work/bin/"
cp -r "$top/profiles/." "$work/profiles/"
chmod -R a+rX "$work/bin" "$work/profiles"
PG=$work/bin/pkgguard
# shellcheck disable=SC2034 # the copied engine's path, named for the reader; pkgguard finds it itself
SB=$work/bin/pkgguard-sandbox
if [ -n "${PKGDIR_DAEMON:-}" ]; then
	. tests/daemon_lib.sh
	D=$work/bin/pkgguardd # the sandbox it trusts is the copy next to it
	DENV="PKGGUARD_PROFILE_PATH=$work/profiles"
fi
cleanup() {
	[ -z "${PKGDIR_DAEMON:-}" ] || stop_daemon
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
TAG=pgpd$$

# B (bundled in A) writes where its working directory is.
mkdir -p "$work/src/A/node_modules/pkgdir-b"
cat >"$work/src/A/node_modules/pkgdir-b/package.json" <<EOF
{ "name": "pkgdir-b", "version": "1.0.0",
  "scripts": { "postinstall": "echo $TAG > PWNED-$TAG; if [ -d .git ]; then mkdir -p .git/hooks && echo $TAG > .git/hooks/post-checkout; fi" } }
EOF
# pack_attack NAME TARGET — A's tarball whose preinstall links B to TARGET
# (a shell word: "\$INIT_CWD" is expanded by A's own script).
pack_attack() {
	cat >"$work/src/A/package.json" <<EOF
{ "name": "pkgdir-a", "version": "1.0.0", "bundleDependencies": [ "pkgdir-b" ],
  "dependencies": { "pkgdir-b": "1.0.0" },
  "scripts": { "preinstall": "rm -rf node_modules/pkgdir-b && ln -s $2 node_modules/pkgdir-b" } }
EOF
	mkdir -p "$work/tgz/$1"
	(cd "$work/tgz/$1" && npm pack --silent "$work/src/A" >/dev/null 2>&1)
}

# new_project PM DIR — a git checkout approving A and B.
new_project() {
	rm -rf "$2"
	mkdir -p "$2"
	git init -q "$2" 2>/dev/null || mkdir -p "$2/.git/hooks"
	case "$1" in
	npm) printf '{ "name": "pd-project", "version": "1.0.0", "private": true,\n  "allowScripts": { "pkgdir-a": true, "pkgdir-b": true, "file:%s": true } }\n' "$TGZ" >"$2/package.json" ;;
	pnpm)
		echo '{ "name": "pd-project", "version": "1.0.0", "private": true }' >"$2/package.json"
		# pnpm 12 keys a file: tarball's approval by its spec relative to the project
		printf 'allowBuilds:\n  "pkgdir-a@file:%s": true\n  "pkgdir-b": true\n' "$(realpath --relative-to="$2" "$TGZ")" >"$2/pnpm-workspace.yaml"
		;;
	yarn) echo '{ "name": "pd-project", "version": "1.0.0", "private": true }' >"$2/package.json" ;;
	esac
}

# pm_install PM DIR [VAR=VALUE...] — the install, as $RUNAS, in DIR.
pm_install() {
	_pm=$1 _dir=$2
	shift 2
	case "$_pm" in
	npm) set -- "$@" timeout 90 $WRAP npm install --no-audit --no-fund --no-update-notifier --offline "$TGZ" ;;
	pnpm) set -- "$@" timeout 90 $WRAP pnpm add --offline --store-dir "$STATE/store-${_dir##*/}" "$TGZ" ;;
	yarn) set -- "$@" YARN_CACHE_FOLDER="$STATE/yarn-${_dir##*/}" timeout 90 $WRAP yarn add --offline --no-lockfile --non-interactive "file:$TGZ" ;;
	esac
	# shellcheck disable=SC2086
	(cd "$_dir" && exec $RUNAS env HOME="$UHOME" npm_config_cache="$STATE/npm-cache" \
		XDG_CONFIG_HOME="$STATE/xdg" PKGGUARD_PROFILE_PATH="$work/profiles" \
		"$@") >"$work/out" 2>&1
}

harmed() { # TARGETDIR PROJECT — what B did there
	_h=""
	[ -e "$1/PWNED-$TAG" ] && _h="$_h $1/PWNED-$TAG written;"
	[ -e "$2/.git/hooks/post-checkout" ] && _h="$_h .git/hooks/post-checkout written;"
	printf '%s' "$_h"
}

# row PM MODE TARGETNAME — control then the mode (run, enable, daemon).
row() {
	pm=$1 mode=$2 tname=$3
	case "$tname" in
	project) tword='\"$INIT_CWD\"' ;; # JSON-escaped quotes
	local-bin) tword=$UHOME/.local/bin ;;
	home-dir) tword=$UHOME/notes ;;
	esac
	pack_attack "$AS-$tname" "$tword"
	TGZ=$work/tgz/$AS-$tname/pkgdir-a-1.0.0.tgz
	n="$pm via $mode: B's directory linked to $tname"
	mkdir -p "$UHOME/.local/bin" "$UHOME/notes"
	proj=$work/$AS/p-$pm-$mode-$tname
	case "$tname" in project) tdir=$proj ;; local-bin) tdir=$UHOME/.local/bin ;; home-dir) tdir=$UHOME/notes ;; esac

	# control
	new_project "$pm" "$proj"
	rm -f "$tdir/PWNED-$TAG"
	$CHOWN "$work/$AS" "$UHOME" "$STATE"
	WRAP="" pm_install "$pm" "$proj" npm_config_script_shell=/bin/sh PNPM_CONFIG_SCRIPT_SHELL=/bin/sh
	h=$(harmed "$tdir" "$proj")
	if [ -z "$h" ]; then
		# pnpm and yarn may not run a bundled dependency's script, or not
		# after its parent's preinstall: the attack cannot happen there.
		skip "$n" "control: plain $pm does not run B's postinstall through the link ($(tail -n 2 "$work/out" | tr '\n' ' ' | cut -c1-200))"
		return
	fi
	pass "control: plain $pm: $n:$h"
	rm -f "$tdir/PWNED-$TAG"

	# through pkgguard
	new_project "$pm" "$proj"
	$CHOWN "$work/$AS" "$UHOME" "$STATE"
	rep=$work/$AS/report.json
	rm -f "$rep"
	case "$mode" in
	run) WRAP="$PG run --report $rep --" pm_install "$pm" "$proj" ;;
	enable)
		rc=0
		(cd / && $RUNAS env HOME="$UHOME" npm_config_globalconfig="$STATE/npmrc" "$PG" enable npm) >"$work/en" 2>&1 || rc=$?
		[ $rc = 0 ] || { fail "$n" "pkgguard enable npm: $(cat "$work/en")"; return; }
		WRAP="" pm_install "$pm" "$proj" npm_config_globalconfig="$STATE/npmrc"
		;;
	daemon)
		start_daemon enforce || { fail "$n" "pkgguardd did not start: $(tail -n 1 "$work/d.err")"; return; }
		WRAP="" pm_install "$pm" "$proj" npm_config_script_shell=/bin/sh
		stop_daemon
		cat "$work/d.err" >>"$work/out"
		;;
	esac
	h=$(harmed "$tdir" "$proj")
	why=""
	[ -z "$h" ] || why="$why$h"
	grep -q "pkgdir-b.*refused: a component is a symbolic link" "$work/out" ||
		why="$why no one-line refusal naming the link;"
	if [ "$mode" = run ] && [ -s "$rep" ] && ! python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
b = [s for s in r["scripts"] if s["event"] == "postinstall"]
assert b and all(s["package"] == "pkgdir-b" and s["outcome"] == "setup-error" for s in b), b
assert not [s for s in r["scripts"] if not s["package"]], r["scripts"]
' "$rep" >"$work/py" 2>&1; then
		why="$why report: $(tail -n 1 "$work/py");"
	fi
	if [ -z "$why" ]; then
		pass "$n: refused, nothing written"
	else
		fail "$n" "$why $(tail -n 3 "$work/out" | tr '\n' ' ' | cut -c1-400)"
	fi
}

# npm_via MODE — the npm command of a mode, as words: through the wrapper,
# routed by the enabled global config of this suite, or plain (pkgguardd).
npm_via() {
	case "$1" in
	run) echo "$PG run -- npm" ;;
	enable) echo "env npm_config_globalconfig=$STATE/npmrc npm" ;;
	daemon) echo "env npm_config_script_shell=/bin/sh npm" ;;
	esac
}

# A global install into a prefix of this suite: the postinstall runs, in
# its own directory under the prefix's lib/node_modules.
row_global() {
	n="npm install -g via $1: the postinstall runs in its directory under the global prefix"
	mkdir -p "$work/src/g"
	echo '{ "name": "pkgdir-global", "version": "1.0.0", "scripts": { "postinstall": "pwd > where.txt" } }' >"$work/src/g/package.json"
	mkdir -p "$work/tgz/g"
	(cd "$work/tgz/g" && npm pack --silent "$work/src/g" >/dev/null 2>&1)
	gp=$work/$AS/prefix
	rm -rf "$gp"
	mkdir -p "$gp"
	$CHOWN "$work/$AS" "$UHOME" "$STATE"
	# shellcheck disable=SC2046 # the words of the command (no spaces in them)
	set -- $(npm_via "$1")
	[ "$2" != npm_config_globalconfig="$STATE/npmrc" ] || [ -s "$STATE/npmrc" ] ||
		(cd / && $RUNAS env HOME="$UHOME" npm_config_globalconfig="$STATE/npmrc" "$PG" enable npm) >/dev/null 2>&1
	[ -z "${PKGDIR_DAEMON:-}" ] || start_daemon enforce || { fail "$n" "pkgguardd did not start"; return; }
	# shellcheck disable=SC2086
	(cd "$work/$AS" && $RUNAS env HOME="$UHOME" npm_config_cache="$STATE/npm-cache" PKGGUARD_PROFILE_PATH="$work/profiles" \
		timeout 90 "$@" install -g --prefix "$gp" --offline --no-audit --no-fund --foreground-scripts \
		--allow-scripts=pkgdir-global,file:"$work/tgz/g/pkgdir-global-1.0.0.tgz" "$work/tgz/g/pkgdir-global-1.0.0.tgz") >"$work/out" 2>&1
	rc=$?
	[ -z "${PKGDIR_DAEMON:-}" ] || { stop_daemon; cat "$work/d.err" >>"$work/out"; }
	w=$(cat "$gp/lib/node_modules/pkgdir-global/where.txt" 2>/dev/null)
	if [ "$rc" = 0 ] && [ "$w" = "$gp/lib/node_modules/pkgdir-global" ]; then
		pass "$n"
	else
		fail "$n" "rc=$rc where=$w $(tail -n 3 "$work/out" | tr '\n' ' ' | cut -c1-400)"
	fi
}

# The project's own prepare, husky-style, through `pkgguard run -- npm
# install` (npm runs the root's prepare with cwd = the project).
row_husky() {
	n="npm via $1: a husky-style prepare sets core.hooksPath and builds; persistence points stay as they were"
	proj=$work/$AS/p-husky-$1
	rm -rf "$proj"
	mkdir -p "$proj"
	git init -q "$proj"
	cat >"$proj/package.json" <<EOF
{ "name": "pd-husky", "version": "1.0.0", "private": true,
  "scripts": { "prepare": "git config core.hooksPath .husky/_ && mkdir -p .husky/_ && echo h > .husky/_/pre-commit && echo built > dist-$TAG.txt; echo $TAG > .git/hooks/post-checkout; mkdir -p .vscode && echo $TAG > .vscode/tasks.json; echo $TAG > .envrc; mv .git .git-moved-$TAG; true" } }
EOF
	ls -A "$proj" | sort >"$work/before-top"
	$CHOWN "$work/$AS" "$UHOME" "$STATE"
	# shellcheck disable=SC2046 # the words of the command (no spaces in them)
	set -- $(npm_via "$1")
	[ -z "${PKGDIR_DAEMON:-}" ] || start_daemon enforce || { fail "$n" "pkgguardd did not start"; return; }
	# shellcheck disable=SC2086
	(cd "$proj" && $RUNAS env HOME="$UHOME" npm_config_cache="$STATE/npm-cache" PKGGUARD_PROFILE_PATH="$work/profiles" \
		timeout 90 "$@" install --offline --no-audit --no-fund) >"$work/out" 2>&1
	rc=$?
	[ -z "${PKGDIR_DAEMON:-}" ] || { stop_daemon; cat "$work/d.err" >>"$work/out"; }
	why=""
	grep -q "hooksPath = .husky/_" "$proj/.git/config" || why="$why core.hooksPath not set;"
	[ -f "$proj/.husky/_/pre-commit" ] || why="$why .husky/_ not written;"
	[ -f "$proj/dist-$TAG.txt" ] || why="$why no build output;"
	[ -e "$proj/.git/hooks/post-checkout" ] && why="$why .git/hooks/post-checkout written;"
	[ -e "$proj/.vscode" ] && why="$why .vscode created;"
	[ -e "$proj/.envrc" ] && why="$why .envrc created;"
	[ -e "$proj/.git-moved-$TAG" ] && why="$why .git moved away;"
	find "$proj" -mindepth 1 -maxdepth 1 -printf '%f\n' |
		grep -v -e '^\.husky$' -e "^dist-$TAG.txt$" -e '^package-lock.json$' -e '^node_modules$' |
		sort >"$work/after-top"
	cmp -s "$work/before-top" "$work/after-top" || why="$why left at the top: $(comm -13 "$work/before-top" "$work/after-top" | tr '\n' ' ');"
	if [ "$rc" = 0 ] && [ -z "$why" ]; then
		pass "$n"
	else
		fail "$n" "rc=$rc$why $(tail -n 3 "$work/out" | tr '\n' ' ' | cut -c1-300)"
	fi
}

run_pass() { # WHO UID GID
	T_AS=$1 AS=$1
	UHOME=$work/$1/home
	STATE=$work/$1/state
	mkdir -p "$UHOME" "$STATE"
	if [ "$2" = "$(id -u)" ]; then RUNAS="" CHOWN=true; else
		RUNAS="setpriv --reuid=$2 --regid=$3 --clear-groups --"
		CHOWN="chown -R $2:$3"
	fi
	$CHOWN "$work/$1"
	if [ -n "${PKGDIR_DAEMON:-}" ]; then
		modes=daemon
	else
		modes="run enable"
	fi
	for mode in $modes; do
		for t in project local-bin home-dir; do row npm "$mode" "$t"; done
		row_global "$mode"
		row_husky "$mode"
	done
	[ -z "${PKGDIR_DAEMON:-}" ] || return 0
	for pm in pnpm yarn; do
		if command -v "$pm" >/dev/null 2>&1; then
			row "$pm" run project
		else
			skip "$pm via run" "$pm is not installed"
		fi
	done
}

if [ "$(id -u)" = 0 ]; then
	run_pass root 0 0
	run_pass nobody 65534 65534
else
	run_pass "$(id -un)" "$(id -u)" "$(id -g)"
fi
done_testing
