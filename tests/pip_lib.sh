# pip_lib.sh — pip building tests/fixtures/pip, with and without pkgguardd:
# the setup, the attack's control and its containment, the C extension's
# control and build. Shared by daemon_pip.sh (the build tree's daemon) and
# deb.sh (the installed package's daemon). Sourced after tests/lib.sh and
# tests/daemon_lib.sh; needs $top, $work (searchable by others: a root
# caller's build hook runs as nobody), $PROBE (the built tests/probe) and
# $MODE (the daemon's mode, which the rows' expectations follow).
# Debian's python (/usr/bin/python3, not a pyenv one on PATH), a venv with
# the system's setuptools, `pip install --no-index --no-build-isolation
# ./SRC` (pip builds a local directory in place). HOME is a fake one under
# the work directory; every process the attack starts carries the run's tag
# and is ended by pid.
# shellcheck disable=SC2154 # top, work, PROBE and MODE are the sourcing suite's
PY=/usr/bin/python3

# pip_missing — why pip cannot be tested here (nothing when it can).
pip_missing() {
	if [ ! -x "$PY" ]; then
		echo "Debian's python3 ($PY) is not installed"
	elif ! "$PY" -I -c 'import ensurepip' >/dev/null 2>&1; then
		echo "python3-venv is not installed (no ensurepip for $PY)"
	elif ! "$PY" -I -c 'import setuptools' >/dev/null 2>&1; then
		echo "python3-setuptools is not installed"
	fi
}
# The C extension rows need Python's headers (python3-dev).
HAVE_DEV=0
pyinc=$("$PY" -I -c 'import sysconfig; print(sysconfig.get_paths()["include"])' 2>/dev/null)
[ -n "$pyinc" ] && [ -f "$pyinc/Python.h" ] && command -v gcc >/dev/null 2>&1 && HAVE_DEV=1

TAG=pgpip$$x$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
listener=""
ctl_ok=0
ctl_legacy_ok=0
cext_ok=0

# Pids of every process whose command line carries the run's tag (TAG
# reaches awk through its environment, so awk's own line does not).
tag_pids() {
	case "$TAG" in pgpip[0-9]*x[0-9a-f]*) ;; *) return 0 ;; esac
	ps -eo pid=,args= | T=$TAG S=$$ awk 'length(ENVIRON["T"]) > 8 && index($0, ENVIRON["T"]) > 0 && $1 > 1 && $1 != ENVIRON["S"] { print $1 }'
}
kill_leftovers() { for _p in $(tag_pids); do kill "$_p" 2>/dev/null; done; }
remove_drops() { rm -f /tmp/*"$TAG"* "$work"/drop/*; }
# pip_cleanup — for the suite's exit: the attack's processes, the listener,
# the host drops.
pip_cleanup() {
	kill_leftovers
	[ -n "$listener" ] && kill "$listener" 2>/dev/null
	listener=""
	remove_drops
}

# pip_setup — the work directory's layout and the "C2": a TCP listener on
# 127.0.0.1 that logs one line per connection (port: its port). 1 when the
# listener does not start.
pip_setup() {
	mkdir -p "$work/drop" "$work/run" "$work/cache"
	"$PROBE" listen tcp 127.0.0.1 0 "$work/c2.log" </dev/null >/dev/null 2>&1 &
	listener=$!
	_i=0
	while [ ! -s "$work/c2.log.port" ] && [ $_i -lt 100 ]; do sleep 0.05; _i=$((_i + 1)); done
	port=$(cat "$work/c2.log.port" 2>/dev/null)
	[ -n "$port" ] && [ "$port" != 0 ]
}
c2_lines() { wc -l <"$work/c2.log" | tr -d ' '; }

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

# ------------------------------------------------------ without the daemon
# control_attack KIND PATH — the attack installed without the daemon (in
# venv-ctl), built through PATH ("pyproject.toml": the PEP 517 hook;
# "setup.py": pip's legacy path, taken when the project has no
# pyproject.toml). 0 when every harm happened.
control_attack() {
	_s=$(src "ctl-$1" "$1")
	_b=$(c2_lines)
	pip_install "$work/venv-ctl/bin/pip" "$_s"
	_rc=$?
	sleep 1.5 # the second stage writes its file a second after it starts
	_why=""
	[ "$_rc" = 0 ] || _why="$_why pip exited $_rc;"
	grep -q "Building wheel for pgattack ($2)" "$out" || _why="$_why not built through $2;"
	[ "$(imports venv-ctl pgattack)" = pgattack ] || _why="$_why pgattack does not import;"
	[ "$(cat "$_s/ran.txt" 2>/dev/null)" != pkgguard ] && [ -s "$_s/ran.txt" ] || _why="$_why setup.py did not run (ran.txt: $(cat "$_s/ran.txt" 2>&1));"
	[ "$(c2_lines)" -gt "$_b" ] || _why="$_why the listener saw no connection;"
	grep -q "SSHCANARY$TAG" "$work/drop/id_rsa-$TAG" 2>/dev/null || _why="$_why ~/.ssh/id_rsa not copied to the host;"
	grep -q "pgattack-$TAG" "$home/.bashrc" || _why="$_why ~/.bashrc not appended to;"
	[ -n "$(tag_pids)" ] || _why="$_why no background process left;"
	grows "$work/drop/later-$TAG" || _why="$_why the background process does not write;"
	grep -q "npm_CANARY${TAG}env" "$work/drop/env-$TAG" 2>/dev/null || _why="$_why NPM_TOKEN not dumped to the host;"
	_n="control: without pkgguardd the attack's setup.py ($2 build)"
	if [ -z "$_why" ]; then
		pass "$_n connects out, copies ~/.ssh/id_rsa, appends to ~/.bashrc, leaves a process behind, dumps the tokens; pip exits 0"
	else
		fail "$_n does every harm" "$_why $(tail_of "$out")"
	fi
	kill_leftovers
	remove_drops
	make_home
	[ -z "$_why" ]
}

# control_cext — the C extension built and imported without the daemon (in
# venv-ctl); cext_ok=1 when it is.
control_cext() {
	cext_ok=0
	if [ $HAVE_DEV != 1 ]; then
		skip "control: the C extension builds and imports" "python3-dev is not installed (no Python.h for $PY)"
		return
	fi
	pip_install "$work/venv-ctl/bin/pip" "$(src ctl-cext cext)"
	_rc=$?
	_r=$(imports venv-ctl pgcext)
	if [ "$_rc" = 0 ] && [ "$_r" = 42 ]; then
		cext_ok=1
		pass "control: without pkgguardd the C extension builds and imports"
	else
		fail "control: without pkgguardd the C extension builds and imports" "pip exited $_rc, import: $_r; $(tail_of "$out")"
	fi
}

# ----------------------------------------------------------- under pkgguardd
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
