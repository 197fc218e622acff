#!/bin/sh
# daemon_pip.sh — pip under pkgguardd. pip has no script shell: only the
# daemon can put its build processes (the PEP 517 hook _in_process.py, where
# setup.py runs) in the sandbox, by reparsing their exec. Debian's python
# (/usr/bin/python3, not a pyenv one on PATH), a venv with the system's
# setuptools, `pip install --no-index --no-build-isolation ./SRC` (pip builds
# a local directory in place). Fixtures: tests/fixtures/pip. Rows:
#   control (no daemon): the attack's setup.py really does every harm —
#     connects to the test's listener, copies ~/.ssh/id_rsa to a host path,
#     appends to ~/.bashrc, leaves a nohup'd loop that outlives the install
#     and writes later, dumps the token variables to a host path — and the
#     benign C extension builds and imports;
#   enforce: with `pkgguardd --mode enforce` and plain pip, every one of
#     those harms is contained (setup.py seen to run inside: ran.txt says
#     "pkgguard"), yet pip exits 0 and the package imports; the C extension
#     builds and imports; no process is left stopped;
#   the same with a `pip` launcher that makes Python's subprocess fork
#     instead of vfork (subprocess._USE_VFORK = False, Python 3.11);
#   enforce, pip started from $HOME (the usual place): it installs — what
#     pip itself runs (uname, lsb_release) is not put in a sandbox whose
#     package directory would be $HOME;
#   build isolation (pip's default, wheels from Debian's python3-*-whl):
#     pip's nested `__pip-runner__.py install` of setuptools and wheel runs
#     as itself, the hooks reparsed, the C extension builds and imports;
#   control and enforce for the attack without its pyproject.toml, which
#     pip 23 builds through its legacy path (python -c <setuptools shim>
#     egg_info --egg-base DIR, then bdist_wheel -d DIR);
#   the daemon alone names the build tree's profiles (pip's environment has
#     no PKGGUARD_PROFILE_PATH), and a PKGGUARD_PROFILE_PATH in pip's
#     environment naming a permissive profile (network = "host") changes
#     nothing: contained (control: a sandbox that takes that variable from
#     its environment does reach the listener).
# HOME is a fake one under the work directory; every process the attack
# starts carries the run's tag and is ended by pid; the daemon runs under
# `timeout -s KILL` for each install only and is stopped by its pid.
# PKGGUARD_PIP_MODE=audit runs the daemon rows in audit mode, which confines
# nothing: every "contained" row must then fail (a check of this suite).
. tests/lib.sh
top=$(pwd)
BUILD=${BUILD:-build}
# The build tree's profiles, for the daemon alone: pip's environment has no
# PKGGUARD_PROFILE_PATH (the daemon hands its own to the reparsed sandbox).
unset PKGGUARD_PROFILE_PATH
DAEMON_PROFILES="PKGGUARD_PROFILE_PATH=$top/profiles"
PY=/usr/bin/python3
MODE=${PKGGUARD_PIP_MODE:-enforce}
PROBE=$top/$BUILD/tests/probe

if [ "$(id -u)" != 0 ]; then
	skip "pip under pkgguardd" "needs root (fanotify permission events, ptrace of any process)"
	end_suite
fi
if [ ! -x "$top/$BUILD/pkgguardd" ] || [ ! -x "$PROBE" ]; then
	fail "pip under pkgguardd" "$BUILD/pkgguardd or $PROBE is not built"
	end_suite
fi
if [ ! -x "$PY" ]; then
	skip "pip under pkgguardd" "Debian's python3 ($PY) is not installed"
	end_suite
fi
if ! "$PY" -I -c 'import ensurepip' >/dev/null 2>&1; then
	skip "pip under pkgguardd" "python3-venv is not installed (no ensurepip for $PY)"
	end_suite
fi
if ! "$PY" -I -c 'import setuptools' >/dev/null 2>&1; then
	skip "pip under pkgguardd" "python3-setuptools is not installed"
	end_suite
fi
# The C extension rows need Python's headers (python3-dev).
HAVE_DEV=0
pyinc=$("$PY" -I -c 'import sysconfig; print(sysconfig.get_paths()["include"])' 2>/dev/null)
[ -n "$pyinc" ] && [ -f "$pyinc/Python.h" ] && command -v gcc >/dev/null 2>&1 && HAVE_DEV=1

work=$(mktemp -d /var/tmp/pkgguard-pip.XXXXXX) || exit 1
chmod 755 "$work"
DAEMON_TIMEOUT=240 # longer than one install's own timeout (180 s)
. tests/daemon_lib.sh
DENV=$DAEMON_PROFILES
TAG=pgpip$$x$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
listener=""

# Pids of every process whose command line carries the run's tag (TAG
# reaches awk through its environment, so awk's own line does not).
tag_pids() {
	case "$TAG" in pgpip[0-9]*x[0-9a-f]*) ;; *) return 0 ;; esac
	ps -eo pid=,args= | T=$TAG S=$$ awk 'length(ENVIRON["T"]) > 8 && index($0, ENVIRON["T"]) > 0 && $1 > 1 && $1 != ENVIRON["S"] { print $1 }'
}
kill_leftovers() { for _p in $(tag_pids); do kill "$_p" 2>/dev/null; done; }
remove_drops() { rm -f /tmp/*"$TAG"* "$work"/drop/*; }
cleanup() {
	stop_daemon
	kill_leftovers
	[ -n "$listener" ] && kill "$listener" 2>/dev/null
	remove_drops
	[ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# The "C2": a TCP listener on 127.0.0.1 that logs one line per connection.
"$PROBE" listen tcp 127.0.0.1 0 "$work/c2.log" </dev/null >/dev/null 2>&1 &
listener=$!
i=0
while [ ! -s "$work/c2.log.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
port=$(cat "$work/c2.log.port" 2>/dev/null)
[ -n "$port" ] && [ "$port" != 0 ] || { fail "pip under pkgguardd" "the test listener did not start"; end_suite; }
c2_lines() { wc -l <"$work/c2.log" | tr -d ' '; }

mkdir -p "$work/drop" "$work/run" "$work/cache"
home=$work/home
make_home() {
	rm -rf "$home"
	mkdir -p "$home/.ssh"
	printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\nSSHCANARY%s\n-----END OPENSSH PRIVATE KEY-----\n' "$TAG" >"$home/.ssh/id_rsa"
	chmod 600 "$home/.ssh/id_rsa"
	printf '# fake .bashrc of the pip suite\nalias ll="ls -l"\n' >"$home/.bashrc"
}

# new_venv NAME — a venv of Debian's python seeing the system's setuptools;
# made while no daemon runs (its pip bootstrap is not under test).
new_venv() {
	"$PY" -m venv --system-site-packages "$work/$1" >"$work/$1.out" 2>&1
}
# The fork launcher: named pip, so pkgguardd recognises it as pip.
make_fork_launcher() { # VENV
	mkdir -p "$work/forkbin"
	cat >"$work/forkbin/pip" <<EOF
#!$work/$1/bin/python
# pip, with Python's subprocess forking instead of using vfork (3.11).
import subprocess
import sys
subprocess._USE_VFORK = False
from pip._internal.cli.main import main
sys.exit(main())
EOF
	chmod 755 "$work/forkbin/pip"
}

# src NAME KIND — a fresh copy of a fixture; the attack armed with
# attack.json (the listener's port, the host drop directory, the tag).
# KIND attack-legacy: the attack without its pyproject.toml, which pip 23
# builds through its legacy path (setup.py egg_info, bdist_wheel).
src() {
	rm -rf "$work/src-$1"
	cp -r "$top/tests/fixtures/pip/${2%-legacy}" "$work/src-$1"
	[ "$2" = attack-legacy ] && rm -f "$work/src-$1/pyproject.toml"
	if [ "${2%-legacy}" = attack ]; then
		printf '{ "port": %s, "drop": "%s", "tag": "%s" }\n' "$port" "$work/drop" "$TAG" >"$work/src-$1/attack.json"
	fi
	echo "$work/src-$1"
}

# pip_install PIP SRC — the install, from a scratch directory, with the fake
# HOME and token variables in the environment; output in $out (kept per
# install: out-SRC).
PIPCWD=$work/run
# PIP_ISO: --no-build-isolation (pip builds with the venv's setuptools), or
# --find-links of Debian's wheels (build isolation: pip runs itself to put
# setuptools and wheel in a temporary build environment).
PIP_ISO=--no-build-isolation
PIP_ENV="" # more VAR=value words for pip's environment
pip_install() {
	out=$work/out-${2##*/}
	(cd "$PIPCWD" && env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$home" LANG=C.UTF-8 \
		$PIP_ENV \
		XDG_CACHE_HOME="$work/cache" XDG_STATE_HOME="$work/state" PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 \
		NPM_TOKEN="npm_CANARY${TAG}env" PYPI_API_TOKEN="pypi-CANARY${TAG}env" \
		PIP_INDEX_URL="https://__token__:pypi-CANARY${TAG}idx@127.0.0.1:9/simple" \
		timeout 180 "$1" install --no-index $PIP_ISO "$2") >"$out" 2>&1
}
imports() { # VENV MODULE — prints what MODULE.f() returns (or the error's last line)
	env -i PATH=/usr/bin:/bin HOME="$home" "$work/$1/bin/python" -c "import $2; print($2.f())" 2>&1 | tail -n 1
}
size_of() { { wc -c <"$1" || echo 0; } 2>/dev/null | tr -d ' '; }
grows() { # FILE — exists and is growing
	_a=$(size_of "$1")
	sleep 0.5
	_b=$(size_of "$1")
	[ -n "$_a" ] && [ -n "$_b" ] && [ "$_b" -gt "$_a" ]
}
tail_of() { tail -n "${2:-3}" "$1" 2>/dev/null | tr '\n' ' ' | cut -c1-400; }
daemon_says() { grep -E 'deny|reparse|error|warning' "$work/d.err" 2>/dev/null | tail -n 3 | tr '\n' ' ' | cut -c1-400; }

# ------------------------------------------------------------------ control
make_home
if ! new_venv venv-ctl; then
	fail "setup" "python3 -m venv failed: $(tail_of "$work/venv-ctl.out")"
	end_suite
fi
# control_attack NAME PATH — the attack installed without the daemon, built
# through PATH ("pyproject.toml": the PEP 517 hook; "setup.py": pip's legacy
# path, taken when the project has no pyproject.toml). 0 when every harm
# happened.
control_attack() {
	_s=$(src "ctl-$1" "$1")
	_b=$(c2_lines)
	pip_install "$work/venv-ctl/bin/pip" "$_s"
	_rc=$?
	sleep 1.5 # the second stage writes its file a second after it starts
	why=""
	[ "$_rc" = 0 ] || why="$why pip exited $_rc;"
	grep -q "Building wheel for pgattack ($2)" "$out" || why="$why not built through $2;"
	[ "$(imports venv-ctl pgattack)" = pgattack ] || why="$why pgattack does not import;"
	[ "$(cat "$_s/ran.txt" 2>/dev/null)" != pkgguard ] && [ -s "$_s/ran.txt" ] || why="$why setup.py did not run (ran.txt: $(cat "$_s/ran.txt" 2>&1));"
	[ "$(c2_lines)" -gt "$_b" ] || why="$why the listener saw no connection;"
	grep -q "SSHCANARY$TAG" "$work/drop/id_rsa-$TAG" 2>/dev/null || why="$why ~/.ssh/id_rsa not copied to the host;"
	grep -q "pgattack-$TAG" "$home/.bashrc" || why="$why ~/.bashrc not appended to;"
	[ -n "$(tag_pids)" ] || why="$why no background process left;"
	grows "$work/drop/later-$TAG" || why="$why the background process does not write;"
	grep -q "npm_CANARY${TAG}env" "$work/drop/env-$TAG" 2>/dev/null || why="$why NPM_TOKEN not dumped to the host;"
	_n="control: without pkgguardd the attack's setup.py ($2 build)"
	if [ -z "$why" ]; then
		pass "$_n connects out, copies ~/.ssh/id_rsa, appends to ~/.bashrc, leaves a process behind, dumps the tokens; pip exits 0"
	else
		fail "$_n does every harm" "$why $(tail_of "$out")"
	fi
	kill_leftovers
	remove_drops
	make_home
	[ -z "$why" ]
}
ctl_ok=0
control_attack attack pyproject.toml && ctl_ok=1
ctl_legacy_ok=0
control_attack attack-legacy setup.py && ctl_legacy_ok=1

if [ $HAVE_DEV = 1 ]; then
	s=$(src ctl-cext cext)
	pip_install "$work/venv-ctl/bin/pip" "$s"
	rc=$?
	r=$(imports venv-ctl pgcext)
	if [ "$rc" = 0 ] && [ "$r" = 42 ]; then
		cext_ok=1
		pass "control: without pkgguardd the C extension builds and imports"
	else
		cext_ok=0
		fail "control: without pkgguardd the C extension builds and imports" "pip exited $rc, import: $r; $(tail_of "$out")"
	fi
else
	skip "control: the C extension builds and imports" "python3-dev is not installed (no Python.h for $PY)"
fi

# ------------------------------------------------------------- under pkgguardd
daemon_starts_or_fail "pip under pkgguardd"

# leaks PATTERN — files holding PATTERN on the host: in the work directory
# (not the fake HOME, not the controls' copies) and in /tmp since the stamp.
leaks() {
	{
		grep -rls --exclude-dir=home --exclude-dir='src-ctl-*' -e "$1" "$work"
		find /tmp -maxdepth 2 -type f -newer "$work/stamp" -exec grep -ls -e "$1" {} +
	} 2>/dev/null | tr '\n' ' '
}

# contained LABEL VENV PIP [KIND] — the attack (or attack-legacy) installed
# with the daemon enforcing.
contained() {
	_l=$1 _v=$2 _pip=$3 _k=${4:-attack}
	_n="$_l: the attack's harms are contained, pip exits 0 and the package imports"
	make_home
	_bash=$(cksum <"$home/.bashrc")
	_s=$(src "$_v-$_k" "$_k")
	_b=$(c2_lines)
	touch "$work/stamp"
	start_daemon "$MODE" || { fail "$_n" "the daemon did not start: $(tail -n 1 "$work/d.err")"; return; }
	pip_install "$_pip" "$_s"
	_rc=$?
	sleep 1.5
	_stopped=$(stopped_pids)
	stop_daemon
	_why=""
	[ "$_rc" = 0 ] || _why="$_why pip exited $_rc;"
	_path=pyproject.toml
	[ "$_k" = attack ] || _path=setup.py
	grep -q "Building wheel for pgattack ($_path)" "$out" || _why="$_why not built through $_path;"
	[ "$(imports "$_v" pgattack)" = pgattack ] || _why="$_why pgattack does not import;"
	[ "$(cat "$_s/ran.txt" 2>/dev/null)" = pkgguard ] || _why="$_why setup.py did not run in the sandbox (ran.txt: $(cat "$_s/ran.txt" 2>&1));"
	[ "$(c2_lines)" = "$_b" ] || _why="$_why the listener saw $(($(c2_lines) - _b)) connection(s);"
	_leak=$(leaks "SSHCANARY$TAG")
	[ -z "$_leak" ] || _why="$_why the SSH key reached $_leak;"
	[ "$(cksum <"$home/.bashrc")" = "$_bash" ] || _why="$_why ~/.bashrc changed;"
	_p=$(tag_pids | tr '\n' ' ')
	[ -z "$_p" ] || _why="$_why processes left: $_p;"
	[ ! -e "$work/drop/later-$TAG" ] || _why="$_why the background process wrote on the host;"
	[ ! -e "$work/drop/env-$TAG" ] || _why="$_why the environment reached the host drop;"
	_leak=$(leaks "CANARY${TAG}env\|CANARY${TAG}idx")
	[ -z "$_leak" ] || _why="$_why a token in $_leak;"
	[ -z "$_stopped" ] || _why="$_why processes left stopped: $_stopped;"
	if { [ "$_k" = attack ] && [ "$ctl_ok" != 1 ]; } || { [ "$_k" != attack ] && [ "$ctl_legacy_ok" != 1 ]; }; then
		fail "$_n" "vacuous: its control failed"
	elif [ -z "$_why" ]; then
		pass "$_n"
	else
		fail "$_n" "$_why $(tail_of "$out" 2) [daemon: $(daemon_says)]"
	fi
	kill_leftovers
	remove_drops
}

# builds LABEL VENV PIP — the C extension built with the daemon enforcing.
builds() {
	_l=$1 _v=$2 _pip=$3
	_n="$_l: the C extension builds and imports; the tripwire finds it clean"
	if [ $HAVE_DEV != 1 ]; then
		skip "$_n" "python3-dev is not installed (no Python.h for $PY)"
		return
	fi
	_s=$(src "$_v-cext" cext)
	# The tripwire's records of the reparsed build hooks (--record): there
	# must be some, and none suspicious (a C extension build is legitimate).
	_recs=$work/state/pkgguard/records
	rm -rf "$_recs"
	start_daemon "$MODE" || { fail "$_n" "the daemon did not start: $(tail -n 1 "$work/d.err")"; return; }
	pip_install "$_pip" "$_s"
	_rc=$?
	_stopped=$(stopped_pids)
	stop_daemon
	_r=$(imports "$_v" pgcext)
	_nrec=$(find "$_recs" -name '*.json' 2>/dev/null | wc -l)
	_bad=$(grep -l '"verdict": "suspicious"' "$_recs"/*.json 2>/dev/null | head -n 1)
	if [ "$cext_ok" != 1 ]; then
		fail "$_n" "vacuous: its control failed"
	elif [ "$_rc" = 0 ] && [ "$_r" = 42 ] && [ -z "$_stopped" ] && { [ "$MODE" != enforce ] || [ "$_nrec" -gt 0 ]; } && [ -z "$_bad" ]; then
		pass "$_n"
	else
		fail "$_n" "pip exited $_rc, import: $_r${_stopped:+, processes left stopped: $_stopped}, $_nrec records${_bad:+, suspicious: $(grep -o '"reason": [^,]*' "$_bad")}; $(tail_of "$out" 2) [daemon: $(daemon_says)]"
	fi
}

cext_ok=${cext_ok:-0}
if new_venv venv-vfork; then
	contained "$MODE, vfork (plain pip)" venv-vfork "$work/venv-vfork/bin/pip"
	builds "$MODE, vfork (plain pip)" venv-vfork "$work/venv-vfork/bin/pip"
else
	fail "enforce, vfork: setup" "python3 -m venv failed: $(tail_of "$work/venv-vfork.out")"
fi
if new_venv venv-fork; then
	make_fork_launcher venv-fork
	contained "$MODE, fork (subprocess._USE_VFORK = False)" venv-fork "$work/forkbin/pip"
	builds "$MODE, fork (subprocess._USE_VFORK = False)" venv-fork "$work/forkbin/pip"
else
	fail "enforce, fork: setup" "python3 -m venv failed: $(tail_of "$work/venv-fork.out")"
fi
# Build isolation (pip's default): pip runs itself (__pip-runner__.py) to
# install the build requirements from Debian's wheels into a temporary
# build environment; that nested pip runs as itself (it would need the
# network in the wild), the hooks in the sandbox with the build environment
# read-only. Control first, without the daemon.
if [ $HAVE_DEV != 1 ]; then
	skip "build isolation: the C extension builds and imports" "python3-dev is not installed (no Python.h for $PY)"
elif ! ls /usr/share/python-wheels/setuptools-*.whl /usr/share/python-wheels/wheel-*.whl >/dev/null 2>&1; then
	skip "build isolation: the C extension builds and imports" "no setuptools and wheel wheels in /usr/share/python-wheels (python3-setuptools-whl, python3-wheel-whl)"
elif new_venv venv-iso; then
	PIP_ISO="--find-links /usr/share/python-wheels"
	s=$(src iso-ctl-cext cext)
	pip_install "$work/venv-iso/bin/pip" "$s"
	rc=$?
	r=$(imports venv-iso pgcext)
	if [ "$rc" = 0 ] && [ "$r" = 42 ]; then
		pass "control: without pkgguardd, with build isolation, the C extension builds and imports"
		"$work/venv-iso/bin/pip" uninstall -y pgcext >/dev/null 2>&1
		builds "$MODE, build isolation (pip runs itself for the build requirements)" venv-iso "$work/venv-iso/bin/pip"
		if grep -q '^pkgguardd: allow .*pm=pip .*reason=nested-package-manager rule=nested-package-manager command=[^ ]*python3* [^ ]*/__pip-runner__.py install' "$work/d.err" &&
			grep -q '^pkgguardd: reparse .*pm=pip .*_in_process.py build_wheel' "$work/d.err"; then
			pass "$MODE, build isolation: the nested pip ran as itself, the build hook was reparsed"
		else
			fail "$MODE, build isolation: the nested pip ran as itself, the build hook was reparsed" "[daemon: $(daemon_says)]"
		fi
	else
		fail "control: without pkgguardd, with build isolation, the C extension builds and imports" "pip exited $rc, import: $r; $(tail_of "$out")"
	fi
	PIP_ISO=--no-build-isolation
else
	fail "build isolation: setup" "python3 -m venv failed: $(tail_of "$work/venv-iso.out")"
fi

# The installer's PKGGUARD_PROFILE_PATH does not choose the policy: a
# profile directory whose default.conf gives the network (what a project's
# tooling or a shell profile could set). Control: that directory really is
# permissive (a sandbox that takes it from its environment connects out).
perm=$work/permissive
cp -r "$top/profiles" "$perm"
sed -i 's/^network = "none";/network = "host";/' "$perm/default.conf"
_b=$(c2_lines)
env PKGGUARD_PROFILE_PATH="$perm" "$top/$BUILD/pkgguard-sandbox" --profile pip -- "$PY" -c \
	"import socket; socket.create_connection(('127.0.0.1', $port), timeout=2).sendall(b'permissive\n')" >"$work/perm.out" 2>&1
if [ "$(c2_lines)" -gt "$_b" ]; then
	perm_ok=1
	pass "control: a sandbox taking PKGGUARD_PROFILE_PATH=$perm from its environment reaches the listener"
else
	perm_ok=0
	fail "control: a sandbox taking the permissive PKGGUARD_PROFILE_PATH reaches the listener" "$(tail_of "$work/perm.out")"
fi
if [ "$perm_ok" = 1 ] && new_venv venv-perm; then
	PIP_ENV="PKGGUARD_PROFILE_PATH=$perm"
	contained "$MODE, a permissive PKGGUARD_PROFILE_PATH in pip's environment" venv-perm "$work/venv-perm/bin/pip"
	PIP_ENV=""
elif [ "$perm_ok" = 1 ]; then
	fail "permissive PKGGUARD_PROFILE_PATH: setup" "python3 -m venv failed: $(tail_of "$work/venv-perm.out")"
fi

if new_venv venv-home; then
	PIPCWD=$home
	builds "$MODE, pip started from \$HOME" venv-home "$work/venv-home/bin/pip"
	PIPCWD=$work/run
	contained "$MODE, legacy setup.py build (no pyproject.toml)" venv-home "$work/venv-home/bin/pip" attack-legacy
else
	fail "enforce, from \$HOME: setup" "python3 -m venv failed: $(tail_of "$work/venv-home.out")"
fi
# A hook's answer acted on by pip (docs/THREATS.md, the package manager as a proxy): the sandboxed hook has
# no network, but pip fetches a direct-URL requirement it returns, or one in
# the Requires-Dist of the metadata it prepares. Control: without the
# daemon, pip connects to the listener; with it, the hook fails with the
# reason on pip's output and nothing connects. The legacy path (no
# pyproject.toml): setup.py's install_requires, read by pip from the
# egg-info's requires.txt. Legit: unarmed, it builds.
# armed NAME MODE — a copy of tests/fixtures/pip/urlreq armed for MODE
armed() {
	rm -rf "$work/src-$1"
	cp -r "$top/tests/fixtures/pip/urlreq" "$work/src-$1"
	[ -z "$2" ] || echo "$2 http://127.0.0.1:$port" >"$work/src-$1/arm.txt"
	[ "$2" != legacy ] || rm -rf "$work/src-$1/pyproject.toml" "$work/src-$1/backend"
	echo "$work/src-$1"
}
url_row() { # MODE ISOLATION WHAT
	_m=$1 _iso=$2 _what=$3
	PIP_ISO=$_iso
	_b=$(c2_lines)
	pip_install "$work/venv-url/bin/pip" "$(armed "ctl-$_m" "$_m")"
	if [ "$(c2_lines)" -gt "$_b" ]; then
		_ctl=1
		pass "control: without pkgguardd, pip fetches the URL in $_what"
	else
		_ctl=0
		fail "control: without pkgguardd, pip fetches the URL in $_what" "$(tail_of "$out")"
	fi
	_n="$MODE: a hook returning a URL in $_what fails, pip fetches nothing"
	_b=$(c2_lines)
	start_daemon "$MODE" || { fail "$_n" "the daemon did not start: $(tail -n 1 "$work/d.err")"; return; }
	pip_install "$work/venv-url/bin/pip" "$(armed "enf-$_m" "$_m")"
	_rc=$?
	stop_daemon
	if [ "$_ctl" != 1 ]; then
		fail "$_n" "vacuous: its control failed"
	elif [ "$(c2_lines)" != "$_b" ]; then
		fail "$_n" "the listener saw $(($(c2_lines) - _b)) connection(s); pip exited $_rc [daemon: $(daemon_says)]"
	elif [ "$_rc" = 0 ] || ! grep -Eq "pkgguard-sandbox: pip .*exfil ?@ http://127.0.0.1:$port.*refused" "$out"; then
		fail "$_n" "pip exited $_rc, no refusal on its output: $(tail_of "$out" 4) [daemon: $(daemon_says)]"
	else
		pass "$_n"
	fi
	PIP_ISO=--no-build-isolation
}
if new_venv venv-url; then
	url_row requires "--find-links /usr/share/python-wheels" "get_requires_for_build_wheel's answer (build isolation)"
	url_row metadata --no-build-isolation "the Requires-Dist of the prepared metadata"
	url_row legacy --no-build-isolation "the requires.txt of the legacy setup.py egg_info"
	_n="$MODE: the same backend, unarmed, builds and imports (its answers checked, nothing refused)"
	start_daemon "$MODE" || fail "$_n" "the daemon did not start: $(tail -n 1 "$work/d.err")"
	PIP_ISO="--find-links /usr/share/python-wheels"
	pip_install "$work/venv-url/bin/pip" "$(armed legit "")"
	_rc=$?
	PIP_ISO=--no-build-isolation
	stop_daemon
	if [ "$_rc" = 0 ] && [ "$(imports venv-url pgurl)" = 42 ] &&
		grep -q '^pkgguardd: reparse .*pm=pip .*_in_process.py prepare_metadata_for_build_wheel' "$work/d.err"; then
		pass "$_n"
	else
		fail "$_n" "pip exited $_rc, import: $(imports venv-url pgurl); $(tail_of "$out" 3) [daemon: $(daemon_says)]"
	fi
else
	fail "hook answers: setup" "python3 -m venv failed: $(tail_of "$work/venv-url.out")"
fi
done_testing
