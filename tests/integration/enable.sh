#!/bin/sh
# enable.sh — `pkgguard enable|disable npm|pnpm` with the real package
# managers: after enable a plain `npm install` / `pnpm install` (no wrapper)
# runs a dependency's postinstall in the sandbox, so the canary it writes
# into the project ($INIT_CWD) is not written — the control shows the same
# install writes it before enable. Enable is idempotent, refuses to replace a
# script shell it did not write and refuses clearly without permission;
# disable leaves the config file byte-for-byte as it was.
#
# npm's global config (`npm config get globalconfig`, /usr/etc/npmrc here)
# is the machine's real file: it is backed up first and restored exactly on
# exit; while it is enabled, plain npm installs elsewhere on the machine are
# routed too (suites of one `make check` run one after another; concurrent
# runs of this suite wait for each other). pnpm's global config is per user
# (~/.config/pnpm/config.yaml), so its rows use a temporary HOME and touch
# nothing of the caller's.
. tests/lib.sh
top=$(pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) B=$BUILD ;; *) B=$top/$BUILD ;; esac
PG=$B/pkgguard
SB=$B/pkgguard-sandbox
# The build tree, uninstalled: the sandbox that npm starts finds the
# profiles through the environment npm passes on.
export PKGGUARD_PROFILE_PATH="$top/profiles"
unset XDG_CONFIG_HOME XDG_DATA_HOME npm_config_script_shell PNPM_CONFIG_SCRIPT_SHELL npm_config_globalconfig

if [ ! -x "$PG" ]; then
	skip "enable/disable" "$PG is not built yet"
	end_suite
fi
if ! command -v npm >/dev/null 2>&1; then
	skip "enable/disable" "npm is not installed"
	end_suite
fi
[ -x "$SB" ] || { fail "enable/disable" "$SB is not built"; end_suite; }

work=$(mktemp -d /var/tmp/pkgguard-enable.XXXXXX)
chmod 755 "$work"
gc=$(cd / && npm config get globalconfig 2>/dev/null)
gc_had=0
gc_saved=0 # 1 once the state of $gc is saved: nothing is restored before
restore_gc() {
	[ "$gc_saved" = 1 ] || return 0
	if [ "$gc_had" = 1 ]; then
		cmp -s "$work/gc.backup" "$gc" || cp -p "$work/gc.backup" "$gc"
	else
		rm -f "$gc"
	fi
}
cleanup() {
	restore_gc
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

npm_quiet() { npm --silent --no-update-notifier --no-fund --no-audit "$@"; }

tarballs=$work/tarballs
mkdir -p "$tarballs"
(cd "$tarballs" && npm pack --silent "$top/tests/fixtures/host-recorder" >/dev/null 2>&1)
tgz=$tarballs/host-recorder-1.0.0.tgz
[ -f "$tgz" ] || { fail "enable/disable" "npm pack of tests/fixtures/host-recorder failed"; end_suite; }

# npm_project DIR — a project that approves host-recorder's postinstall.
npm_project() {
	mkdir -p "$1"
	cat >"$1/package.json" <<EOT
{ "name": "enable-project", "version": "1.0.0", "private": true,
  "dependencies": { "host-recorder": "file:$tgz" },
  "allowScripts": { "host-recorder": true } }
EOT
}

# routed NAME DIR — the install in DIR ran the postinstall in the sandbox
# (where.txt says "pkgguard") and the canary did not reach the project.
routed() {
	_where=$(cat "$2/node_modules/host-recorder/where.txt" 2>/dev/null)
	if [ -e "$2/escaped.txt" ]; then
		fail "$1" "the postinstall wrote the canary into the project"
	elif [ "$_where" != pkgguard ]; then
		fail "$1" "the postinstall did not run in the sandbox (where.txt: '${_where:-missing}') $3"
	else
		pass "$1"
	fi
}

# count FILE TEXT — lines of FILE that are exactly TEXT.
count() { grep -cxF -- "$2" "$1" 2>/dev/null || true; }

# ---- npm ---------------------------------------------------------------

npm_rows() {
	case $gc in
	/*) ;;
	*) fail "npm: global config located" "npm config get globalconfig printed '$gc'"; return ;;
	esac
	# Two runs of this suite at once (two `make check`) would back up each
	# other's enabled file: one at a time, held until exit (fd 9).
	if command -v flock >/dev/null 2>&1; then
		exec 9>/run/lock/pkgguard-enable-test.lock 2>/dev/null || exec 9>"$work/lock"
		flock -w 300 9 || { fail "npm: enable/disable" "another run held the lock for 300 s"; return; }
	fi
	if [ -e "$gc" ]; then
		cp -p "$gc" "$work/gc.backup" || { fail "npm: back up $gc" "cp failed"; return; }
		gc_had=1
		if grep -q '^[[:space:]]*script-shell[[:space:]]*=' "$gc"; then
			skip "npm: enable/disable" "$gc already sets script-shell"
			return
		fi
	fi
	gc_saved=1

	npm_project "$work/npm-control"
	(cd "$work/npm-control" && npm_quiet install >/dev/null 2>&1)
	if [ ! -e "$work/npm-control/escaped.txt" ]; then
		fail "npm control: plain npm install writes the canary into the project" "no canary"
		return
	fi
	pass "npm control: plain npm install writes the canary into the project"

	line="script-shell=$SB"
	out=$("$PG" enable npm 2>&1)
	if [ $? -ne 0 ]; then
		fail "npm: enable" "$out"
		return
	fi
	if [ "$(count "$gc" "$line")" = 1 ] && [ "$(count "$gc" "# added by pkgguard enable")" = 1 ]; then
		pass "npm: enable writes $line and its marker into $gc"
	else
		fail "npm: enable writes $line and its marker into $gc" "$(tr '\n' '|' <"$gc")"
	fi
	out=$("$PG" enable npm 2>&1)
	if [ $? -eq 0 ] && [ "$(count "$gc" "$line")" = 1 ] && [ "$(grep -c script-shell "$gc")" = 1 ]; then
		pass "npm: enable twice leaves one line"
	else
		fail "npm: enable twice leaves one line" "$out; $(tr '\n' '|' <"$gc")"
	fi

	npm_project "$work/npm-enabled"
	out=$(cd "$work/npm-enabled" && npm_quiet install 2>&1)
	routed "npm: plain npm install after enable runs the postinstall in the sandbox, no canary" \
		"$work/npm-enabled" "$out"

	# A relative profile path in the installer's environment would name a
	# directory inside each package (the sandbox runs there): refused, with
	# the entry named, first or last on the path (docs/THREATS.md, which policy applies;
	# profile_search.sh has the package that ships its own profiles/).
	for pp in "profiles:$top/profiles" "$top/profiles:profiles"; do
		rm -rf "$work/npm-relative"
		npm_project "$work/npm-relative"
		out=$(cd "$work/npm-relative" && PKGGUARD_PROFILE_PATH=$pp npm --no-update-notifier --no-fund --no-audit install 2>&1)
		if [ ! -e "$work/npm-relative/escaped.txt" ] && [ ! -e "$work/npm-relative/node_modules/host-recorder/where.txt" ] &&
			echo "$out" | grep -q 'relative entry "profiles" refused'; then
			pass "npm: after enable, PKGGUARD_PROFILE_PATH=$pp: the script is refused, the entry named"
		else
			fail "npm: after enable, PKGGUARD_PROFILE_PATH=$pp: the script is refused, the entry named" \
				"$(echo "$out" | tail -n 3 | tr '\n' ' ')"
		fi
	done

	out=$("$PG" disable npm 2>&1)
	if [ $? -ne 0 ]; then
		fail "npm: disable restores the file byte for byte" "$out"
	elif [ "$gc_had" = 1 ] && cmp -s "$work/gc.backup" "$gc"; then
		pass "npm: disable restores the file byte for byte"
	elif [ "$gc_had" = 0 ] && [ ! -e "$gc" ]; then
		pass "npm: disable removes the file enable created"
	else
		fail "npm: disable restores the file byte for byte" "$(tr '\n' '|' <"$gc")"
	fi
	expect_ok "npm: disable when not enabled succeeds" "$PG" disable npm

	# npm config set -g rewrites the file without comments: the line that
	# names this pkgguard's sandbox is still recognised and removed.
	if "$PG" enable npm >/dev/null 2>&1 && (cd / && npm config set -g fund=false >/dev/null 2>&1) &&
		! grep -q '^# added by pkgguard' "$gc" && grep -qxF "$line" "$gc"; then
		out=$("$PG" disable npm 2>&1)
		if [ $? -eq 0 ] && ! grep -q script-shell "$gc"; then
			pass "npm: disable after npm rewrote the file (marker gone) removes the line"
		else
			fail "npm: disable after npm rewrote the file (marker gone) removes the line" "$out"
		fi
	else
		fail "npm: disable after npm rewrote the file (marker gone) removes the line" \
			"could not set up: $(tr '\n' '|' <"$gc" 2>&1)"
	fi
	restore_gc

	# A script shell someone else configured is never replaced.
	{ [ "$gc_had" = 1 ] && cat "$work/gc.backup"; echo "script-shell=/bin/bash"; } >"$work/foreign"
	mkdir -p "$(dirname "$gc")"
	cp "$work/foreign" "$gc"
	out=$("$PG" enable npm 2>&1)
	rc=$?
	if [ $rc -eq 1 ] && cmp -s "$work/foreign" "$gc" && echo "$out" | grep -qF "$gc" &&
		echo "$out" | grep -qF /bin/bash; then
		pass "npm: enable refuses to replace a foreign script-shell (file unchanged, message names both)"
	else
		fail "npm: enable refuses to replace a foreign script-shell" "exit $rc: $out"
	fi
	out=$("$PG" disable npm 2>&1)
	if [ $? -eq 0 ] && cmp -s "$work/foreign" "$gc"; then
		pass "npm: disable leaves a foreign script-shell alone"
	else
		fail "npm: disable leaves a foreign script-shell alone" "$out"
	fi
	restore_gc

	# Not permitted: one line with the file and the reason, file unchanged.
	if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null 2>&1; then
		skip "npm: enable without permission is refused" "needs root to drop to nobody"
	elif ! setpriv --reuid=nobody --regid=nogroup --clear-groups -- test -x "$PG"; then
		skip "npm: enable without permission is refused" "nobody cannot execute $PG"
	else
		[ "$gc_had" = 1 ] || : >"$gc"
		cp -p "$gc" "$work/before"
		out=$(cd / && HOME=$work setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$PG" enable npm 2>&1)
		rc=$?
		if [ $rc -eq 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && echo "$out" | grep -qF "$gc" &&
			echo "$out" | grep -q 'Permission denied' && cmp -s "$work/before" "$gc"; then
			pass "npm: enable without permission is refused in one line naming $gc"
		else
			fail "npm: enable without permission is refused" "exit $rc: $out"
		fi
		restore_gc
	fi
}
npm_rows

# ---- pnpm --------------------------------------------------------------

pnpm_project() { # DIR, a sibling of $tarballs
	mkdir -p "$1"
	# pnpm keys an approval by the spec as it records it: relative.
	cat >"$1/package.json" <<EOT
{ "name": "enable-project", "version": "1.0.0", "private": true,
  "dependencies": { "host-recorder": "file:../tarballs/host-recorder-1.0.0.tgz" } }
EOT
	printf 'allowBuilds:\n  "host-recorder@file:../tarballs/host-recorder-1.0.0.tgz": true\n' \
		>"$1/pnpm-workspace.yaml"
}
pnpm_quiet() { pnpm --reporter=silent "$@"; }

pnpm_rows() {
	if ! command -v pnpm >/dev/null 2>&1; then
		skip "pnpm: enable/disable" "pnpm is not installed"
		return
	fi
	# Each HOME its own config, store and side-effects cache, so the second
	# install cannot reuse the first one's build output.
	hc=$work/home-pnpm-control
	he=$work/home-pnpm
	mkdir -p "$hc" "$he"
	pnpm_project "$work/pnpm-control"
	(cd "$work/pnpm-control" && HOME=$hc pnpm_quiet install >/dev/null 2>&1)
	if [ ! -e "$work/pnpm-control/escaped.txt" ]; then
		fail "pnpm control: plain pnpm install writes the canary into the project" "no canary"
		return
	fi
	pass "pnpm control: plain pnpm install writes the canary into the project"

	pc=$(cd / && HOME=$he pnpm config get globalconfig 2>/dev/null)
	case $pc in
	"$he"/*) ;;
	*) fail "pnpm: global config is under HOME" "pnpm config get globalconfig printed '$pc'"; return ;;
	esac
	# Something of the user's already there, without a final newline.
	mkdir -p "$(dirname "$pc")"
	printf '# my settings\nfetchRetries: 3' >"$pc"
	chmod 600 "$pc"
	cp -p "$pc" "$work/pc.backup"

	line="scriptShell: $SB"
	out=$(HOME=$he "$PG" enable pnpm 2>&1)
	if [ $? -eq 0 ] && [ "$(count "$pc" "$line")" = 1 ] &&
		[ "$(cd / && HOME=$he pnpm config get scriptShell 2>/dev/null)" = "$SB" ]; then
		pass "pnpm: enable writes $line into ~/.config/pnpm/config.yaml, pnpm reads it"
	else
		fail "pnpm: enable writes $line into ~/.config/pnpm/config.yaml, pnpm reads it" "$out"
	fi
	out=$(HOME=$he "$PG" enable pnpm 2>&1)
	if [ $? -eq 0 ] && [ "$(grep -c scriptShell "$pc")" = 1 ]; then
		pass "pnpm: enable twice leaves one line"
	else
		fail "pnpm: enable twice leaves one line" "$out"
	fi

	pnpm_project "$work/pnpm-enabled"
	out=$(cd "$work/pnpm-enabled" && HOME=$he pnpm_quiet install 2>&1)
	routed "pnpm: plain pnpm install after enable runs the postinstall in the sandbox, no canary" \
		"$work/pnpm-enabled" "$out"

	out=$(HOME=$he "$PG" disable pnpm 2>&1)
	if [ $? -eq 0 ] && cmp -s "$work/pc.backup" "$pc" &&
		[ "$(stat -c %a "$pc")" = 600 ]; then
		pass "pnpm: disable restores the file byte for byte (and its mode)"
	else
		fail "pnpm: disable restores the file byte for byte" "$out; $(tr '\n' '|' <"$pc")"
	fi
	expect_ok "pnpm: disable when not enabled succeeds" env HOME="$he" "$PG" disable pnpm

	# A config.yaml that enable creates is removed again by disable.
	rm -f "$pc"
	if HOME=$he "$PG" enable pnpm >/dev/null 2>&1 && [ -f "$pc" ] &&
		HOME=$he "$PG" disable pnpm >/dev/null 2>&1 && [ ! -e "$pc" ]; then
		pass "pnpm: disable removes the config.yaml that enable created"
	else
		fail "pnpm: disable removes the config.yaml that enable created" "$(ls -l "$pc" 2>&1)"
	fi

	printf 'scriptShell: /bin/bash\n' >"$pc"
	cp "$pc" "$work/pc.foreign"
	out=$(HOME=$he "$PG" enable pnpm 2>&1)
	rc=$?
	if [ $rc -eq 1 ] && cmp -s "$work/pc.foreign" "$pc" && echo "$out" | grep -qF "$pc" &&
		echo "$out" | grep -qF /bin/bash; then
		pass "pnpm: enable refuses to replace a foreign scriptShell (file unchanged)"
	else
		fail "pnpm: enable refuses to replace a foreign scriptShell" "exit $rc: $out"
	fi
}
pnpm_rows

expect_fail "yarn cannot be enabled (it ignores script-shell for install scripts)" "$PG" enable yarn
done_testing
