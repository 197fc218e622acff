#!/bin/sh
# daemon_pip.sh — pip under pkgguardd. pip has no script shell: only the
# daemon can put its build processes (the PEP 517 hook _in_process.py, where
# setup.py runs) in the sandbox, by reparsing their exec. Debian's python
# (/usr/bin/python3, not a pyenv one on PATH), a venv with the system's
# setuptools, `pip install --no-index --no-build-isolation ./SRC` (pip builds
# a local directory in place). Fixtures: tests/fixtures/pip; the setup and
# the rows' checks: tests/pip_lib.sh (deb.sh runs some of them under the
# installed package's daemon). Rows:
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

work=$(mktemp -d /var/tmp/pkgguard-pip.XXXXXX) || exit 1
chmod 755 "$work"
DAEMON_TIMEOUT=240 # longer than one install's own timeout (180 s)
. tests/daemon_lib.sh
DENV=$DAEMON_PROFILES
. tests/pip_lib.sh
cleanup() {
	stop_daemon
	pip_cleanup
	[ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

why=$(pip_missing)
if [ -n "$why" ]; then
	skip "pip under pkgguardd" "$why"
	end_suite
fi
pip_setup || { fail "pip under pkgguardd" "the test listener did not start"; end_suite; }

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

# ------------------------------------------------------------------ control
make_home
if ! new_venv venv-ctl; then
	fail "setup" "python3 -m venv failed: $(tail_of "$work/venv-ctl.out")"
	end_suite
fi
control_attack attack pyproject.toml && ctl_ok=1
control_attack attack-legacy setup.py && ctl_legacy_ok=1
control_cext

# ------------------------------------------------------------- under pkgguardd
daemon_starts_or_fail "pip under pkgguardd"

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
