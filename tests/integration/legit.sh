#!/bin/sh
# legit.sh — legitimate install scripts keep working, offline, under the
# default profiles, through `pkgguard run` with npm, pnpm and yarn: a
# postinstall that only prints, one that runs the binary shipped in its
# tarball (esbuild style), a C addon built by node-gyp with the system's
# Node.js headers and then loaded, and a file: directory dependency that
# builds into its own directory.
. tests/lib.sh
top=$(pwd)
BUILD=${BUILD:-build}
PG=$top/$BUILD/pkgguard
export PKGGUARD_PROFILE_PATH=$top/profiles

[ -x "$PG" ] || { fail "legit suite" "$PG is not built"; end_suite; }
command -v npm >/dev/null 2>&1 || { skip "legit suite" "npm is not installed"; end_suite; }
work=$(mktemp -d /var/tmp/pkgguard-legit.XXXXXX)
if [ -n "${LEGIT_DAEMON:-}" ]; then
	. tests/daemon_lib.sh
	trap 'stop_daemon; rm -rf "$work"' EXIT INT TERM
else
	trap 'rm -rf "$work"' EXIT INT TERM
fi
fix=$top/tests/fixtures

mkdir -p "$work/tarballs"
(cd "$work/tarballs" && npm pack --silent "$fix/legit/prints" "$fix/legit/ships-binary" "$fix/tiny-addon" \
	"$fix/legit/nested" >/dev/null 2>&1)
have_addon=1
if ! command -v cc >/dev/null 2>&1 || ! command -v make >/dev/null 2>&1 || [ ! -e /usr/include/node/node_api.h ]; then
	have_addon=0
fi

# project PM: a fresh project approving the fixtures, with a file: directory
# dependency copied next to it.
project() {
	_p=$work/$1
	rm -rf "$_p" "$work/localdep-$1"
	mkdir -p "$_p"
	cp -r "$fix/legit/localdep" "$work/localdep-$1"
	case "$1" in
	npm)
		printf '{ "name": "legit-project", "version": "1.0.0", "private": true,\n  "allowScripts": { "legit-prints": true, "legit-ships-binary": true, "tiny-addon": true, "legit-localdep": true, "legit-nested": true } }\n' >"$_p/package.json"
		;;
	pnpm)
		echo '{ "name": "legit-project", "version": "1.0.0", "private": true }' >"$_p/package.json"
		printf 'allowBuilds:\n  "legit-prints@file:../tarballs/legit-prints-1.0.0.tgz": true\n  "legit-ships-binary@file:../tarballs/legit-ships-binary-1.0.0.tgz": true\n  "tiny-addon@file:../tarballs/tiny-addon-1.0.0.tgz": true\n  "legit-localdep@file:../localdep-pnpm": true\n' >"$_p/pnpm-workspace.yaml"
		;;
	yarn)
		echo '{ "name": "legit-project", "version": "1.0.0", "private": true }' >"$_p/package.json"
		;;
	esac
	cd "$_p" || exit 1
}

# install PM SPEC...: through pkgguard run, offline, with a private cache.
# daemon_legit.sh (LEGIT_DAEMON=1): the plain package manager, its script
# shell named as /bin/sh so that nothing routes it, with pkgguardd (enforce)
# running for the install and its log appended to the output.
install() {
	if [ -n "${LEGIT_DAEMON:-}" ]; then
		start_daemon enforce || { echo "pkgguardd did not start: $(tail -n 1 "$work/d.err")"; return 125; }
		WRAP="" npm_config_script_shell=/bin/sh PNPM_CONFIG_SCRIPT_SHELL=/bin/sh install_with "$@"
		_rc=$?
		stop_daemon
		cat "$work/d.err"
		return $_rc
	fi
	# --strict: exit 3 when the tripwire finds a script suspicious (README.md, the tripwire):
	# a legitimate script must come out clean.
	WRAP="$PG run --strict --" install_with "$@"
}
install_with() {
	_pm=$1
	shift
	# shellcheck disable=SC2086 # WRAP is a command prefix
	case "$_pm" in
	npm) timeout 120 $WRAP npm install --no-audit --no-fund --no-update-notifier --offline "$@" ;;
	pnpm) timeout 120 $WRAP pnpm add --offline --store-dir "$work/store-pnpm" "$@" ;;
	yarn) YARN_CACHE_FOLDER=$work/yarn-cache timeout 120 $WRAP yarn add --offline --no-lockfile --non-interactive "$@" ;;
	esac
}

# reparsed ERE — under the daemon, its log (in $out) shows a reparse line
# matching ERE (the package, or the command for npm's linked file: dependency,
# which runs outside node_modules): success alone would also follow from a
# script the daemon let run outside. Always true through pkgguard run.
reparsed() {
	[ -z "${LEGIT_DAEMON:-}" ] || echo "$out" | grep -Eq "^pkgguardd: reparse .*($1)"
}

spec() { # PM NAME: how PM is told to install a tarball or the local directory
	case "$1:$2" in
	yarn:localdep) echo "file:../localdep-yarn" ;;
	*:localdep) echo "file:../localdep-$1" ;;
	yarn:*) echo "file:../tarballs/$2-1.0.0.tgz" ;;
	*) echo "../tarballs/$2-1.0.0.tgz" ;;
	esac
}

# LEGIT_PMS: the package managers to run (deb.sh: npm alone).
for pm in ${LEGIT_PMS:-npm pnpm yarn}; do
	if ! command -v "$pm" >/dev/null 2>&1; then
		skip "$pm: legitimate scripts" "$pm is not installed (make deps installs pnpm@12 and yarn@1 when it can)"
		continue
	fi
	project "$pm"
	out=$(install "$pm" "$(spec "$pm" legit-prints)" 2>&1)
	if [ $? = 0 ] && echo "$out" | grep -Eq 'legit-prints@1.0.0 *postinstall *0 .* ok|^pkgguardd: reparse .*package=legit-prints'; then
		pass "$pm: a postinstall that only prints succeeds sandboxed"
	else
		fail "$pm: a postinstall that only prints succeeds sandboxed" "$(echo "$out" | tail -n 4)"
	fi

	out=$(install "$pm" "$(spec "$pm" legit-ships-binary)" 2>&1)
	if [ $? = 0 ] && [ "$(cat node_modules/legit-ships-binary/validated.txt 2>/dev/null)" = "tool 1.0.0" ] &&
		reparsed 'package=legit-ships-binary '; then
		pass "$pm: a postinstall that runs the binary shipped in its tarball succeeds sandboxed"
	else
		fail "$pm: a postinstall that runs the binary shipped in its tarball succeeds sandboxed" "$(echo "$out" | tail -n 4)"
	fi

	out=$(install "$pm" "$(spec "$pm" localdep)" 2>&1)
	# npm links a file: directory (the script builds in the source), pnpm
	# and yarn copy it into node_modules (the script builds the copy).
	if [ $? = 0 ] && { [ "$(cat "$work/localdep-$pm/built.txt" 2>/dev/null)" = built ] ||
		[ "$(cat node_modules/legit-localdep/built.txt 2>/dev/null)" = built ]; } && reparsed 'package=legit-localdep |command=/bin/sh -c echo built > built.txt'; then
		pass "$pm: a file: directory dependency builds into its own directory sandboxed"
	else
		fail "$pm: a file: directory dependency builds into its own directory sandboxed" "$(echo "$out" | tail -n 4)"
	fi

	if [ "$pm" = npm ]; then
		# A script that starts the package manager again: the nested script
		# runs inside the same sandbox (the profile's script shell inside is
		# /bin/sh), still unable to write the project.
		out=$(install npm "$(spec npm legit-nested)" 2>&1)
		if [ $? = 0 ] && [ "$(cat node_modules/legit-nested/nested.txt 2>/dev/null)" = pkgguard ] &&
			[ ! -e nested-escaped.txt ]; then
			pass "npm: a nested npm run started by a postinstall runs in the same sandbox"
		else
			fail "npm: a nested npm run started by a postinstall runs in the same sandbox" "$(echo "$out" | tail -n 4)"
		fi
	fi

	if [ $have_addon = 0 ]; then
		skip "$pm: node-gyp C addon" "no C compiler, make or /usr/include/node"
		continue
	fi
	out=$(install "$pm" "$(spec "$pm" tiny-addon)" 2>&1)
	if [ $? = 0 ] && [ "$(node -e 'console.log(require("tiny-addon").hello())' 2>&1)" = "hi from addon" ] &&
		reparsed 'package=tiny-addon '; then
		pass "$pm: node-gyp builds a C addon offline in the sandbox, and it loads"
	else
		fail "$pm: node-gyp builds a C addon offline in the sandbox, and it loads" "$(echo "$out" | tail -n 6)"
	fi
done
done_testing
