#!/bin/sh
# sandbox_paths.sh — pkgguard-sandbox --rw DIR / --ro DIR, the extra
# directories pkgguardd adds for a pip build (its temporary directories in
# /tmp, the venv). Rows:
#   --rw: a file written inside appears on the host (control: without --rw
#         the same write fails and nothing appears), under /var/tmp and under
#         /tmp (the bind lands on the sandbox's private /tmp, which stays
#         private around it);
#   --ro: the host's content is read inside, a write is refused and the host
#         file is unchanged (under /var/tmp and /tmp);
#   hidden: a path the profile hides inside a --ro directory stays hidden;
#   refusals: "/", system and credential directories, $HOME and what
#         contains it, /proc and /run, a hidden path, /tmp itself, a relative,
#         missing or non-directory path, a symlink to /etc, the same directory
#         both ways: exit 125, a message naming the option and the path, and
#         the command never runs;
#   fallback (no user namespaces, simulated): --rw writable, --ro read-only.
# As root every row runs again as nobody. Everything is removed at exit.
set -u
top=$(pwd)
. "$top/tests/lib.sh"

BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
SB=${PKGGUARD_SANDBOX:-$BUILD/pkgguard-sandbox}
case $SB in /*) ;; *) SB=$top/$SB ;; esac
if [ ! -x "$SB" ]; then
	fail "setup" "$SB is not built"
	end_suite
fi

WV=$(mktemp -d /var/tmp/pkgguard-paths.XXXXXX) || { fail setup "mktemp /var/tmp"; end_suite; }
WT=$(mktemp -d /tmp/pkgguard-paths.XXXXXX) || { rm -rf "$WV"; fail setup "mktemp /tmp"; end_suite; }
chmod 755 "$WV" "$WT"
trap 'rm -rf "$WV" "$WT"' EXIT
trap 'exit 130' INT TERM HUP

# ---------------------------------------------------------------- running
R_RC=0
# sb ARGS... — pkgguard-sandbox --pkg-dir $PKG ARGS as $AS, with a clean
# environment; status in R_RC, output in $OUT, $ERR.
sb() {
	$AS env -i HOME="$UHOME" PATH=/usr/bin:/bin LANG=C PKGGUARD_PROFILE_PATH="$top/profiles" \
		timeout -k 2 30 "$SB" --pkg-dir "$PKG" "$@" </dev/null >"$OUT" 2>"$ERR"
	R_RC=$?
}
# the same, with no user namespaces (a user namespace of our own whose
# max_user_namespaces is 0; the host's sysctl is not touched)
FBSH='echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"'
sb_fb() {
	$AS env -i HOME="$UHOME" PATH=/usr/bin:/bin LANG=C PKGGUARD_PROFILE_PATH="$top/profiles" \
		timeout -k 2 30 unshare -Ur sh -c "$FBSH" fb "$SB" --pkg-dir "$PKG" "$@" </dev/null >"$OUT" 2>"$ERR"
	R_RC=$?
}
why() { echo "status $R_RC: $(cat "$OUT" "$ERR" 2>/dev/null | tail -n 3 | tr '\n' ' ' | cut -c1-300)"; }
fresh() { echo "$1-$$-$(date +%s%N)"; }

# ------------------------------------------------------------------ rows
# row_rw NAME DIR — a write through --rw DIR reaches the host.
row_rw() {
	_n=$1 _d=$2
	_t=$(fresh rw)
	rm -f "$_d/out.txt"
	sb -- sh -c 'echo "$1" > "$2/out.txt"' sh "$_t" "$_d"
	if [ "$R_RC" = 0 ] || [ -e "$_d/out.txt" ]; then
		fail "control: $_n" "without --rw the write worked or left a file: $(why)"
		fail "$_n" "vacuous: its control did not fail"
		return
	fi
	pass "control: $_n (without --rw the write fails, nothing on the host)"
	sb --rw "$_d" -- sh -c 'echo "$1" > "$2/out.txt"' sh "$_t" "$_d"
	if [ "$R_RC" = 0 ] && [ "$(cat "$_d/out.txt" 2>/dev/null)" = "$_t" ]; then
		pass "$_n"
	else
		fail "$_n" "host sees \"$(cat "$_d/out.txt" 2>&1)\": $(why)"
	fi
}

# row_ro NAME DIR — --ro DIR is read inside, a write is refused.
row_ro() {
	_n=$1 _d=$2
	_t=$(fresh ro)
	echo "$_t" >"$_d/data.txt"
	_before=$(cksum <"$_d/data.txt")
	sb --ro "$_d" -- sh -c 'cat "$1/data.txt" && { echo changed > "$1/data.txt"; echo new > "$1/new.txt"; exit 0; }' sh "$_d"
	if ! grep -qx "$_t" "$OUT"; then
		fail "$_n" "the content was not read inside: $(why)"
	elif [ "$(cksum <"$_d/data.txt")" != "$_before" ] || [ -e "$_d/new.txt" ]; then
		fail "$_n" "the host directory changed: $(why)"
	elif ! grep -q 'Read-only file system' "$ERR"; then
		fail "$_n" "the write was not refused as read-only: $(why)"
	else
		pass "$_n"
	fi
}

# row_tmp_private — with a --rw under /tmp, the rest of /tmp stays the
# sandbox's own: a file written beside it does not reach the host.
row_tmp_private() {
	_n="--rw under /tmp: the rest of /tmp stays private"
	_f=/tmp/pkgguard-paths-beside-$$
	rm -f "$_f"
	sb --rw "$TMPD/rw" -- sh -c 'echo x > "$1" && echo y > "$2/beside.txt"' sh "$_f" "$TMPD/rw"
	if [ "$R_RC" != 0 ] || [ ! -e "$TMPD/rw/beside.txt" ]; then
		fail "$_n" "the sandboxed writes did not both work: $(why)"
	elif [ -e "$_f" ]; then
		fail "$_n" "$_f appeared on the host"
	else
		pass "$_n"
	fi
	rm -f "$_f"
}

row_hidden() {
	_n="hidden: a path the profile hides stays hidden inside a --ro directory"
	_d=$VARD/ro
	echo "SECRET-$$" >"$_d/secret"
	printf 'inherit = "default";\nfilesystem = { hidden = [ "%s/secret" ]; };\n' "$_d" >"$VARD/hide.conf"
	chmod 644 "$VARD/hide.conf" "$_d/secret"
	sb --profile "$VARD/hide.conf" --ro "$_d" -- sh -c 'cat "$1/secret"; echo "[$(cat "$1/data.txt")]"' sh "$_d"
	if grep -q "SECRET-$$" "$OUT"; then
		fail "$_n" "the hidden file was read: $(why)"
	elif ! grep -q '^\[ro-' "$OUT"; then
		fail "$_n" "the --ro directory was not shown: $(why)"
	else
		pass "$_n"
	fi
}

# refused NAME ARGS... — exit 125, a message naming the last option of
# ARGS and its path, and the command did not run.
refused() {
	_n=$1
	shift
	for _a in "$@"; do _o=${_p:-} _p=$_a; done
	rm -f "$PKG/ran.txt"
	sb "$@" -- sh -c 'echo ran > "$1/ran.txt"' sh "$PKG"
	if [ "$R_RC" != 125 ]; then
		fail "refused: $_n" "exit $R_RC, expected 125: $(why)"
	elif [ -e "$PKG/ran.txt" ]; then
		fail "refused: $_n" "the command ran"
	elif ! grep -qF -- "$_o $_p" "$ERR"; then
		fail "refused: $_n" "the message does not name \"$_o $_p\": $(why)"
	else
		pass "refused: $_n ($(sed -n 1p "$ERR" | cut -c1-160))"
	fi
}

rows_refused() {
	refused "--rw /" --rw /
	refused "--ro /" --ro /
	refused "--rw /etc" --rw /etc
	refused "--rw /usr/lib" --rw /usr/lib
	refused "--rw \$HOME" --rw "$UHOME"
	refused "--rw of a directory containing \$HOME" --rw "$VARD"
	refused "--ro of a directory containing \$HOME" --ro "$VARD"
	refused "--rw ~/.ssh" --rw "$UHOME/.ssh"
	refused "--ro ~/.ssh" --ro "$UHOME/.ssh"
	refused "--ro ~/.aws" --ro "$UHOME/.aws"
	refused "--ro /proc" --ro /proc
	refused "--ro /run" --ro /run
	[ -d /etc/ssh ] && refused "--ro of a hidden path (/etc/ssh)" --ro /etc/ssh
	refused "--ro /tmp (the sandbox's own)" --ro /tmp
	refused "--rw /var/tmp" --rw /var/tmp
	refused "--rw relative path" --rw relative/dir
	refused "--rw missing directory" --rw "$VARD/missing"
	refused "--rw of a file" --rw "$VARD/file.txt"
	refused "--rw of a symlink to /etc" --rw "$VARD/etc-link"
	refused "--ro of a directory already --rw" --rw "$VARD/rw" --ro "$VARD/rw"
	refused "--rw of a directory already --ro" --ro "$VARD/ro" --rw "$VARD/ro"
}

rows_fallback() {
	$AS env -i PATH=/usr/bin:/bin unshare -Ur sh -c "$FBSH" fb true >/dev/null 2>&1 || {
		skip "fallback: --rw and --ro" "cannot simulate a host without user namespaces here"
		return
	}
	_n="fallback: --rw under /tmp is writable, --ro is read-only"
	_t=$(fresh fb)
	echo "$_t" >"$TMPD/ro/fb.txt"
	rm -f "$TMPD/rw/fb.txt"
	sb_fb --rw "$TMPD/rw" --ro "$TMPD/ro" -- sh -c \
		'echo "$1" > "$2/fb.txt"; cat "$3/fb.txt"; echo x > "$3/fb.txt" && echo WROTE-RO' sh "$_t" "$TMPD/rw" "$TMPD/ro"
	if ! grep -q 'user namespaces are not available' "$ERR"; then
		fail "$_n" "did not run in the fallback: $(why)"
	elif [ "$(cat "$TMPD/rw/fb.txt" 2>/dev/null)" != "$_t" ]; then
		fail "$_n" "the --rw write did not reach the host: $(why)"
	elif ! grep -qx "$_t" "$OUT" || grep -q WROTE-RO "$OUT" || [ "$(cat "$TMPD/ro/fb.txt")" != "$_t" ]; then
		fail "$_n" "--ro not read, or written: $(why)"
	else
		pass "$_n"
	fi
}

# ------------------------------------------------------------------ passes
run_pass() { # WHO UID GID
	T_AS=$1
	VARD=$WV/$1
	TMPD=$WT/$1
	UHOME=$VARD/home
	PKG=$VARD/pkg
	OUT=$WV/$1.out
	ERR=$WV/$1.err
	mkdir -p "$UHOME/.ssh" "$UHOME/.aws" "$PKG" "$VARD/rw" "$VARD/ro" "$TMPD/rw" "$TMPD/ro"
	echo "key-$$" >"$UHOME/.ssh/id_rsa"
	echo "file" >"$VARD/file.txt"
	ln -sf /etc "$VARD/etc-link"
	: >"$OUT"
	: >"$ERR"
	chown -R "$2:$3" "$VARD" "$TMPD" "$OUT" "$ERR"
	chmod 755 "$VARD" "$TMPD"
	if [ "$1" = root ] || [ "$2" = "$(id -u)" ]; then AS=""; else AS="setpriv --reuid=$2 --regid=$3 --clear-groups --"; fi

	row_rw "--rw DIR under /var/tmp: a file written inside appears on the host" "$VARD/rw"
	row_rw "--rw DIR under /tmp: the bind lands on the private /tmp" "$TMPD/rw"
	row_tmp_private
	row_ro "--ro DIR under /var/tmp: read inside, write refused" "$VARD/ro"
	row_ro "--ro DIR under /tmp: read inside, write refused" "$TMPD/ro"
	row_hidden
	rows_refused
	rows_fallback
}

if [ "$(id -u)" = 0 ]; then
	run_pass root 0 0
	if setpriv --reuid=65534 --regid=65534 --clear-groups -- test -x "$SB" 2>/dev/null &&
		setpriv --reuid=65534 --regid=65534 --clear-groups -- test -r "$top/profiles/default.conf" 2>/dev/null; then
		run_pass nobody 65534 65534
	else
		T_AS=nobody
		skip "unprivileged pass" "nobody cannot run $SB or read $top/profiles"
	fi
else
	run_pass "$(id -un)" "$(id -u)" "$(id -g)"
fi
done_testing
