#!/bin/sh
# profile_search.sh — a package cannot pick its own profile
# (docs/THREATS.md, which policy applies). The fixture self-profile ships profiles/{npm,pnpm,yarn,default}.conf
# that make the project writable, and its postinstall writes
# $INIT_CWD/escaped.txt. The sandbox runs in the package's directory, so a
# relative PKGGUARD_PROFILE_PATH entry ("profiles", as the build tree uses)
# used to name the package's own profiles there.
#   control: the install without pkgguard writes escaped.txt; and the
#            package's profile, copied out and given deliberately, really
#            lets the sandboxed script write it (the profile widens).
#   attack:  relative entry first and last, through `pkgguard run` (npm,
#            pnpm, yarn: made absolute where the user typed it) and through
#            the script-shell route `pkgguard enable` writes (the sandbox
#            refuses it, naming the entry); an absolute entry or --profile
#            FILE inside node_modules is refused; `pkgguard run --profiles
#            DIR` relative is made absolute. escaped.txt is never written.
#   legit:   a relative entry typed in the project reaches the user's
#            profiles through `pkgguard run`.
# As root and as nobody (binaries and profiles copied to a world-readable
# work directory: the clone may be private).
. tests/lib.sh
top=$(pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) B=$BUILD ;; *) B=$top/$BUILD ;; esac
unset PKGGUARD_PROFILE_PATH PKGGUARD_PROFILE npm_config_script_shell PNPM_CONFIG_SCRIPT_SHELL

[ -x "$B/pkgguard" ] && [ -x "$B/pkgguard-sandbox" ] || { fail "profile search suite" "$B is not built"; end_suite; }
if ! command -v npm >/dev/null 2>&1; then
	skip "profile search" "npm is not installed"
	end_suite
fi

work=$(mktemp -d /var/tmp/pkgguard-psearch.XXXXXX)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
chmod 755 "$work"
mkdir -p "$work/bin" "$work/tarballs" "$work/admin"
cp "$B/pkgguard" "$B/pkgguard-sandbox" "$work/bin/"
cp -r "$top/profiles" "$work/prof"
PG=$work/bin/pkgguard
SB=$work/bin/pkgguard-sandbox
PROF=$work/prof
(cd "$work/tarballs" && npm pack --silent "$top/tests/fixtures/self-profile" >/dev/null 2>&1)
TGZ=$work/tarballs/self-profile-1.0.0.tgz
[ -f "$TGZ" ] || { fail "profile search: npm pack self-profile" "no tarball"; end_suite; }
# The package's own profile, copied to where an admin would put one: the
# mechanism control (loaded deliberately, it widens; it inherits default).
cp "$top/tests/fixtures/self-profile/profiles/"*.conf "$work/admin/"
chmod -R a+rX "$work"

RUNAS=""
new_project() { # PM DIR
	rm -rf "$2"
	mkdir -p "$2"
	case "$1" in
	npm) printf '{ "name": "p", "version": "1.0.0", "private": true,\n  "allowScripts": { "self-profile": true, "file:%s": true } }\n' "$TGZ" >"$2/package.json" ;;
	pnpm)
		echo '{ "name": "p", "version": "1.0.0", "private": true }' >"$2/package.json"
		printf 'allowBuilds:\n  "self-profile@file:../tarballs/self-profile-1.0.0.tgz": true\n' >"$2/pnpm-workspace.yaml"
		;;
	yarn) echo '{ "name": "p", "version": "1.0.0", "private": true }' >"$2/package.json" ;;
	esac
	st=$work/state-${2##*/}-$T_AS
	rm -rf "$st"
	mkdir -p "$st"
	[ -z "$RUNAS" ] || chown -R 65534:65534 "$2" "$st"
}

# install PM DIR WRAP [VAR=VALUE...] — the install in DIR, as RUNAS, with a
# private HOME and caches; WRAP is "" or "$PG run --" (and its options).
install() {
	_pm=$1 _dir=$2 _wrap=$3
	shift 3
	case "$_pm" in
	npm) set -- "$@" timeout 90 $_wrap npm install --no-audit --no-fund --no-update-notifier --offline ../tarballs/self-profile-1.0.0.tgz ;;
	pnpm) set -- "$@" timeout 90 $_wrap pnpm add --offline --store-dir "$st/store" ../tarballs/self-profile-1.0.0.tgz ;;
	yarn) set -- "$@" YARN_CACHE_FOLDER="$st/yarn-cache" timeout 90 $_wrap yarn add --offline --no-lockfile --non-interactive file:../tarballs/self-profile-1.0.0.tgz ;;
	esac
	# shellcheck disable=SC2086
	(cd "$_dir" && exec $RUNAS env HOME="$st" npm_config_cache="$st/npm-cache" \
		XDG_CACHE_HOME="$st/xdg" XDG_CONFIG_HOME="$st/xdg" XDG_DATA_HOME="$st/xdg" \
		"$@") >"$work/out" 2>&1
}

pkgdir() { readlink -f "$1/node_modules/self-profile"; }

# contained NAME DIR [MUST_RUN] — escaped.txt absent; with MUST_RUN the
# script ran (in the sandbox, under the shipped profile).
contained() {
	if [ -e "$2/escaped.txt" ]; then
		fail "$1" "the package's own profile was used: $2/escaped.txt written ($(tail -n 2 "$work/out" | tr '\n' ' '))"
	elif [ -n "${3:-}" ] && ! grep -q '^ran' "$(pkgdir "$2")/ran.txt" 2>/dev/null; then
		fail "$1" "the script did not run: $(tail -n 3 "$work/out" | tr '\n' ' ')"
	else
		pass "$1"
	fi
}

harmed() { # NAME DIR — a control: escaped.txt was written
	if [ -e "$2/escaped.txt" ]; then pass "$1"; else fail "$1" "$(tail -n 3 "$work/out" | tr '\n' ' ')"; fi
}

rows_pm() { # PM
	pm=$1
	if ! command -v "$pm" >/dev/null 2>&1; then
		skip "$pm: profile search rows" "$pm is not installed"
		return
	fi
	p=$work/p-$pm
	new_project "$pm" "$p"
	install "$pm" "$p" "" npm_config_script_shell=/bin/sh
	harmed "control: $pm install without pkgguard writes into the project" "$p"
	new_project "$pm" "$p"
	install "$pm" "$p" "$PG run --" PKGGUARD_PROFILE_PATH="$work/admin:$PROF"
	harmed "control: $pm the package's profile, given deliberately, widens the sandbox" "$p"
	new_project "$pm" "$p"
	install "$pm" "$p" "$PG run --" PKGGUARD_PROFILE_PATH="profiles:$PROF"
	contained "$pm: pkgguard run, relative entry first: made absolute in the project, not the package" "$p" run
	new_project "$pm" "$p"
	install "$pm" "$p" "$PG run --" PKGGUARD_PROFILE_PATH="$PROF:profiles"
	contained "$pm: pkgguard run, relative entry last" "$p" run
	new_project "$pm" "$p"
	install "$pm" "$p" "$PG run --profiles profiles --" PKGGUARD_PROFILE_PATH="$PROF"
	contained "$pm: pkgguard run --profiles relative: made absolute" "$p" run
}

rows_route() { # the script shell `pkgguard enable npm` writes, set per command
	p=$work/p-route
	for pp in "profiles:$PROF" "$PROF:profiles"; do
		new_project npm "$p"
		install npm "$p" "" npm_config_script_shell="$SB" PKGGUARD_PROFILE_PATH="$pp"
		if [ -e "$p/escaped.txt" ]; then
			fail "npm script-shell route, PKGGUARD_PROFILE_PATH=$pp: relative entry refused" "escaped.txt written"
		elif ! grep -q 'relative entry "profiles" refused' "$work/out"; then
			fail "npm script-shell route, PKGGUARD_PROFILE_PATH=$pp: relative entry refused" "no message: $(tail -n 3 "$work/out" | tr '\n' ' ')"
		else
			pass "npm script-shell route, PKGGUARD_PROFILE_PATH=$pp: relative entry refused with a message"
		fi
	done
	new_project npm "$p"
	install npm "$p" "" npm_config_script_shell="$SB" PKGGUARD_PROFILE_PATH="$p/node_modules/self-profile/profiles:$PROF"
	if [ ! -e "$p/escaped.txt" ] && grep -q 'under a node_modules directory' "$work/out"; then
		pass "npm script-shell route: an absolute entry inside node_modules is refused"
	else
		fail "npm script-shell route: an absolute entry inside node_modules is refused" "$(tail -n 3 "$work/out" | tr '\n' ' ')"
	fi
	new_project npm "$p"
	install npm "$p" "" npm_config_script_shell="$SB" PKGGUARD_PROFILE_PATH="$PROF" \
		PKGGUARD_PROFILE="$p/node_modules/self-profile/profiles/npm.conf"
	if [ ! -e "$p/escaped.txt" ] && grep -q 'under a node_modules directory' "$work/out"; then
		pass "npm script-shell route: a profile FILE inside node_modules is refused"
	else
		fail "npm script-shell route: a profile FILE inside node_modules is refused" "$(tail -n 3 "$work/out" | tr '\n' ' ')"
	fi
	new_project npm "$p"
	install npm "$p" "" npm_config_script_shell="$SB" PKGGUARD_PROFILE_PATH="$PROF" PKGGUARD_PROFILE=profiles/npm.conf
	if [ ! -e "$p/escaped.txt" ] && grep -q 'is a relative path: refused' "$work/out"; then
		pass "npm script-shell route: a relative profile FILE is refused"
	else
		fail "npm script-shell route: a relative profile FILE is refused" "$(tail -n 3 "$work/out" | tr '\n' ' ')"
	fi
	# legit: the user's own relative entry, typed in the project
	new_project npm "$p"
	mkdir -p "$p/mine"
	printf 'version = 1;\ninherit = "npm";\nenvironment = { set = [ "PKGGUARD_MARK=mine" ]; };\n' >"$p/mine/npm.conf"
	chmod -R a+rX "$p/mine"
	install npm "$p" "$PG run --" PKGGUARD_PROFILE_PATH="mine:$PROF"
	if [ "$(cat "$(pkgdir "$p")/ran.txt" 2>/dev/null)" = "ran mine" ] && [ ! -e "$p/escaped.txt" ]; then
		pass "legit: pkgguard run, a relative entry typed in the project reaches the user's profile"
	else
		fail "legit: pkgguard run, a relative entry typed in the project reaches the user's profile" \
			"ran.txt: $(cat "$(pkgdir "$p")/ran.txt" 2>/dev/null); $(tail -n 3 "$work/out" | tr '\n' ' ')"
	fi
}

pass_as() { # WHO
	T_AS=$1
	for pm in npm pnpm yarn; do rows_pm "$pm"; done
	rows_route
}

pass_as "$(id -un)"
if [ "$(id -u)" = 0 ]; then
	if setpriv --reuid=65534 --regid=65534 --clear-groups -- test -x "$PG"; then
		RUNAS="setpriv --reuid=65534 --regid=65534 --clear-groups --"
		pass_as nobody
	else
		T_AS=nobody
		skip "profile search rows" "nobody cannot run $PG"
	fi
fi
done_testing
