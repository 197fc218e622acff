#!/bin/sh
# newcomer.sh — the errors a new user meets first are one line each, naming
# the cause and the fix, and nothing runs: the current directory as the
# package directory (/tmp, $HOME, /), a missing profile directory or
# profile, a daemon started without its profiles, `pkgguard run` of an
# unknown or missing package manager.
. tests/lib.sh
top=$(pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) B=$BUILD ;; *) B=$top/$BUILD ;; esac
SB=$B/pkgguard-sandbox
PG=$B/pkgguard
export PKGGUARD_PROFILE_PATH=$top/profiles
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# one_line NAME WANT_RC ERE — the last command's status ($rc), stdout
# ($tmp/out: the sandboxed command prints RAN) and stderr ($tmp/err):
# exactly one line, matching ERE, and nothing ran.
one_line() {
	n=$(wc -l <"$tmp/err")
	if [ "$rc" -eq "$2" ] && [ "$n" -eq 1 ] && grep -Eq "$3" "$tmp/err" && ! grep -q RAN "$tmp/out"; then
		pass "$1"
	else
		fail "$1" "exit $rc (want $2), $n lines, ran: $(grep -c RAN "$tmp/out"): $(head -c 400 "$tmp/err" | tr '\n' '|')"
	fi
	: >"$tmp/out"
}

# --- the current directory as the package directory ---------------------------
for d in /tmp "$HOME" /; do
	for init in "" "$d"; do
		(cd "$d" && env ${init:+INIT_CWD=$init} "$SB" -c "echo RAN") >"$tmp/out" 2>"$tmp/err"
		rc=$?
		one_line "pkgguard-sandbox -c from $d${init:+ (INIT_CWD=$init)}: the current directory named as the cause, --pkg-dir as the fix, no profile line blamed" \
			125 "^pkgguard-sandbox: the current directory $d cannot be the package directory: it (is /|is or contains \\\$HOME|is a system or credential directory),.*run from the package's own directory.*--pkg-dir DIR$"
		grep -q 'default.conf' "$tmp/err" && fail "from $d: no profile line" "$(cat "$tmp/err")"
	done
done
"$SB" --pkg-dir /tmp -- echo RAN >"$tmp/out" 2>"$tmp/err"
rc=$?
one_line "pkgguard-sandbox --pkg-dir /tmp: the option named as the cause" 125 "^pkgguard-sandbox: --pkg-dir /tmp cannot be the package directory"
# control: from a directory of its own the same command runs
mkdir -p "$tmp/pkg"
(cd "$tmp/pkg" && "$SB" -c "echo RAN") >"$tmp/out" 2>&1
if grep -q RAN "$tmp/out"; then pass "control: from a package's own directory the same command runs"; else fail "control: from a package's own directory the command runs" "$(cat "$tmp/out")"; fi
: >"$tmp/out"

# --- profiles -------------------------------------------------------------------
(cd "$tmp/pkg" && "$SB" --profiles "$tmp/no-such-dir" -- echo RAN) >"$tmp/out" 2>"$tmp/err"
rc=$?
one_line "--profiles naming a missing directory: the option and the directory named" 125 \
	"^pkgguard-sandbox: --profiles $tmp/no-such-dir: give a directory of profiles.*No such file or directory$"
(cd "$tmp/pkg" && PKGGUARD_PROFILE_PATH=$tmp/no-such-dir "$SB" --profile pgtest-missing -- echo RAN) >"$tmp/out" 2>"$tmp/err"
rc=$?
one_line "a profile in no directory: the directories searched and the fix (make install, PKGGUARD_PROFILE_PATH)" 125 \
	"^pkgguard-sandbox: profile \"pgtest-missing\" not found \\(searched: $tmp/no-such-dir, .*\\): install pkgguard's profiles \\(make install\\) or name their directory in PKGGUARD_PROFILE_PATH$"

# The daemon fails on its profiles before any fanotify mark: a profile no
# directory can hold, so it can never start guarding here.
if [ -x "$B/pkgguardd" ]; then
	echo 'profiles = [ "pgtest-missing" ];' >"$tmp/pkgguardd.conf"
	(cd "$tmp" && PKGGUARD_PROFILE_PATH=$tmp/no-such-dir timeout -s KILL 10 "$B/pkgguardd" --foreground \
		--config "$tmp/pkgguardd.conf" --control "$tmp/control") >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -ne 0 ] && rc=1
	one_line "pkgguardd started without its profiles: one line naming the directories searched and the fix" 1 \
		"^pkgguardd: profile pgtest-missing: no pgtest-missing.conf in the profile directories \\($tmp/no-such-dir, .*\\): install the profiles \\(make install\\), or start pkgguardd with PKGGUARD_PROFILE_PATH=DIR"
else
	fail "pkgguardd started without its profiles" "$B/pkgguardd is not built"
fi

# --- pkgguard run -----------------------------------------------------------------
cd "$tmp/pkg" || exit 1
"$PG" run --report "$tmp/r.json" -- cargo build >"$tmp/out" 2>"$tmp/err"
rc=$?
one_line "pkgguard run of an unknown package manager: the known ones named, exit 2" 2 \
	'^pkgguard: run: unknown package manager "cargo" \(known: npm, npx, pnpm, yarn\); give one of those after --$'
[ ! -e "$tmp/r.json" ] || fail "unknown package manager: nothing written" "$tmp/r.json exists"
"$PG" run -- pip install requests >"$tmp/out" 2>"$tmp/err"
rc=$?
one_line "pkgguard run -- pip: pkgguardd named as the way pip is sandboxed" 2 \
	'^pkgguard: run: unknown package manager "pip" .*pkgguardd sandboxes its builds'
PATH=$tmp/empty-path "$PG" run -- npm ci >"$tmp/out" 2>"$tmp/err"
rc=$?
one_line "pkgguard run of a package manager not installed: one line, install it or fix PATH, exit 127" 127 \
	'^pkgguard: run: npm is not installed \(not found in PATH\): install it, or add its directory to PATH$'
done_testing
