#!/bin/sh
# supervisor.sh — a hostile script against what runs around it
# (docs/THREATS.md, the supervisor): the sandbox's own processes (the supervisor, init), the
# caller's environment they were started with, root-only files of a root
# caller, and git repositories whose .git is a file.
#
# Rows, each with its CONTROL (the same fixture without pkgguard really does
# the harm: a stand-in supervisor `sh` is killed, the leftover keeps
# running, the token or the file is read):
#  - fallback (no user namespaces, simulated in a user namespace of our own
#    whose max_user_namespaces is 0): kill -9 $PPID, kill of the parent's
#    process group, pidfd_open and pidfd_send_signal of the parent, prlimit
#    of the parent, kill -9 -1 (as the unprivileged user only: as root a
#    failure would reach every process of the machine), a setsid +
#    double-fork leftover after trying to kill the supervisor;
#  - the caller's token in no /proc/PID/environ or cmdline a script can
#    read: namespaces without Landlock (tests/probes/without_landlock), and
#    the fallback;
#  - .git as a file: a git worktree and a submodule as the project;
#  - a root caller (root pass only): a 0600 and a 0640 root:root file in
#    /etc that no list names (a private tmpfs over /etc/opt in a mount
#    namespace of the row's own) stays unreadable, namespaces and fallback
#    (tests/probes/userns_wide: a container-like map, 0-65535), and what the
#    script writes in its package directory is root's afterwards.
# As root every row runs twice: as root and as a dedicated unprivileged
# user (created here, removed at exit). Run from the repository top:
#   BUILD=build sh tests/integration/supervisor.sh     (VERBOSE=1: commands)
# Everything started is stopped by pid; every file and the user are removed.
set -u
top=$(pwd)
. "$top/tests/lib.sh"

BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
SB_BUILT=${PKGGUARD_SANDBOX:-$BUILD/pkgguard-sandbox}
case $SB_BUILT in /*) ;; *) SB_BUILT=$top/$SB_BUILT ;; esac
NOLL_BUILT=$BUILD/tests/without_landlock
TUSER=pkgguardsv

for _b in "$SB_BUILT" "$NOLL_BUILT"; do
	if [ ! -x "$_b" ]; then
		fail "setup" "$_b is not built (make test-bins)"
		end_suite
	fi
done
if [ "${ASAN:-0}" = 1 ]; then
	skip "suite" "the ASan-built engine cannot run its confined child (rlimits)"
	end_suite
fi

base=${PKGGUARD_IT_BASE:-/home}
[ -d "$base" ] && [ -w "$base" ] || base=/var/tmp
WORK=$(mktemp -d "$base/pkgguard-sv.XXXXXX") || { fail setup "mktemp"; end_suite; }
chmod 755 "$WORK"
MADE_USER=0
TRACKED=""
track() { TRACKED="$TRACKED $1=$2"; }
kill_if() { # PID MARKER: only while its command line still holds MARKER
	if [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$2"; then
		kill -KILL "$1" 2>/dev/null
	fi
}
# pids whose command line holds MARKER (the pattern written so that the
# grep does not match itself)
pids_with() {
	_pat=$(printf '%s' "$1" | sed 's/^\(.\)/[\1]/')
	grep -ls -- "$_pat" /proc/[0-9]*/cmdline 2>/dev/null |
		sed -n 's,^/proc/\([0-9]*\)/cmdline$,\1,p' | tr '\n' ' '
}
cleanup() {
	for _e in $TRACKED; do kill_if "${_e%%=*}" "${_e#*=}"; done
	for _p in $(pids_with "$WORK"); do kill -KILL "$_p" 2>/dev/null; done
	if [ "$MADE_USER" = 1 ]; then
		for _p in $(ps -o pid= -u "$TUSER" 2>/dev/null); do kill -KILL "$_p" 2>/dev/null; done
		sleep 0.2
		userdel "$TUSER" 2>/dev/null
		getent group "$TUSER" >/dev/null 2>&1 && groupdel "$TUSER" 2>/dev/null
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

IS_ROOT=0
[ "$(id -u)" = 0 ] && IS_ROOT=1
if [ $IS_ROOT = 1 ] && ! id "$TUSER" >/dev/null 2>&1 &&
	useradd --system --no-create-home --home-dir "$WORK/$TUSER/home" \
		--shell /bin/sh --user-group "$TUSER" >/dev/null 2>&1; then
	MADE_USER=1
fi

# ------------------------------------------------------------------ running
R_RC=0 R_OUT="" R_ERR="" R_CMD=""
EXTRAENV=""
PRE=""   # a command word before the one run (with-token)
_run() { # TIMEOUT CMD...
	_tmo=$1; shift
	R_CMD="$*"
	(cd "$PKG" && exec timeout -k 2 "$_tmo" "$@") </dev/null >"$WORK/.out" 2>"$WORK/.err"
	R_RC=$?
	R_OUT=$(cat "$WORK/.out")
	R_ERR=$(cat "$WORK/.err")
	if [ "${VERBOSE:-0}" = 1 ]; then
		echo "# [$T_AS] ${R_CMD#*LANG=C } => $R_RC"
		printf '%s\n' "$R_OUT" "$R_ERR" | grep -v '^$' | head -n 6 | cut -c1-200 | sed 's/^/#    /'
	fi
}
lastline() { printf '%s\n%s\n' "$R_OUT" "$R_ERR" | grep -v '^$' | tail -n "${1:-2}" | tr '\n' ' ' | cut -c1-300; }
why() { echo "status $R_RC: $(lastline 3)"; }
contains() { printf '%s\n%s\n' "$R_OUT" "$R_ERR" | grep -qF -- "$1"; }
control_pass() { pass "control: $1"; }
control_fail() { fail "control: $1" "$2"; fail "$1" "vacuous: its control did not do the harmful thing"; }
control_skip() { skip "control: $1" "$2"; skip "$1" "$2"; }

# the no-user-namespace fallback, simulated in a user namespace of our own
# whose max_user_namespaces is 0 (the host sysctl is not touched)
FBSH='echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"'
# outside, in the same simulated host: a stand-in supervisor (sh) runs the
# script as its child, and says whether it survived
fb_ctl() { _run 30 $AS env -i $BASEENV $EXTRAENV $PRE unshare -Ur sh -c "$FBSH" fb sh -c "sh -c '$1'; echo stand-in-survived"; }
fb() { _run 60 $AS env -i $BASEENV $EXTRAENV PKGGUARD_PROFILE_PATH="$PROFILES" $PRE unshare -Ur sh -c "$FBSH" fb "$SBX" --pkg-dir "$PKG" --project-dir "$PROJ" "$@"; }
# namespaces, as on a kernel without Landlock
sb_noll() { _run 60 $AS env -i $BASEENV $EXTRAENV PKGGUARD_PROFILE_PATH="$PROFILES" $PRE "$NOLL" "$SBX" --pkg-dir "$PKG" --project-dir "$PROJ" "$@"; }
sb_c() { # SCRIPT [options]: script-shell mode, as npm calls it
	_s=$1; shift
	_run 60 $AS env -i $BASEENV $EXTRAENV INIT_CWD="$PROJ" PKGGUARD_PROFILE_PATH="$PROFILES" "$SBX" "$@" -c "$_s"
}
ctl_sh() { _run 30 $AS env -i $BASEENV $EXTRAENV $PRE sh -c "$1"; }

make_tree() { # WHO UID GID
	_d=$WORK/$1
	mkdir -p "$_d/home" "$_d/project/node_modules/evil-pkg"
	printf '{"name":"app","version":"1.0.0"}\n' >"$_d/project/package.json"
	printf '{"name":"evil-pkg","version":"1.0.0"}\n' >"$_d/project/node_modules/evil-pkg/package.json"
	chown -R "$2:$3" "$_d"
	chmod 755 "$_d" "$_d/project"
	chmod 700 "$_d/home"
}

use_user() { # WHO
	WHO=$1
	T_AS=$WHO
	D=$WORK/$WHO
	UHOME=$D/home
	PROJ=$D/project
	PKG=$PROJ/node_modules/evil-pkg
	BASEENV="HOME=$UHOME USER=$WHO LOGNAME=$WHO PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C"
	SBX=$SB_BUILT
	NOLL=$NOLL_BUILT
	PROFILES=$top/profiles
	AS=""
	if [ "$WHO" = "$TUSER" ]; then
		AS="setpriv --reuid=$(id -u "$TUSER") --regid=$(id -g "$TUSER") --clear-groups --"
		# the clone may sit in a mode-0700 directory: copies the user can run
		mkdir -p "$WORK/bin" "$WORK/profiles"
		cp "$SB_BUILT" "$NOLL_BUILT" "$WORK/bin/" && cp -r "$top/profiles/." "$WORK/profiles/"
		chmod -R a+rX "$WORK/bin" "$WORK/profiles"
		SBX=$WORK/bin/pkgguard-sandbox
		NOLL=$WORK/bin/without_landlock
		PROFILES=$WORK/profiles
	fi
}

have_fallback() {
	_run 10 $AS unshare -Ur sh -c "$FBSH"' && unshare -U true' fb
	[ "$R_RC" != 0 ] && contains "unshare"
}

# ===================================================================== rows
# --- item 5: the supervisor without a pid namespace ------------------------
# row_supervisor NAME SCRIPT: the script attacks its parent. Control: a
# stand-in sh parent is killed (does not say it survived). Inside: the
# sandbox ends normally with the script's status 0 and the script ran on.
row_supervisor() {
	_name="fallback: $1"
	fb_ctl "$2; echo script-went-on"
	if ! contains stand-in-survived; then
		control_pass "$_name"
	else
		control_fail "$_name" "the stand-in parent survived: $(why)"
		return
	fi
	fb -- sh -c "$2; echo script-went-on"
	if [ "$R_RC" = 0 ] && contains script-went-on; then
		pass "$_name"
	else
		fail "$_name" "the supervisor did not end normally: $(why)"
	fi
}

rows_supervisor() {
	row_supervisor "kill -9 \$PPID" 'kill -9 $PPID'
	row_supervisor "kill -9 of the parent's process group" \
		'/bin/kill -s KILL -- -$(cut -d" " -f5 /proc/$PPID/stat)'
	row_supervisor "pidfd_send_signal through /proc/\$PPID" \
		'python3 -c "import os, signal; signal.pidfd_send_signal(os.open(\"/proc/$PPID\", os.O_RDONLY), 9)"'

	_name="fallback: prlimit of the parent"
	fb_ctl 'prlimit --pid $PPID --nofile=5:5 && echo prlimit-set'
	if contains prlimit-set; then
		control_pass "$_name"
		fb -- sh -c 'prlimit --pid $PPID --nofile=5:5 && echo prlimit-set; echo script-went-on'
		if contains prlimit-set; then fail "$_name" "the parent's limit was set: $(why)"
		elif [ "$R_RC" = 0 ] && contains script-went-on; then pass "$_name"
		else fail "$_name" "$(why)"; fi
	else
		control_fail "$_name" "$(why)"
	fi

	_name="fallback: pidfd_open of the parent"
	_py='import os; os.pidfd_open(os.getppid()); print("pidfd-opened")'
	fb_ctl "python3 -c '\"'\"'$_py'\"'\"'"
	if contains pidfd-opened; then
		control_pass "$_name"
		fb -- python3 -c "$_py"
		if contains pidfd-opened; then fail "$_name" "opened: $(why)"
		elif contains "Operation not permitted"; then pass "$_name"
		else fail "$_name" "the script did not run as expected: $(why)"; fi
	else
		control_fail "$_name" "$(why)"
	fi

	_name="fallback: setsid + double-fork leftover after kill -9 \$PPID"
	_f=$PKG/leftover-ctl.log
	_loop="setsid sh -c \"(while :; do echo x >>$_f; sleep 0.1; done) &\""
	fb_ctl "kill -9 \$PPID; $_loop"
	sleep 0.5
	_a=$(wc -c <"$_f" 2>/dev/null || echo 0)
	sleep 0.5
	_b=$(wc -c <"$_f" 2>/dev/null || echo 0)
	for _p in $(pids_with "$_f"); do kill -KILL "$_p" 2>/dev/null; done
	if [ "$_b" -gt "$_a" ]; then
		control_pass "$_name"
		_f=$PKG/leftover-sb.log
		_loop="setsid sh -c \"(while :; do echo x >>$_f; sleep 0.1; done) &\""
		fb -- sh -c "kill -9 \$PPID; $_loop; sleep 0.3"
		sleep 0.3
		_a=$(wc -c <"$_f" 2>/dev/null || echo 0)
		_left=$(pids_with "$_f")
		sleep 0.5
		_b=$(wc -c <"$_f" 2>/dev/null || echo 0)
		for _p in $_left; do kill -KILL "$_p" 2>/dev/null; done
		if [ "$_a" = 0 ]; then fail "$_name" "the leftover never ran inside: $(why)"
		elif [ -n "$_left" ] || [ "$_b" != "$_a" ]; then fail "$_name" "still running after the install (pids $_left): $(why)"
		elif [ "$R_RC" != 0 ]; then fail "$_name" "$(why)"
		else pass "$_name"; fi
	else
		control_fail "$_name" "no leftover ran on: $(why)"
	fi

	_name="fallback: kill -9 -1 spares a process of the same user outside"
	if [ "$WHO" != "$TUSER" ]; then
		skip "$_name" "as root a failure would reach every process of the machine; run as the unprivileged user"
		return
	fi
	$AS sh -c "exec sleep 300 # target-1-$$" </dev/null >/dev/null 2>&1 &
	_t=$!
	track "$_t" "target-1-$$"
	sleep 0.2
	fb_ctl 'kill -9 -1'
	sleep 0.2
	if ! kill -0 "$_t" 2>/dev/null; then
		control_pass "$_name"
		$AS sh -c "exec sleep 300 # target-2-$$" </dev/null >/dev/null 2>&1 &
		_t=$!
		track "$_t" "target-2-$$"
		sleep 0.2
		fb -- sh -c 'kill -9 -1; echo script-went-on'
		sleep 0.2
		if ! kill -0 "$_t" 2>/dev/null; then fail "$_name" "the outside process died: $(why)"
		elif [ "$R_RC" != 0 ] || ! contains script-went-on; then fail "$_name" "the supervisor did not end normally: $(why)"
		else pass "$_name"; fi
		kill_if "$_t" "target-2-$$"
	else
		control_fail "$_name" "the outside process survived: $(why)"
		kill_if "$_t" "target-1-$$"
	fi
}

# --- item 6a: the caller's environment ------------------------------------
TOKEN=PKGGUARDSVCANARY$$
printf 'NPM_TOKEN=%s\n' "$TOKEN" >"$WORK/token"
printf '#!/bin/sh\nexport "$(cat %s)"\nexec "$@"\n' "$WORK/token" >"$WORK/with-token"
chmod 644 "$WORK/token"
chmod 755 "$WORK/with-token"
# every /proc/PID/environ and cmdline the script can read
READ_ALL='echo reader-ran; for f in /proc/[0-9]*/environ /proc/[0-9]*/cmdline; do tr "\0" " " <"$f"; echo; done 2>/dev/null'

rows_environ() {
	_name="secrets: the caller's token in no /proc/PID/environ or cmdline"
	# not on a command line of the harness (timeout, env are visible in
	# the fallback): a wrapper reads it from a file the script cannot see
	PRE=$WORK/with-token
	# control: the script's parent holds the caller's environment
	ctl_sh "sh -c '$READ_ALL'"
	if contains "$TOKEN"; then
		control_pass "$_name"
		sb_noll -- sh -c "$READ_ALL"
		if ! contains reader-ran; then fail "$_name (namespaces, no Landlock)" "$(why)"
		elif contains "$TOKEN"; then fail "$_name (namespaces, no Landlock)" "the token was read"
		else pass "$_name (namespaces, no Landlock)"; fi
		if [ "$HAVE_FB" = 1 ]; then
			fb -- sh -c "$READ_ALL"
			if ! contains reader-ran; then fail "$_name (fallback)" "$(why)"
			elif contains "$TOKEN"; then fail "$_name (fallback)" "the token was read"
			else pass "$_name (fallback)"; fi
		fi
	else
		control_fail "$_name" "$(why)"
	fi

	# /proc/PID/maps needs what environ and mem need (ptrace read access)
	_name="secrets: init is not dumpable (/proc/1/maps unreadable), no Landlock"
	sb_noll -- sh -c 'echo reader-ran; head -n 1 /proc/1/maps'
	if contains reader-ran && ! printf '%s\n' "$R_OUT" | grep -q '^[0-9a-f]*-[0-9a-f]* '; then pass "$_name"
	else fail "$_name" "$(why)"; fi
	PRE=""
}

# --- item 6c: .git as a file (worktrees, submodules) ------------------------
GITTOKEN=ghp_PKGGUARDSVGIT$$
# git as the pass's user, with an identity and nothing of the caller's
as_git() { $AS env -i HOME="$UHOME" PATH=/usr/bin:/bin GIT_CONFIG_NOSYSTEM=1 \
	git -c user.email=t@example.com -c user.name=t -c protocol.file.allow=always "$@" >/dev/null 2>&1; }

make_repos() {
	_g=$D/git
	$AS mkdir -p "$_g"
	as_git init -q "$_g/main" &&
		as_git -C "$_g/main" remote add origin "https://x:${GITTOKEN}-main@example.com/r.git" &&
		as_git -C "$_g/main" commit -q --allow-empty -m init &&
		as_git -C "$_g/main" worktree add -q "$_g/main/wt2" &&
		as_git init -q "$_g/subsrc" && as_git -C "$_g/subsrc" commit -q --allow-empty -m init &&
		as_git init -q "$_g/super" && as_git -C "$_g/super" submodule -q add "$_g/subsrc" sub &&
		as_git -C "$_g/super/sub" remote set-url origin "https://x:${GITTOKEN}-sub@example.com/s.git" &&
		$AS mkdir -p "$_g/main/wt2/node_modules/p" "$_g/super/node_modules/p" "$_g/super/sub/node_modules/p"
}

# row_git NAME PROJECT PKG CONFIG [--ro DIR]: a script in PKG (project
# PROJECT) reads and appends to CONFIG; namespaces (script-shell mode, as
# npm runs it) and fallback
row_git() {
	_name=$1 _proj=$2 _pkg=$3 _cfg=$4; shift 4
	_tag=${_cfg##*/git/}
	_read="echo script-ran; cat '$_cfg'; echo x >>'$_cfg' && echo appended"
	ctl_sh "cat '$_cfg'"
	if ! contains "$GITTOKEN"; then
		control_fail "$_name" "$(why)"
		return
	fi
	control_pass "$_name"
	_before=$(cksum <"$_cfg")
	_sp=$PROJ _sk=$PKG
	PROJ=$_proj PKG=$_pkg
	sb_c "$_read" "$@"
	if ! contains script-ran; then fail "$_name (namespaces)" "the script did not run: $(why)"
	elif contains "$GITTOKEN" || contains appended; then fail "$_name (namespaces)" "$_tag readable or writable: $(why)"
	else pass "$_name (namespaces)"; fi
	if [ "$HAVE_FB" = 1 ]; then
		fb "$@" -- sh -c "$_read"
		if ! contains script-ran; then fail "$_name (fallback)" "the script did not run: $(why)"
		elif contains "$GITTOKEN" || contains appended; then fail "$_name (fallback)" "$_tag readable or writable: $(why)"
		else pass "$_name (fallback)"; fi
	fi
	PROJ=$_sp PKG=$_sk
	[ "$(cksum <"$_cfg")" = "$_before" ] || fail "$_name" "$_tag changed"
}

rows_git() {
	if ! command -v git >/dev/null 2>&1; then
		skip "git: worktree and submodule rows" "git is not installed"
		return
	fi
	if ! make_repos; then
		fail "git: worktree and submodule rows" "could not make the repositories as $WHO"
		return
	fi
	_g=$D/git
	_name="git worktree as the project (.git is a file): scripts run"
	_sp=$PROJ _sk=$PKG
	PROJ=$_g/main/wt2 PKG=$_g/main/wt2/node_modules/p
	sb_c 'echo script-ran'
	if [ "$R_RC" = 0 ] && contains script-ran; then pass "$_name"; else fail "$_name" "$(why)"; fi
	PROJ=$_sp PKG=$_sk
	# the repository is shown (--ro) so that hiding, not absence, is tested
	row_git "git worktree: the repository's config (via gitdir and commondir)" \
		"$_g/main/wt2" "$_g/main/wt2/node_modules/p" "$_g/main/.git/config" --ro "$_g/main"
	row_git "superproject: a submodule's config under .git/modules" \
		"$_g/super" "$_g/super/node_modules/p" "$_g/super/.git/modules/sub/config"
	row_git "submodule as the project (.git is a file): its config" \
		"$_g/super/sub" "$_g/super/sub/node_modules/p" "$_g/super/.git/modules/sub/config" --ro "$_g/super"
}

# --- item 6b: a root caller's script -----------------------------------------
ROOTSECRET=PKGGUARD-SV-ROOTONLY-$$
# a 0600 and a 0640 root:root file in /etc that no list names, in a private
# mount namespace (a tmpfs over /etc/opt there; the host's /etc is untouched)
PRIV_ETC='mount -t tmpfs -o mode=755 tmpfs /etc/opt &&
	echo "$S-600" >/etc/opt/pkgguard-k.conf && chmod 600 /etc/opt/pkgguard-k.conf &&
	echo "$S-640" >/etc/opt/pkgguard-g.conf && chmod 640 /etc/opt/pkgguard-g.conf && exec "$@"'
READ_ETC='echo script-ran; id; cat /etc/opt/pkgguard-k.conf /etc/opt/pkgguard-g.conf'
in_priv_etc() { _run 60 env S="$ROOTSECRET" unshare -m --propagation private sh -c "$PRIV_ETC" etc "$@"; }
WIDE=$BUILD/tests/userns_wide
# fallback as root: in a user namespace mapping 0-65535 (a container's)
FBSH_WIDE='echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"'

rows_root() {
	if [ "$WHO" != root ]; then
		skip "root caller rows" "they run as root only"
		return
	fi
	if [ ! -d /etc/opt ]; then
		skip "root caller rows" "no /etc/opt to mount a private tmpfs on"
		return
	fi
	_name="root: a 0600 and a 0640 root:root file in /etc no profile names"
	in_priv_etc env -i $BASEENV sh -c "$READ_ETC"
	if contains "$ROOTSECRET-600" && contains "$ROOTSECRET-640"; then
		control_pass "$_name"
	else
		control_fail "$_name" "$(why)"
		return
	fi
	in_priv_etc env -i $BASEENV PKGGUARD_PROFILE_PATH="$PROFILES" "$SBX" --pkg-dir "$PKG" --project-dir "$PROJ" -- sh -c "$READ_ETC"
	if ! contains script-ran; then fail "$_name (namespaces)" "$(why)"
	elif contains "$ROOTSECRET"; then fail "$_name (namespaces)" "read: $(why)"
	else pass "$_name (namespaces)"; fi
	if [ "$HAVE_FB" = 1 ]; then
		in_priv_etc env -i $BASEENV PKGGUARD_PROFILE_PATH="$PROFILES" "$WIDE" sh -c "$FBSH_WIDE" fb \
			"$SBX" --pkg-dir "$PKG" --project-dir "$PROJ" -- sh -c "$READ_ETC"
		if ! contains script-ran || ! contains "user namespaces are not available"; then fail "$_name (fallback)" "$(why)"
		elif contains "$ROOTSECRET"; then fail "$_name (fallback)" "read: $(why)"
		else pass "$_name (fallback)"; fi
	fi

	# what the script writes in its package directory is root's afterwards,
	# and it may change the files root installed there
	for _mode in namespaces fallback; do
		_name="root: the package directory stays writable, and what the script wrote is root's ($_mode)"
		[ "$_mode" = fallback ] && [ "$HAVE_FB" != 1 ] && continue
		_d=$PKG/written-$_mode
		rm -rf "$_d"
		mkdir -p "$_d/old"
		echo installed >"$_d/old/file"
		_w="echo new >'$_d/new' && echo more >>'$_d/old/file' && mkdir '$_d/dir' && echo x >'$_d/dir/f' && ln -s new '$_d/link' && echo wrote"
		if [ "$_mode" = namespaces ]; then
			sb_c "$_w"
		else
			_run 60 env -i $BASEENV PKGGUARD_PROFILE_PATH="$PROFILES" "$WIDE" sh -c "$FBSH_WIDE" fb \
				"$SBX" --pkg-dir "$PKG" --project-dir "$PROJ" -- sh -c "$_w"
		fi
		_own=$(find "$PKG" "$_d" "$_d/old" "$_d/old/file" "$_d/new" "$_d/dir" "$_d/dir/f" "$_d/link" -maxdepth 0 -printf '%U:%G\n' 2>/dev/null | sort -u | tr '\n' ' ')
		if ! contains wrote; then fail "$_name" "the script could not write: $(why)"
		elif [ "$_own" != "0:0 " ]; then fail "$_name" "owners afterwards: $_own"
		elif [ "$(cat "$_d/old/file")" != "$(printf 'installed\nmore')" ]; then fail "$_name" "content: $(cat "$_d/old/file")"
		else pass "$_name"; fi
	done
}

# ===================================================================== main
HAVE_FB=0
run_pass() { # WHO UID GID
	make_tree "$1" "$2" "$3"
	use_user "$1"
	if have_fallback; then
		HAVE_FB=1
		rows_supervisor
	else
		HAVE_FB=0
		skip "fallback rows" "cannot simulate a host without user namespaces here: $(lastline 1)"
	fi
	rows_environ
	rows_git
	rows_root
}

run_pass "$(id -un)" "$(id -u)" "$(id -g)"
if [ $IS_ROOT = 1 ]; then
	if id "$TUSER" >/dev/null 2>&1; then
		run_pass "$TUSER" "$(id -u "$TUSER")" "$(id -g "$TUSER")"
	else
		skip "unprivileged pass" "could not create the test user $TUSER"
	fi
fi
done_testing
