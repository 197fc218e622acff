#!/bin/sh
# sandbox.sh — what pkgguard-sandbox must stop, row by row (docs/THREATS.md).
#
# Every ATTACK row first runs its CONTROL: the same probe WITHOUT the sandbox
# must really do the harmful thing (a listener records the connection, the
# file changes, the process dies...). A failed control fails the row as
# vacuous; it never passes. The row itself asserts on the EFFECT on the host
# (listener log, canary file content and mtime, surviving pids), and on the
# probe having really run inside (a sandbox that refuses to start proves
# nothing). Rows that cannot run on this host are skipped with the reason.
#
# Groups of rows: net (TCP/UDP to host listeners on 127.0.0.1, ::1 and the
# host's address, DNS, abstract and /run unix sockets, AF_VSOCK), secrets
# ($HOME and project files, token variables, /proc/*/environ), writes ($HOME,
# /tmp, /dev/shm, project, .git/hooks, .vscode, .github, .claude, systemd user
# units, symlinks; PKG_DIR writable), procs (daemons, signals, ptrace,
# /proc/PID/mem, pid namespace), seccomp (probe syscall NAME, TIOCSTI under a
# pty), privs (setuid, capabilities), view (hostname, /sys, /run, /dev),
# limits (fork bomb, memory, fsize, /tmp and /dev/shm size, timeout), exit
# statuses and CLI, project=/ (npm started from /), fallback without user
# namespaces.
#
# As root, every row runs twice: as root and as a dedicated unprivileged
# user (created here, removed at exit). Where the kernel refuses a syscall to
# the unprivileged user anyway, its control runs as root (noted on the
# control line); such a row then shows the call stays refused, not which
# layer refuses it. Run from the repository top:
#   BUILD=build sh tests/integration/sandbox.sh
#   VERBOSE=1 ...           every command, status and output as # comments
#   PKGGUARD_SANDBOX=FILE   test another engine; with the do-nothing
#                           tests/fixtures/null-sandbox.sh every attack row
#                           must fail (a check of this suite itself)
# Everything started is stopped by pid; every file and the user are removed.
set -u
top=$(pwd)
. "$top/tests/lib.sh"

BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
# PKGGUARD_SANDBOX overrides the engine under test (used to check that every
# attack row fails against an engine that confines nothing).
SB_BUILT=${PKGGUARD_SANDBOX:-$BUILD/pkgguard-sandbox}
case $SB_BUILT in /*) ;; *) SB_BUILT=$top/$SB_BUILT ;; esac
PROBE=$BUILD/tests/probe
PROFILES_TOP=$top/profiles
TUSER=pkgguardtest

now_ms() { date +%s%3N; }

if [ ! -x "$PROBE" ]; then
	fail "setup" "$PROBE is not built (make test-bins)"
	end_suite
fi
case "$top$BUILD" in *" "*)
	fail "setup" "paths with spaces are not supported by this suite"
	end_suite ;;
esac

# The test homes and projects live where real ones do (/home) when we may
# create a directory there, else under /var/tmp (which the sandbox shows
# through its private /tmp). PKGGUARD_IT_BASE chooses another place.
base=${PKGGUARD_IT_BASE:-/home}
[ -d "$base" ] && [ -w "$base" ] || base=/var/tmp
[ -d "$base" ] && [ -w "$base" ] || base=${TMPDIR:-/tmp}
WORK=$(mktemp -d "$base/pkgguard-it.XXXXXX") || { fail setup "mktemp"; end_suite; }
chmod 755 "$WORK"
RUNDIR=""
MADE_USER=0
TRACKED=""   # "pid=marker" pairs, stopped at exit if still ours

track() { TRACKED="$TRACKED $1=$2"; }

# pids whose command line contains MARKER (the grep's own pattern is written
# as [c]rest so it does not match itself)
pids_with() {
	_pat=$(printf '%s' "$1" | sed 's/^\(.\)/[\1]/')
	grep -ls -- "$_pat" /proc/[0-9]*/cmdline 2>/dev/null |
		sed -n 's,^/proc/\([0-9]*\)/cmdline$,\1,p' | tr '\n' ' '
}

# kill PID only while its command line still contains MARKER
kill_if() {
	if [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$2"; then
		kill -KILL "$1" 2>/dev/null
	fi
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
	[ -n "$RUNDIR" ] && rm -rf "$RUNDIR"
	rm -rf "$WORK" /tmp/pkgguard-it-$$-* /dev/shm/pkgguard-it-$$-* \
		/tmp/pkgguard-fill-it$$.* /dev/shm/pkgguard-fill-it$$.* 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ------------------------------------------------------------------ running
# Results of the last run: R_RC (status), R_OUT (stdout), R_ERR (stderr),
# R_MS (wall time), R_CMD (the command, for failure messages).
R_RC=0 R_OUT="" R_ERR="" R_MS=0 R_CMD=""
EXTRAENV=""
SB_TMO=60

_run() {
	_tmo=$1; shift
	R_CMD="$*"
	_t0=$(now_ms)
	(cd "$PKG" && exec timeout -k 2 "$_tmo" "$@") </dev/null >"$WORK/.out" 2>"$WORK/.err"
	R_RC=$?
	R_MS=$(($(now_ms) - _t0))
	R_OUT=$(cat "$WORK/.out")
	R_ERR=$(cat "$WORK/.err")
	if [ "${VERBOSE:-0}" = 1 ]; then # VERBOSE=1: every command and its result as comments
		echo "# [$T_AS] ${R_CMD#*LANG=C } => $R_RC (${R_MS} ms)"
		printf '%s\n' "$R_OUT" "$R_ERR" | grep -v '^$' | head -n 5 | cut -c1-200 | sed 's/^/#    /'
	fi
}
# outside the sandbox, as the current test user / as root
ctl() { _run 30 $AS env -i $BASEENV $EXTRAENV "$@"; }
ctl_root() { _run 30 env -i $BASEENV $EXTRAENV "$@"; }
# inside: sb [pkgguard-sandbox options] -- CMD...
sb() {
	_run "$SB_TMO" $AS env -i $BASEENV $EXTRAENV PKGGUARD_PROFILE_PATH="$PROFILES" \
		"$SBX" --pkg-dir "$PKG" --project-dir "$PROJ" "$@"
}
# script-shell mode, as npm calls it: cwd = PKG_DIR, INIT_CWD = project
sb_c() {
	_run "$SB_TMO" $AS env -i $BASEENV $EXTRAENV INIT_CWD="$PROJ" \
		PKGGUARD_PROFILE_PATH="$PROFILES" "$SBX" -c "$1"
}
# the no-user-namespace fallback, simulated in a user namespace of our own
# whose max_user_namespaces is 0 (the host sysctl is not touched)
FBSH='echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"'
fb_ctl() { _run 30 $AS env -i $BASEENV unshare -Ur sh -c "$FBSH" fb "$@"; }
fb() {
	_run "$SB_TMO" $AS env -i $BASEENV PKGGUARD_PROFILE_PATH="$PROFILES" \
		unshare -Ur sh -c "$FBSH" fb "$SBX" --pkg-dir "$PKG" --project-dir "$PROJ" "$@"
}

lastline() { printf '%s\n%s\n' "$R_OUT" "$R_ERR" | grep -v '^$' | tail -n "${1:-2}" | tr '\n' ' ' | cut -c1-300; }
why() { echo "status $R_RC after ${R_MS} ms: $(lastline 3)[cmd: ${R_CMD#*LANG=C }]"; }
probe_ran() { printf '%s\n' "$R_OUT" | grep -q '^probe [a-z]'; }
lines() { if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi; }
wait_lines() { # FILE N [TENTHS]: until FILE has >= N lines
	_i=0
	while [ "$(lines "$1")" -lt "$2" ]; do
		_i=$((_i + 1))
		[ "$_i" -gt "${3:-30}" ] && return 1
		sleep 0.1
	done
}
# content, size, mtime (ns) and inode: "absent" when there is no such file
fstate() { if [ -e "$1" ]; then echo "$(cksum <"$1") $(stat -c '%s %y %i' "$1" | tr ' ' _)"; else echo absent; fi; }
# a text no earlier write used, so a repeated write still shows
fresh() { echo "$1-$$-$(date +%s%N)"; }
count_existing() { _n=0; for _x in "$@"; do [ -e "$_x" ] && _n=$((_n + 1)); done; echo $_n; }
contains() { printf '%s\n%s\n' "$R_OUT" "$R_ERR" | grep -qF -- "$1"; }

control_pass() { pass "control: $1${2:+ ($2)}"; }
control_fail() { fail "control: $1" "$2"; fail "$1" "vacuous: its control did not do the harmful thing"; }
control_skip() { skip "control: $1" "$2"; skip "$1" "$2"; }
# every sandbox row starts with this
engine() {
	[ -x "$SBX" ] && return 0
	fail "$1" "no engine: $SB_BUILT is not built"
	return 1
}
# requires that the probe printed its line inside (the sandbox really ran it)
ran_or_fail() {
	probe_ran && return 0
	fail "$1" "the probe did not run inside: $(why)"
	return 1
}

# ------------------------------------------------------------------- setup
IS_ROOT=0
[ "$(id -u)" = 0 ] && IS_ROOT=1

cat >"$WORK/limits.conf" <<'EOF'
# test limits: small enough to hit quickly
inherit = "default";
limits = { timeout = 3; nproc = 64; fsize_mb = 5; tmp_mb = 8; shm_mb = 8; data_mb = 256; };
EOF
printf 'this is = not { a profile\n' >"$WORK/broken.conf"
chmod 644 "$WORK/limits.conf" "$WORK/broken.conf"
LIMITS=$WORK/limits.conf

mkdir -p "$WORK/logs"
chmod 755 "$WORK/logs"

# listeners (run as the suite's user, serve every pass)
L_PORT=0
start_listener() { # LOGNAME KIND ADDR [PORT]
	_log=$WORK/logs/$1
	shift
	"$PROBE" listen "$@" "$_log" </dev/null >/dev/null 2>&1 &
	track $! "$_log"
	_i=0
	while [ ! -s "$_log.port" ] && [ $_i -lt 50 ]; do sleep 0.05; _i=$((_i + 1)); done
	L_PORT=$(cat "$_log.port" 2>/dev/null || echo "")
}
start_listener tcp4 tcp 127.0.0.1 0; P_TCP4=$L_PORT
start_listener udp4 udp 127.0.0.1 0; P_UDP4=$L_PORT
HAVE_V6=0
if [ -e /proc/net/if_inet6 ] && grep -q '^0\{31\}1 ' /proc/net/if_inet6; then
	HAVE_V6=1
	start_listener tcp6 tcp ::1 0; P_TCP6=$L_PORT
	start_listener udp6 udp ::1 0; P_UDP6=$L_PORT
fi
HOST_IP=$(ip -4 -o addr show scope global 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | head -n 1)
if [ -n "$HOST_IP" ]; then
	start_listener tcpany tcp 0.0.0.0 0; P_TCPANY=$L_PORT
fi
ABSTRACT=pkgguard-it-$$-$(od -An -N4 -tx4 /dev/urandom | tr -d " ")
start_listener abstract abstract "$ABSTRACT"
if RUNDIR=$(mktemp -d /run/pkgguard-test-XXXXXX 2>/dev/null); then
	chmod 755 "$RUNDIR"
	start_listener runsock unix "$RUNDIR/sock"
else
	RUNDIR=""
fi

# the unprivileged test user
if [ $IS_ROOT = 1 ]; then
	if id "$TUSER" >/dev/null 2>&1; then
		case $(getent passwd "$TUSER" | cut -d: -f6) in
		*/pkgguard-it.*/"$TUSER"/home) userdel "$TUSER" 2>/dev/null ;; # left by a killed run
		esac
	fi
	if ! id "$TUSER" >/dev/null 2>&1 &&
		useradd --system --no-create-home --home-dir "$WORK/$TUSER/home" \
			--shell /bin/sh --user-group "$TUSER" >/dev/null 2>&1; then
		MADE_USER=1
	fi
fi

# per-user tree: $WORK/WHO/{home,project/node_modules/evil-pkg}
make_tree() { # WHO UID GID
	_d=$WORK/$1
	mkdir -p "$_d/home/.ssh" "$_d/project/.git/hooks" "$_d/project/.github/workflows" \
		"$_d/project/.vscode" "$_d/project/.claude" "$_d/project/node_modules/evil-pkg" \
		"$_d/home/.config/systemd/user" "$_d/home/.aws" \
		"$_d/home/src/app/node_modules/p"
	printf 'PKGGUARD-CANARY-SSH-%s-%s\n' "$$" "$1" >"$_d/home/.ssh/id_test"
	printf '//registry.npmjs.org/:_authToken=npm_PKGGUARDCANARYHOME%s\n' "$$" >"$_d/home/.npmrc"
	printf 'PKGGUARD-CANARY-PROFILE-%s\n' "$$" >"$_d/home/.profile"
	printf '[default]\naws_secret_access_key = PKGGUARD-CANARY-AWS-%s\n' "$$" >"$_d/home/.aws/credentials"
	printf '{"name":"app","version":"1.0.0"}\n' >"$_d/home/src/app/package.json"
	printf '//registry.npmjs.org/:_authToken=npm_PKGGUARDCANARYPROJ%s\n' "$$" >"$_d/project/.npmrc"
	printf 'DB_PASSWORD=PKGGUARD-CANARY-DOTENV-%s\n' "$$" >"$_d/project/.env"
	printf '{"name":"app","version":"1.0.0","dependencies":{"evil-pkg":"1.0.0"}}\n' >"$_d/project/package.json"
	printf '{"name":"evil-pkg","version":"1.0.0"}\n' >"$_d/project/node_modules/evil-pkg/package.json"
	cp "$PROBE" "$_d/project/node_modules/evil-pkg/probe"
	cp "$PROBE" "$_d/home/src/app/node_modules/p/probe"
	chown -R "$2:$3" "$_d"
	chmod 755 "$_d" "$_d/project"
	chmod 700 "$_d/home" "$_d/home/.ssh"
	chmod 755 "$_d/project/node_modules/evil-pkg/probe" "$_d/home/src/app/node_modules/p/probe"
	if [ "$2" != 0 ] && [ $IS_ROOT = 1 ]; then
		# a setuid-root copy of the probe, in the project (visible inside)
		cp "$PROBE" "$_d/project/suid-probe"
		chown 0:0 "$_d/project/suid-probe"
		chmod 4755 "$_d/project/suid-probe"
	fi
}

# selects the pass: WHO, the tree, how to run as WHO, which binaries to use
use_user() { # WHO
	WHO=$1
	T_AS=$WHO
	D=$WORK/$WHO
	UHOME=$D/home
	PROJ=$D/project
	PKG=$PROJ/node_modules/evil-pkg
	PPROBE=$PKG/probe
	BASEENV="HOME=$UHOME USER=$WHO LOGNAME=$WHO PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C"
	SBX=$SB_BUILT
	PROFILES=$PROFILES_TOP
	if [ "$WHO" = "$TUSER" ]; then
		AS="setpriv --reuid=$(id -u "$TUSER") --regid=$(id -g "$TUSER") --clear-groups --"
		# the engine and profiles must be readable by the user
		if [ -x "$SB_BUILT" ] && ! $AS sh -c "test -x '$SB_BUILT' && test -r '$PROFILES_TOP/default.conf'" 2>/dev/null; then
			mkdir -p "$WORK/bin" "$WORK/profiles"
			cp "$SB_BUILT" "$WORK/bin/" && cp -r "$PROFILES_TOP/." "$WORK/profiles/"
			chmod -R a+rX "$WORK/bin" "$WORK/profiles"
			SBX=$WORK/bin/pkgguard-sandbox
			PROFILES=$WORK/profiles
		fi
	else
		AS=""
	fi
}

# ===================================================================== rows

# --- network --------------------------------------------------------------
row_net() { # NAME PROTO HOST PORT LOG
	_name=$1 _proto=$2 _host=$3 _port=$4 _log=$WORK/logs/$5
	_b=$(lines "$_log")
	ctl "$PPROBE" "$_proto" "$_host" "$_port"
	if [ "$R_RC" = 0 ] && wait_lines "$_log" $((_b + 1)); then
		control_pass "$_name"
	else
		control_fail "$_name" "the listener recorded nothing: $(why)"
		return
	fi
	engine "$_name" || return
	_b=$(lines "$_log")
	sb -- "$PPROBE" "$_proto" "$_host" "$_port"
	sleep 0.3
	_a=$(lines "$_log")
	ran_or_fail "$_name" || return
	if [ "$_a" = "$_b" ]; then pass "$_name"; else fail "$_name" "the host listener recorded $((_a - _b)) arrival(s): $(why)"; fi
}

row_dns() {
	_name="net: DNS lookup of example.com gets no answer"
	ctl "$PPROBE" dns example.com
	if [ "$R_RC" = 0 ]; then
		control_pass "$_name" "$R_OUT"
	elif contains EAI_AGAIN; then
		control_skip "$_name" "no DNS resolver answers on this host, the control cannot show a lookup"
		return
	else
		control_fail "$_name" "$(why)"
		return
	fi
	engine "$_name" || return
	sb -- "$PPROBE" dns example.com
	ran_or_fail "$_name" || return
	if [ "$R_RC" = 1 ]; then pass "$_name"; else fail "$_name" "a resolver answered inside: $(why)"; fi
}

# Whatever DNS does here: /etc/hosts needs no resolver, so this row runs
# without one (its control: the same lookup on the host).
row_hosts() {
	_name="works: /etc/hosts lookup of localhost inside"
	ctl "$PPROBE" dns localhost
	if [ "$R_RC" != 0 ]; then
		skip "$_name" "localhost does not resolve on the host either (no localhost line in /etc/hosts?): $(why)"
		return
	fi
	engine "$_name" || return
	sb -- "$PPROBE" dns localhost
	if [ "$R_RC" = 0 ]; then pass "$_name"; else fail "$_name" "$(why)"; fi
}

row_unix() { # NAME KIND ADDR LOG
	_name=$1 _kind=$2 _addr=$3 _log=$WORK/logs/$4
	_b=$(lines "$_log")
	ctl "$PPROBE" "$_kind" "$_addr"
	if [ "$R_RC" = 0 ] && wait_lines "$_log" $((_b + 1)); then
		control_pass "$_name"
	else
		control_fail "$_name" "the listener recorded nothing: $(why)"
		return
	fi
	engine "$_name" || return
	_b=$(lines "$_log")
	sb -- "$PPROBE" "$_kind" "$_addr"
	sleep 0.2
	_a=$(lines "$_log")
	ran_or_fail "$_name" || return
	if [ "$_a" = "$_b" ] && [ "$R_RC" != 0 ]; then pass "$_name"; else fail "$_name" "connected to the host socket: $(why)"; fi
}

rows_network() {
	row_net "net: TCP to a host listener on 127.0.0.1" tcp 127.0.0.1 "$P_TCP4" tcp4
	row_net "net: UDP to a host listener on 127.0.0.1" udp 127.0.0.1 "$P_UDP4" udp4
	if [ $HAVE_V6 = 1 ]; then
		row_net "net: TCP to a host listener on ::1" tcp ::1 "$P_TCP6" tcp6
		row_net "net: UDP to a host listener on ::1" udp ::1 "$P_UDP6" udp6
	else
		control_skip "net: TCP/UDP to ::1" "the host has no ::1"
	fi
	if [ -n "$HOST_IP" ]; then
		row_net "net: TCP to the host's own non-loopback address" tcp "$HOST_IP" "$P_TCPANY" tcpany
	else
		control_skip "net: TCP to the host's own address" "the host has no global IPv4 address"
	fi
	row_dns
	row_hosts
	row_unix "net: connect to a host abstract unix socket" abstract "$ABSTRACT" abstract
	if [ -n "$RUNDIR" ]; then
		row_unix "net: connect to a unix socket under /run" unix "$RUNDIR/sock" runsock
	else
		control_skip "net: connect to a unix socket under /run" "cannot create a socket under /run as $(id -un)"
	fi
	_name="net: AF_VSOCK socket (host/hypervisor channel) refused"
	row_syscall socket-vsock "$_name"
}

# --- secrets --------------------------------------------------------------
row_read() { # NAME PATH CANARY
	_name=$1 _path=$2 _canary=$3
	ctl "$PPROBE" read "$_path"
	if [ "$R_RC" = 0 ] && contains "$_canary"; then
		control_pass "$_name"
	else
		control_fail "$_name" "$(why)"
		return
	fi
	engine "$_name" || return
	sb -- "$PPROBE" read "$_path"
	ran_or_fail "$_name" || return
	if contains "$_canary"; then
		fail "$_name" "the secret was read inside: $(why)"
	elif [ "$R_RC" = 0 ]; then
		fail "$_name" "the file was readable (other content): $(why)"
	else
		pass "$_name"
	fi
}

TOKENS="NPM_TOKEN=npm_PKGGUARDCANARY1 GITHUB_TOKEN=ghp_PKGGUARDCANARY2 AWS_SECRET_ACCESS_KEY=PKGGUARDCANARY3 npm_config__authToken=PKGGUARDCANARY4 AWS_ACCESS_KEY_ID=AKIAPKGGUARDCANARY5 npm_config__auth=PKGGUARDCANARY6 MY_API_SECRET=PKGGUARDCANARY7 CI_JOB_TOKEN=PKGGUARDCANARY8"
leaked_tokens() {
	_leaked=""
	for _t in $TOKENS; do
		contains "${_t#*=}" && _leaked="$_leaked ${_t%%=*}"
	done
	echo "$_leaked"
}

row_env_tokens() {
	_name="secrets: token environment variables are stripped"
	EXTRAENV=$TOKENS
	ctl env
	_l=$(leaked_tokens)
	if [ "$R_RC" = 0 ] && [ "$(echo $_l | wc -w)" = "$(echo $TOKENS | wc -w)" ]; then
		control_pass "$_name"
		if engine "$_name"; then
			sb -- sh -c 'echo "probe env: ran"; env'
			if ran_or_fail "$_name"; then
				_l=$(leaked_tokens)
				if [ -z "$_l" ]; then pass "$_name"; else fail "$_name" "visible inside:$_l"; fi
			fi
		fi
	else
		control_fail "$_name" "env outside shows only:$_l"
	fi

	_name="secrets: tokens stripped in script-shell (-c) mode"
	if engine "$_name"; then
		sb_c 'echo "probe env: ran"; env'
		if ran_or_fail "$_name"; then
			_l=$(leaked_tokens)
			if [ -z "$_l" ]; then pass "$_name"; else fail "$_name" "visible inside:$_l"; fi
		fi
	fi

	_name="secrets: tokens not readable from /proc/*/environ inside"
	ctl sh -c 'cat /proc/self/environ'
	if contains PKGGUARDCANARY1; then
		control_pass "$_name"
		if engine "$_name"; then
			sb -- sh -c 'echo "probe environ: ran"; for f in /proc/[0-9]*/environ; do cat "$f"; echo; done 2>/dev/null'
			if ran_or_fail "$_name"; then
				_l=$(leaked_tokens)
				if [ -z "$_l" ]; then pass "$_name"; else fail "$_name" "readable in some /proc/PID/environ:$_l"; fi
			fi
		fi
	else
		control_fail "$_name" "$(why)"
	fi
	EXTRAENV=""
}

rows_secrets() {
	row_read "secrets: read ~/.ssh/id_test" "$UHOME/.ssh/id_test" "PKGGUARD-CANARY-SSH-$$"
	row_read "secrets: read ~/.npmrc" "$UHOME/.npmrc" "PKGGUARDCANARYHOME$$"
	row_read "secrets: read ~/.aws/credentials" "$UHOME/.aws/credentials" "PKGGUARD-CANARY-AWS-$$"
	row_read "secrets: read \${PROJECT_DIR}/.npmrc" "$PROJ/.npmrc" "PKGGUARDCANARYPROJ$$"
	row_read "secrets: read \${PROJECT_DIR}/.env" "$PROJ/.env" "PKGGUARD-CANARY-DOTENV-$$"
	if [ "$WHO" = root ]; then
		row_read "secrets: read /etc/shadow" /etc/shadow "root:"
	else
		control_skip "secrets: read /etc/shadow" "unreadable for $WHO even outside; covered by the root pass"
	fi
	row_env_tokens
}

# --- writes ---------------------------------------------------------------
# row_write NAME PATH: the control creates PATH.ctl (or, for an existing
# PATH, overwrites a copy PATH.ctl); inside, writing PATH must leave the host
# PATH exactly as it was.
row_write() {
	_name=$1 _path=$2
	_ctlp=$_path.pkgguard-ctl
	[ -e "$_path" ] && cp -p "$_path" "$_ctlp"
	_before=$(fstate "$_ctlp")
	ctl "$PPROBE" write "$_ctlp" "control-$$"
	_after=$(fstate "$_ctlp")
	if [ "$R_RC" = 0 ] && [ "$_before" != "$_after" ] && grep -q "control-$$" "$_ctlp" 2>/dev/null; then
		control_pass "$_name"
	else
		control_fail "$_name" "$(why)"
		rm -f "$_ctlp"
		return
	fi
	rm -f "$_ctlp"
	engine "$_name" || return
	_before=$(fstate "$_path")
	sb -- "$PPROBE" write "$_path" "$(fresh sandbox)"
	_after=$(fstate "$_path")
	ran_or_fail "$_name" || return
	if [ "$_before" = "$_after" ]; then
		pass "$_name"
	else
		fail "$_name" "the host file changed ($_before -> $_after): $(why)"
	fi
	case $_path in "$UHOME"/*|"$PROJ"/*) ;; *) [ "$_before" = absent ] && rm -f "$_path" ;; esac
}

rows_writes() {
	row_write "write: new file in \$HOME" "$UHOME/pkgguard-new"
	row_write "write: overwrite ~/.profile" "$UHOME/.profile"
	row_write "write: new file in the host /tmp" "/tmp/pkgguard-it-$$-$WHO"
	row_write "write: new file in the host /dev/shm" "/dev/shm/pkgguard-it-$$-$WHO"
	row_write "write: new file in \${PROJECT_DIR}" "$PROJ/pkgguard-new"
	row_write "write: overwrite \${PROJECT_DIR}/package.json" "$PROJ/package.json"
	row_write "write: \${PROJECT_DIR}/.git/hooks/post-checkout" "$PROJ/.git/hooks/post-checkout"
	row_write "write: \${PROJECT_DIR}/.vscode/tasks.json" "$PROJ/.vscode/tasks.json"
	row_write "write: \${PROJECT_DIR}/.github/workflows/x.yml" "$PROJ/.github/workflows/x.yml"
	row_write "write: systemd user unit in \$HOME (persistence)" "$UHOME/.config/systemd/user/pkgguard-evil.service"
	row_write "write: \${PROJECT_DIR}/.claude/settings.json" "$PROJ/.claude/settings.json"
	row_write "write: a host directory outside every bind" "$D/outside-canary"

	_name="write: through a symlink in \${PKG_DIR} to \${PROJECT_DIR}/package.json"
	cp -p "$PROJ/package.json" "$PROJ/package.json.ctl"
	ln -sf "$PROJ/package.json.ctl" "$PKG/link-ctl"
	ln -sf "$PROJ/package.json" "$PKG/link"
	[ $IS_ROOT = 1 ] && chown -h "$(stat -c %u:%g "$PKG")" "$PKG/link-ctl" "$PKG/link"
	ctl "$PPROBE" write "$PKG/link-ctl" "control-$$"
	if [ "$R_RC" = 0 ] && grep -q "control-$$" "$PROJ/package.json.ctl"; then
		control_pass "$_name"
		if engine "$_name"; then
			_before=$(fstate "$PROJ/package.json")
			sb -- "$PPROBE" write "$PKG/link" "$(fresh sandbox)"
			if ran_or_fail "$_name"; then
				if [ "$(fstate "$PROJ/package.json")" = "$_before" ]; then pass "$_name"; else fail "$_name" "the project file changed: $(why)"; fi
			fi
		fi
	else
		control_fail "$_name" "$(why)"
	fi
	rm -f "$PROJ/package.json.ctl" "$PKG/link-ctl" "$PKG/link"

	_name="works: writes inside \${PKG_DIR} persist on the host"
	if engine "$_name"; then
		sb -- "$PPROBE" write "$PKG/built.txt" "built-$$"
		if [ "$R_RC" = 0 ] && grep -q "built-$$" "$PKG/built.txt" 2>/dev/null; then pass "$_name"; else fail "$_name" "$(why)"; fi
	fi

	_name="works: \$HOME inside is empty and writable (ephemeral)"
	if engine "$_name"; then
		sb -- sh -c 'echo "probe home: $(ls -A "$HOME" | tr "\n" " ")"; echo x > "$HOME/.cache-test" && echo "probe home-write: ok"'
		if [ "$R_RC" = 0 ] && printf '%s\n' "$R_OUT" | grep -q '^probe home: *$' && contains "probe home-write: ok" &&
			[ ! -e "$UHOME/.cache-test" ]; then
			pass "$_name"
		else
			fail "$_name" "$(why)"
		fi
	fi

	_name="works: project under \$HOME is visible, the rest of \$HOME is not"
	if engine "$_name"; then
		_app=$UHOME/src/app
		_run "$SB_TMO" $AS env -i $BASEENV PKGGUARD_PROFILE_PATH="$PROFILES" "$SBX" \
			--pkg-dir "$_app/node_modules/p" --project-dir "$_app" -- \
			sh -c "'$_app/node_modules/p/probe' read '$_app/package.json'; '$_app/node_modules/p/probe' read '$UHOME/.ssh/id_test'"
		if printf '%s\n' "$R_OUT" | grep -q "^probe read: ok: .*app" && ! contains "PKGGUARD-CANARY-SSH-$$"; then
			pass "$_name"
		else
			fail "$_name" "$(why)"
		fi
	fi
}

# --- processes ------------------------------------------------------------
# FILE stops growing and no process mentions MARKER; sets R_WHY on failure
gone_and_still() { # FILE MARKER
	_s1=$(lines "$1")
	sleep 0.5
	_s2=$(lines "$1")
	_left=$(pids_with "$2")
	R_WHY=""
	[ -n "$_left" ] && R_WHY="processes left: $_left (killed now)"
	[ "$_s1" != "$_s2" ] && R_WHY="$R_WHY; $1 still grows ($_s1 -> $_s2 lines)"
	for _p in $_left; do kill -KILL "$_p" 2>/dev/null; done
	[ -z "$R_WHY" ]
}

row_daemon() {
	_name="procs: double-forked setsid daemon dies with the script"
	_f=$PKG/daemon-ctl.log
	ctl "$PPROBE" daemon "$_f" 10
	_pid=$(printf '%s\n' "$R_OUT" | sed -n 's/.*daemon pid \([0-9]*\).*/\1/p')
	[ -n "$_pid" ] && track "$_pid" "$_f"
	if [ "$R_RC" = 0 ] && [ -n "$_pid" ] && sleep 0.5 && kill -0 "$_pid" 2>/dev/null &&
		_n1=$(lines "$_f") && sleep 0.3 && [ "$(lines "$_f")" -gt "$_n1" ]; then
		control_pass "$_name" "daemon $_pid survived the probe"
	else
		control_fail "$_name" "$(why)"
	fi
	[ -n "$_pid" ] && kill_if "$_pid" "$_f"
	if engine "$_name"; then
		_f=$PKG/daemon-sb.log
		sb -- "$PPROBE" daemon "$_f" 10
		if ran_or_fail "$_name"; then
			if [ "$R_MS" -gt 8000 ]; then
				fail "$_name" "the sandbox waited for the daemon (${R_MS} ms): $(why)"
				gone_and_still "$_f" "$_f"
			elif gone_and_still "$_f" "$_f"; then pass "$_name"; else fail "$_name" "$R_WHY [cmd: ${R_CMD#*LANG=C }]"; fi
		fi
	fi

	_name="procs: 'setsid nohup ... &' from a -c script dies with it"
	_f=$PKG/nohup-ctl.log
	_loop="echo \$\$ > $_f.pid; i=0; while [ \$i -lt 100 ]; do echo x >> $_f; i=\$((i+1)); sleep 0.1; done"
	ctl sh -c "setsid nohup sh -c '$_loop' >/dev/null 2>&1 &"
	sleep 0.5
	_pid=$(cat "$_f.pid" 2>/dev/null)
	[ -n "$_pid" ] && track "$_pid" "$_f"
	if [ -n "$_pid" ] && kill -0 "$_pid" 2>/dev/null && _n1=$(lines "$_f") && sleep 0.3 && [ "$(lines "$_f")" -gt "$_n1" ]; then
		control_pass "$_name" "pid $_pid survived"
	else
		control_fail "$_name" "no surviving writer: $(why)"
	fi
	[ -n "$_pid" ] && kill_if "$_pid" "$_f"
	if engine "$_name"; then
		_f=$PKG/nohup-sb.log
		_loop="i=0; while [ \$i -lt 100 ]; do echo x >> $_f; i=\$((i+1)); sleep 0.1; done"
		sb_c "setsid nohup sh -c '$_loop' >/dev/null 2>&1 & sleep 0.3; echo 'probe nohup: started'"
		if ran_or_fail "$_name"; then
			if [ "$(lines "$_f")" = 0 ]; then
				fail "$_name" "the background job never ran inside, nothing shown: $(why)"
			elif gone_and_still "$_f" "$_f"; then pass "$_name"; else fail "$_name" "$R_WHY [cmd: ${R_CMD#*LANG=C }]"; fi
		fi
	fi
}

# a sleep of the test user, recognisable by its argument
start_target() { # MARKER(seconds)
	$AS sleep "$1" </dev/null >/dev/null 2>&1 &
	T_PID=$!
	track "$T_PID" "$1"
	sleep 0.05
}

row_signal() {
	_name="procs: signal a host process"
	start_target "3011.$$"
	ctl "$PPROBE" kill "$T_PID" 15
	sleep 0.2
	if [ "$R_RC" = 0 ] && ! kill -0 "$T_PID" 2>/dev/null; then
		control_pass "$_name"
	else
		control_fail "$_name" "$(why)"
	fi
	kill_if "$T_PID" "3011.$$"
	wait "$T_PID" 2>/dev/null
	engine "$_name" || return
	start_target "3012.$$"
	sb -- "$PPROBE" kill "$T_PID" 15
	sleep 0.2
	if ! ran_or_fail "$_name"; then :
	elif kill -0 "$T_PID" 2>/dev/null; then pass "$_name"
	else fail "$_name" "the host process $T_PID died: $(why)"; fi
	kill_if "$T_PID" "3012.$$"
}

row_trace() { # NAME SUBCMD
	_name=$1 _sub=$2
	start_target "3013.$$"
	ctl "$PPROBE" "$_sub" "$T_PID" "3013.$$"
	if [ "$R_RC" = 0 ]; then control_pass "$_name"; else control_fail "$_name" "$(why)"; fi
	if [ "$R_RC" = 0 ] && engine "$_name"; then
		sb -- "$PPROBE" "$_sub" "$T_PID" "3013.$$"
		if ran_or_fail "$_name"; then
			if [ "$R_RC" = 1 ]; then pass "$_name"; else fail "$_name" "$(why)"; fi
		fi
	fi
	kill_if "$T_PID" "3013.$$"
}

rows_processes() {
	row_daemon
	row_signal
	row_trace "procs: ptrace (PTRACE_SEIZE) a host process" ptrace
	row_trace "procs: read /proc/PID/mem of a host process" procmem

	_name="procs: host processes are invisible (own pid namespace)"
	start_target "3014.$$"
	ctl sh -c "echo 'probe ls:'; ls /proc"
	if contains "$T_PID"; then control_pass "$_name"; else control_fail "$_name" "$(why)"; fi
	if engine "$_name"; then
		sb -- sh -c "echo 'probe ls:'; ls /proc; echo 'probe cmdlines:'; cat /proc/[0-9]*/cmdline | tr '\0' ' '"
		if ran_or_fail "$_name"; then
			if printf '%s\n' "$R_OUT" | grep -qx "$T_PID" || contains "3014.$$"; then
				fail "$_name" "host pid $T_PID is visible inside"
			else
				pass "$_name"
			fi
		fi
	fi
	kill_if "$T_PID" "3014.$$"
}

# --- kernel surface -------------------------------------------------------
row_syscall() { # SYSCALL [NAME]
	_sc=$1
	_name=${2:-"seccomp: $1"}
	ctl "$PPROBE" syscall "$_sc"
	_croot=""
	if [ "$R_RC" != 0 ] && [ "$WHO" != root ] && [ $IS_ROOT = 1 ] && ! contains ENOSYS && ! contains unsupported; then
		ctl_root "$PPROBE" syscall "$_sc"
		_croot=" as root"
	fi
	# a user refused outside too: the row shows the sandbox grants nothing
	# more (e.g. through its user namespace), not that seccomp refuses it
	[ -n "$_croot" ] && [ "$R_RC" = 0 ] && _name="$_name (refused to $WHO outside too)"
	if [ "$R_RC" = 0 ]; then
		control_pass "$_name" "outside$_croot: ${R_OUT#probe }"
	elif contains ENOSYS || contains unsupported; then
		control_skip "$_name" "this kernel lacks it: ${R_OUT#probe }"
		return
	elif [ $IS_ROOT = 0 ] && contains EPERM; then
		control_skip "$_name" "refused to $WHO outside too; the control needs root"
		return
	else
		control_fail "$_name" "$(why)"
		return
	fi
	engine "$_name" || return
	sb -- "$PPROBE" syscall "$_sc"
	ran_or_fail "$_name" || return
	if [ "$R_RC" = 1 ]; then pass "$_name"; else fail "$_name" "$(why)"; fi
}

row_tiocsti() { # SYSCALL NAME
	_sc=$1 _name=$2
	ctl "$PPROBE" ptyrun "$PPROBE" syscall "$_sc"
	if [ "$R_RC" = 0 ]; then
		control_pass "$_name" "${R_OUT##*probe ptyrun: }"
	else
		control_fail "$_name" "$(why)"
		return
	fi
	engine "$_name" || return
	_run "$SB_TMO" $AS env -i $BASEENV PKGGUARD_PROFILE_PATH="$PROFILES" "$PPROBE" ptyrun \
		"$SBX" --pkg-dir "$PKG" --project-dir "$PROJ" -- "$PPROBE" syscall "$_sc"
	ran_or_fail "$_name" || return
	if [ "$R_RC" = 1 ] && contains "probe syscall $_sc: refused"; then
		pass "$_name"
	else
		fail "$_name" "$(why)"
	fi
}

row_setuid() {
	_name="privs: setuid-root binary gains nothing"
	if [ "$WHO" = root ]; then
		control_skip "$_name" "root has nothing to gain; runs in the unprivileged pass"
		return
	fi
	if [ ! -u "$PROJ/suid-probe" ]; then
		control_skip "$_name" "no setuid copy (needs root to create)"
		return
	fi
	ctl "$PPROBE" setuid "$PROJ/suid-probe"
	if [ "$R_RC" = 0 ]; then control_pass "$_name" "${R_OUT#probe }"; else control_fail "$_name" "$(why)"; return; fi
	engine "$_name" || return
	sb -- "$PPROBE" setuid "$PROJ/suid-probe"
	ran_or_fail "$_name" || return
	if [ "$R_RC" = 1 ]; then pass "$_name"; else fail "$_name" "$(why)"; fi
}

rows_kernel() {
	for _s in unshare-user unshare-mount unshare-net setns clone-newuser clone-newns clone3 \
		mount umount2 pivot_root chroot ptrace-traceme process_vm_readv process_vm_writev \
		bpf perf_event_open userfaultfd io_uring_setup io_uring_enter io_uring_register \
		keyctl add_key request_key kexec_load init_module finit_module delete_module \
		open_by_handle_at personality ioctl-tioclinux socket-packet socket-netlink-audit \
		int80 x32; do
		row_syscall "$_s"
	done
	row_tiocsti ioctl-tiocsti "seccomp: TIOCSTI with the upper 32 bits set injects nothing"
	row_tiocsti ioctl-tiocsti-plain "seccomp: TIOCSTI injects nothing"
	row_setuid

	_name="privs: no capabilities, no_new_privs set"
	if engine "$_name"; then
		sb -- sh -c 'echo "probe status: ran"; grep -E "^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs):" /proc/self/status'
		if ran_or_fail "$_name"; then
			_bad=$(printf '%s\n' "$R_OUT" | grep -E '^Cap' | grep -v '0000000000000000$')
			if [ -z "$_bad" ] && printf '%s\n' "$R_OUT" | grep -Eq '^NoNewPrivs:[[:space:]]*1$'; then
				pass "$_name"
			else
				fail "$_name" "$(printf '%s' "$R_OUT" | tr '\n\t' '  ')"
			fi
		fi
	fi

	for _w in socket-unix socket-inet socket-netlink-route; do
		_name="works: $_w can be created"
		if engine "$_name"; then
			sb -- "$PPROBE" syscall "$_w"
			if [ "$R_RC" = 0 ]; then pass "$_name"; else fail "$_name" "$(why)"; fi
		fi
	done
}

# --- view of the system ---------------------------------------------------
rows_view() {
	_name="view: hostname is pkgguard"
	ctl uname -n
	if [ "$R_OUT" != pkgguard ]; then control_pass "$_name" "outside: $R_OUT"; else control_fail "$_name" "host is already named pkgguard"; fi
	if engine "$_name"; then
		sb -- uname -n
		if [ "$R_RC" = 0 ] && [ "$R_OUT" = pkgguard ]; then pass "$_name"; else fail "$_name" "$(why)"; fi
	fi

	_name="view: no /sys, empty /run, minimal /dev without tty"
	if engine "$_name"; then
		sb -- sh -c 'echo "probe view: ran"; echo "sys: $(ls -A /sys 2>/dev/null | wc -l)"; echo "run: $(ls -A /run 2>/dev/null | tr "\n" " ")"; echo "dev: $(ls -A /dev | tr "\n" " ")"; for d in null zero full random urandom; do [ -c /dev/$d ] || echo "missing /dev/$d"; done'
		if ran_or_fail "$_name"; then
			_devbad=$(printf '%s\n' "$R_OUT" | sed -n 's/^dev: //p' | tr ' ' '\n' |
				grep -Ev '^(|null|zero|full|random|urandom|shm|fd|stdin|stdout|stderr|pts|ptmx|mqueue|core)$' | tr '\n' ' ')
			if printf '%s\n' "$R_OUT" | grep -qx 'sys: 0' && printf '%s\n' "$R_OUT" | grep -Eqx 'run: *' &&
				[ -z "$_devbad" ] && ! contains missing; then
				pass "$_name"
			else
				fail "$_name" "unexpected: ${_devbad:+/dev has $_devbad; }$(printf '%s' "$R_OUT" | tr '\n' ';' | cut -c1-400)"
			fi
		fi
	fi

	_name="works: node runs and writes into \${PKG_DIR}"
	if ! command -v node >/dev/null 2>&1; then
		skip "$_name" "node is not installed"
	elif engine "$_name"; then
		_nd=$(command -v node)
		sb -- "$_nd" -e "require('fs').writeFileSync('node-ok.txt', 'ok-$$'); console.log('probe node: ok')"
		if [ "$R_RC" = 0 ] && grep -q "ok-$$" "$PKG/node-ok.txt" 2>/dev/null; then pass "$_name"; else fail "$_name" "$(why)"; fi
	fi
}

# --- limits ---------------------------------------------------------------
rows_limits() {
	_name="limits: fork bomb ends within nproc and timeout, leaves nothing"
	_f=$PKG/forkbomb-ctl
	ctl "$PPROBE" forkbomb 200 10 "$_f"
	if [ "$R_RC" = 0 ]; then control_pass "$_name" "${R_OUT#probe }"; else control_fail "$_name" "$(why)"; fi
	rm -f "$_f"
	if [ "$R_RC" = 0 ] && engine "$_name"; then
		_f=$PKG/forkbomb-sb
		SB_TMO=40
		sb --profile "$LIMITS" -- "$PPROBE" forkbomb 400 60 "$_f"
		SB_TMO=60
		_n=$(($(stat -c %s "$_f" 2>/dev/null || echo 0) / 2))
		# RLIMIT_NPROC (64 here) does not hold for a real uid 0; for root the
		# bound is the pid namespace's pid_max, whose kernel floor is 301.
		_bound=64
		[ "$T_AS" = root ] && _bound=300
		_left=$(pids_with "$_f")
		for _p in $_left; do kill -KILL "$_p" 2>/dev/null; done
		if [ "$_n" = 0 ]; then
			fail "$_name" "the bomb never ran inside: $(why)"
		elif [ "$R_MS" -gt 10000 ]; then
			fail "$_name" "the sandbox did not end within its 3 s timeout: $(why)"
		elif [ "$_n" -gt "$_bound" ]; then
			fail "$_name" "the bomb created $_n processes (bound is $_bound): $(why)"
		elif [ -n "$_left" ]; then
			fail "$_name" "processes left: $_left: $(why)"
		elif [ "$R_RC" = 0 ]; then
			fail "$_name" "the bomb succeeded: $(why)"
		else
			pass "$_name"
		fi
	fi

	_name="limits: memory hog fails"
	ctl "$PPROBE" memhog 512
	if [ "$R_RC" = 0 ]; then control_pass "$_name"; else control_fail "$_name" "$(why)"; fi
	if [ "$R_RC" = 0 ] && engine "$_name"; then
		SB_TMO=30
		sb --profile "$LIMITS" -- "$PPROBE" memhog 512
		SB_TMO=60
		if [ "$R_RC" = 1 ] && contains "probe memhog: refused"; then pass "$_name"
		elif [ "$R_RC" -gt 128 ] && [ "$R_RC" != 124 ] && [ "$R_MS" -lt 20000 ]; then pass "$_name"
		else fail "$_name" "$(why)"; fi
	fi

	_name="limits: a file beyond fsize_mb fails"
	_f=$PKG/big-ctl
	ctl "$PPROBE" fill "$_f" 20
	if [ "$R_RC" = 0 ] && [ "$(stat -c %s "$_f" 2>/dev/null)" = 20971520 ]; then control_pass "$_name"; else control_fail "$_name" "$(why)"; fi
	_ok=$R_RC
	rm -f "$_f"
	if [ "$_ok" = 0 ] && engine "$_name"; then
		_f=$PKG/big-sb
		sb --profile "$LIMITS" -- "$PPROBE" fill "$_f" 20
		_sz=$(stat -c %s "$_f" 2>/dev/null || echo 0)
		if ran_or_fail "$_name"; then
			if [ "$R_RC" = 1 ] && contains EFBIG && [ "$_sz" -le 5242880 ]; then pass "$_name"
			else fail "$_name" "file is $_sz bytes: $(why)"; fi
		fi
		rm -f "$_f"
	fi

	for _dir in /tmp /dev/shm; do
		_name="limits: filling $_dir ends with ENOSPC at the profile's size"
		mkdir -p "$D/fill-ctl"
		chown "$(stat -c %u:%g "$D")" "$D/fill-ctl"
		ctl "$PPROBE" fillmany "$D/fill-ctl" 20
		if [ "$R_RC" = 0 ]; then control_pass "$_name"; else control_fail "$_name" "$(why)"; fi
		_ok=$R_RC
		rm -rf "$D/fill-ctl"
		if [ "$_ok" = 0 ] && engine "$_name"; then
			_pre=$(count_existing "$_dir"/pkgguard-fill-it$$.*)
			sb --profile "$LIMITS" -- "$PPROBE" fillmany "$_dir" 20 "it$$"
			_post=$(count_existing "$_dir"/pkgguard-fill-it$$.*)
			rm -f "$_dir"/pkgguard-fill-it$$.*
			if ran_or_fail "$_name"; then
				if [ "$R_RC" = 1 ] && contains ENOSPC && [ "$_post" = "$_pre" ]; then pass "$_name"
				else fail "$_name" "host $_dir fill files: $_pre -> $_post: $(why)"; fi
			fi
		fi
	done

	_name="limits: wall-clock timeout gives 124 and kills everything"
	if engine "$_name"; then
		SB_TMO=30
		sb --profile "$LIMITS" -- sh -c "echo 'probe timeout: started'; sleep 3021.$$ & sleep 3022.$$"
		SB_TMO=60
		_left=$(pids_with "302[12].$$")
		for _p in $_left; do kill -KILL "$_p" 2>/dev/null; done
		if [ "$R_RC" = 124 ] && [ "$R_MS" -ge 2500 ] && [ "$R_MS" -lt 10000 ] && [ -z "$_left" ] &&
			printf '%s\n' "$R_ERR" | grep -Eqi 'time'; then
			pass "$_name"
		else
			fail "$_name" "left: ${_left:-none}; $(why)"
		fi
	fi
}

# --- exit statuses and CLI ------------------------------------------------
expect_status() { # NAME WANT
	if [ "$R_RC" = "$2" ]; then pass "$1"; else fail "$1" "want $2: $(why)"; fi
}
rows_cli() {
	for _c in "0:true" "3:sh -c 'exit 3'" "127:/nonexistent/pkgguard-cmd" "127:pkgguard-no-such-cmd" \
		"126:/etc/passwd" "143:sh -c 'kill -TERM \$\$'" "137:sh -c 'kill -KILL \$\$'"; do
		_want=${_c%%:*} _cmd=${_c#*:}
		_name="exit: -- $_cmd gives $_want"
		engine "$_name" || continue
		eval "sb -- $_cmd"
		expect_status "$_name" "$_want"
	done

	_name="exit: -c 'kill -TERM \$\$' gives 143"
	if engine "$_name"; then sb_c 'kill -TERM $$'; expect_status "$_name" 143; fi
	_name="exit: -c 'exit 7' gives 7"
	if engine "$_name"; then sb_c 'exit 7'; expect_status "$_name" 7; fi
	_name="cli: -c 'echo hi' prints hi and exits 0"
	if engine "$_name"; then
		sb_c 'echo hi'
		if [ "$R_RC" = 0 ] && [ "$R_OUT" = hi ]; then pass "$_name"; else fail "$_name" "$(why)"; fi
	fi

	_name="cli: -c mode writes into the cwd (PKG_DIR)"
	if engine "$_name"; then
		sb_c "'$PPROBE' write ./c-mode.txt c-mode-$$"
		if [ "$R_RC" = 0 ] && grep -q "c-mode-$$" "$PKG/c-mode.txt" 2>/dev/null; then pass "$_name"; else fail "$_name" "$(why)"; fi
	fi
	_name="cli: -c mode keeps \$INIT_CWD (PROJECT_DIR) read-only"
	if engine "$_name"; then
		sb_c "'$PPROBE' read '$PROJ/package.json'; '$PPROBE' write '$PROJ/c-mode.txt' x"
		if printf '%s\n' "$R_OUT" | grep -q '^probe read: ok' && [ ! -e "$PROJ/c-mode.txt" ]; then pass "$_name"
		else fail "$_name" "$(why)"; rm -f "$PROJ/c-mode.txt"; fi
	fi

	_name="cli: unknown option gives 125"
	if engine "$_name"; then sb --no-such-option -- true; expect_status "$_name" 125; fi
	_name="cli: missing profile gives 125"
	if engine "$_name"; then sb --profile "$WORK/nonexistent.conf" -- true; expect_status "$_name" 125; fi
	_name="cli: --check-profile accepts default.conf"
	if engine "$_name"; then
		_run 30 $AS env -i $BASEENV PKGGUARD_PROFILE_PATH="$PROFILES" "$SBX" --check-profile "$PROFILES/default.conf"
		expect_status "$_name" 0
	fi
	_name="cli: --check-profile accepts the test limits profile"
	if engine "$_name"; then
		_run 30 $AS env -i $BASEENV PKGGUARD_PROFILE_PATH="$PROFILES" "$SBX" --check-profile "$LIMITS"
		expect_status "$_name" 0
	fi
	_name="cli: --check-profile rejects a broken profile"
	if engine "$_name"; then
		_run 30 $AS env -i $BASEENV PKGGUARD_PROFILE_PATH="$PROFILES" "$SBX" --check-profile "$WORK/broken.conf"
		if [ "$R_RC" != 0 ] && [ -n "$R_ERR" ]; then pass "$_name"; else fail "$_name" "$(why)"; fi
	fi
}

# --- npm run from / (INIT_CWD=/, e.g. a Dockerfile's `RUN npm i -g x`) ------
# PROJECT_DIR is then "/": the read-only project view must not bring back
# what the policy hides. Refusing to start (125) is also acceptable.
row_projroot() { # NAME CANARY-or-"" CMD-for-the-script (outside: same CMD)
	_name=$1 _canary=$2 _cmd=$3
	ctl sh -c "$_cmd"
	if [ "$R_RC" = 0 ] && { [ -z "$_canary" ] || contains "$_canary"; }; then
		control_pass "$_name"
	else
		control_fail "$_name" "$(why)"
		return 1
	fi
	engine "$_name" || return 1
	_saved=$PROJ
	PROJ=/
	sb_c "$_cmd"
	PROJ=$_saved
	return 0
}
rows_projroot() {
	_name="project=/: \$HOME secrets stay hidden"
	if row_projroot "$_name" "PKGGUARD-CANARY-SSH-$$" "'$PPROBE' read '$UHOME/.ssh/id_test'"; then
		if [ "$R_RC" = 125 ]; then pass "$_name"
		elif ! probe_ran; then fail "$_name" "the probe did not run inside: $(why)"
		elif contains "PKGGUARD-CANARY-SSH-$$"; then fail "$_name" "read: $(why)"
		else pass "$_name"; fi
	fi
	if [ "$WHO" = root ]; then
		_name="project=/: /etc/shadow stays hidden"
		if row_projroot "$_name" "root:" "'$PPROBE' read /etc/shadow"; then
			if [ "$R_RC" = 125 ]; then pass "$_name"
			elif ! probe_ran; then fail "$_name" "the probe did not run inside: $(why)"
			elif [ "$R_RC" = 0 ]; then fail "$_name" "read: $(why)"
			else pass "$_name"; fi
		fi
	fi
	if [ -n "$RUNDIR" ]; then
		_name="project=/: unix socket under /run unreachable"
		_log=$WORK/logs/runsock
		_b=$(lines "$_log")
		ctl "$PPROBE" unix "$RUNDIR/sock"
		if [ "$R_RC" = 0 ] && wait_lines "$_log" $((_b + 1)); then
			control_pass "$_name"
			if engine "$_name"; then
				_b=$(lines "$_log")
				_saved=$PROJ; PROJ=/
				sb_c "'$PPROBE' unix '$RUNDIR/sock'"
				PROJ=$_saved
				sleep 0.2
				if [ "$R_RC" = 125 ]; then pass "$_name"
				elif ! probe_ran; then fail "$_name" "the probe did not run inside: $(why)"
				elif [ "$(lines "$_log")" != "$_b" ]; then fail "$_name" "the host listener recorded a connection: $(why)"
				else pass "$_name"; fi
			fi
		else
			control_fail "$_name" "$(why)"
		fi
	fi
}

# --- fallback without user namespaces -------------------------------------
rows_fallback() {
	fb_ctl "$PPROBE" syscall unshare-user
	if ! contains ENOSPC; then
		control_skip "fallback: rows" "cannot simulate a host without user namespaces here: $(lastline 1)"
		return
	fi

	_name="fallback: runs, with one warning line naming what is weaker"
	if engine "$_name"; then
		fb -- "$PPROBE" write "$PKG/fb-ok.txt" "fb-$$"
		_nl=$(printf '%s\n' "$R_ERR" | grep -c .)
		if [ "$R_RC" = 0 ] && grep -q "fb-$$" "$PKG/fb-ok.txt" 2>/dev/null && [ "$_nl" = 1 ] &&
			printf '%s\n' "$R_ERR" | grep -qi 'namespace'; then
			pass "$_name"
		else
			fail "$_name" "stderr has $_nl line(s): $(why)"
		fi
	fi

	_name="fallback: TCP to a host listener on 127.0.0.1"
	_log=$WORK/logs/tcp4
	_b=$(lines "$_log")
	fb_ctl "$PPROBE" tcp 127.0.0.1 "$P_TCP4"
	if [ "$R_RC" = 0 ] && wait_lines "$_log" $((_b + 1)); then
		control_pass "$_name"
		if engine "$_name"; then
			_b=$(lines "$_log")
			fb -- "$PPROBE" tcp 127.0.0.1 "$P_TCP4"
			sleep 0.2
			if ran_or_fail "$_name"; then
				if [ "$(lines "$_log")" = "$_b" ]; then pass "$_name"; else fail "$_name" "connected: $(why)"; fi
			fi
		fi
	else
		control_fail "$_name" "$(why)"
	fi

	_name="fallback: connect to a host abstract unix socket"
	_log=$WORK/logs/abstract
	_b=$(lines "$_log")
	fb_ctl "$PPROBE" abstract "$ABSTRACT"
	if [ "$R_RC" = 0 ] && wait_lines "$_log" $((_b + 1)); then
		control_pass "$_name"
		if engine "$_name"; then
			_b=$(lines "$_log")
			fb -- "$PPROBE" abstract "$ABSTRACT"
			sleep 0.2
			if ran_or_fail "$_name"; then
				if [ "$(lines "$_log")" = "$_b" ]; then pass "$_name"; else fail "$_name" "connected: $(why)"; fi
			fi
		fi
	else
		control_fail "$_name" "$(why)"
	fi

	for _lp in "\$HOME/x=$UHOME/pkgguard-fb" "\${PROJECT_DIR}/x=$PROJ/pkgguard-fb" \
		"the host /tmp=/tmp/pkgguard-it-$$-$WHO-fb" "\${PROJECT_DIR}/.git/hooks/pre-commit=$PROJ/.git/hooks/pre-commit"; do
		_p=${_lp#*=}
		_name="fallback: write ${_lp%%=*}"
		fb_ctl "$PPROBE" write "$_p.ctl" x
		if [ "$R_RC" = 0 ] && [ -e "$_p.ctl" ]; then control_pass "$_name"; else control_fail "$_name" "$(why)"; rm -f "$_p.ctl"; continue; fi
		rm -f "$_p.ctl"
		engine "$_name" || continue
		fb -- "$PPROBE" write "$_p" x
		if ran_or_fail "$_name"; then
			if [ ! -e "$_p" ]; then pass "$_name"; else fail "$_name" "the host file was created: $(why)"; fi
		fi
		rm -f "$_p"
	done

	_name="fallback: read ~/.ssh/id_test"
	fb_ctl "$PPROBE" read "$UHOME/.ssh/id_test"
	if [ "$R_RC" = 0 ] && contains "PKGGUARD-CANARY-SSH-$$"; then
		control_pass "$_name"
		if engine "$_name"; then
			fb -- "$PPROBE" read "$UHOME/.ssh/id_test"
			if ran_or_fail "$_name"; then
				if contains "PKGGUARD-CANARY-SSH-$$"; then fail "$_name" "read: $(why)"; else pass "$_name"; fi
			fi
		fi
	else
		control_fail "$_name" "$(why)"
	fi

	_name="fallback: signal a host process"
	start_target "3031.$$"
	fb_ctl "$PPROBE" kill "$T_PID" 15
	sleep 0.2
	if [ "$R_RC" = 0 ] && ! kill -0 "$T_PID" 2>/dev/null; then
		control_pass "$_name"
		kill_if "$T_PID" "3031.$$"
		if engine "$_name"; then
			start_target "3032.$$"
			fb -- "$PPROBE" kill "$T_PID" 15
			sleep 0.2
			if ran_or_fail "$_name"; then
				if kill -0 "$T_PID" 2>/dev/null; then pass "$_name"; else fail "$_name" "the host process died: $(why)"; fi
			fi
			kill_if "$T_PID" "3032.$$"
		fi
	else
		control_fail "$_name" "$(why)"
		kill_if "$T_PID" "3031.$$"
	fi

	_name="fallback: double-forked setsid daemon dies with the script"
	_f=$PKG/fb-daemon-ctl.log
	fb_ctl "$PPROBE" daemon "$_f" 10
	_pid=$(printf '%s\n' "$R_OUT" | sed -n 's/.*daemon pid \([0-9]*\).*/\1/p')
	[ -n "$_pid" ] && track "$_pid" "$_f"
	if [ "$R_RC" = 0 ] && [ -n "$_pid" ] && sleep 0.5 && kill -0 "$_pid" 2>/dev/null; then
		control_pass "$_name"
		kill_if "$_pid" "$_f"
		if engine "$_name"; then
			_f=$PKG/fb-daemon-sb.log
			fb -- "$PPROBE" daemon "$_f" 10
			if ran_or_fail "$_name"; then
				if gone_and_still "$_f" "$_f"; then pass "$_name"; else fail "$_name" "$R_WHY [cmd: ${R_CMD#*LANG=C }]"; fi
			fi
		fi
	else
		control_fail "$_name" "$(why)"
		[ -n "$_pid" ] && kill_if "$_pid" "$_f"
	fi

	if [ -n "$RUNDIR" ]; then
		_name="fallback: connect to a unix socket under /run"
		_log=$WORK/logs/runsock
		_b=$(lines "$_log")
		fb_ctl "$PPROBE" unix "$RUNDIR/sock"
		if [ "$R_RC" = 0 ] && wait_lines "$_log" $((_b + 1)); then
			control_pass "$_name"
			if engine "$_name"; then
				_b=$(lines "$_log")
				fb -- "$PPROBE" unix "$RUNDIR/sock"
				sleep 0.2
				if ran_or_fail "$_name"; then
					if [ "$(lines "$_log")" = "$_b" ]; then pass "$_name"; else fail "$_name" "connected: $(why)"; fi
				fi
			fi
		else
			control_fail "$_name" "$(why)"
		fi
	fi

	_name="fallback: --require-namespaces gives 125 and runs nothing"
	if engine "$_name"; then
		fb --require-namespaces -- "$PPROBE" write "$PKG/fb-req.txt" x
		if [ "$R_RC" = 125 ] && [ ! -e "$PKG/fb-req.txt" ] && [ -n "$R_ERR" ]; then pass "$_name"; else fail "$_name" "$(why)"; fi
	fi
}

# ===================================================================== main
run_pass() { # WHO UID GID
	make_tree "$1" "$2" "$3"
	use_user "$1"
	rows_network
	rows_secrets
	rows_writes
	rows_processes
	rows_kernel
	rows_view
	rows_limits
	rows_cli
	rows_projroot
	rows_fallback
}

# A sanitizer build (ASAN=1) whose runtime cannot work inside the confined
# child (e.g. ASan's allocator under RLIMIT_DATA) cannot be tested here.
if [ "${ASAN:-0}" = 1 ] && [ -x "$SB_BUILT" ]; then
	make_tree "$(id -un)" "$(id -u)" "$(id -g)"
	use_user "$(id -un)"
	sb -- true
	if [ "$R_RC" != 0 ] && printf '%s\n' "$R_ERR" | grep -Eq 'Sanitizer|Failed to mmap'; then
		skip "suite" "the ASan-built engine cannot run its confined child: $(printf '%s' "$R_ERR" | grep -v '^=*$' | head -n 1)"
		end_suite
	fi
fi

if [ $IS_ROOT = 1 ]; then
	run_pass root 0 0
	if [ "$MADE_USER" = 1 ]; then
		run_pass "$TUSER" "$(id -u "$TUSER")" "$(id -g "$TUSER")"
	else
		T_AS=$TUSER
		skip "unprivileged pass" "could not create the user $TUSER"
	fi
else
	run_pass "$(id -un)" "$(id -u)" "$(id -g)"
fi
done_testing
