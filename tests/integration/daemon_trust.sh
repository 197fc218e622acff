#!/bin/sh
# daemon_trust.sh — pkgguardd's trust cannot be borrowed (docs/THREATS.md): the
# daemon's policy is the admin's, a helper is what the file is, and its own
# state holds under a flood. The daemon, pkgguard-sandbox and the profiles
# are copied into the work directory (mode 755) so that the unprivileged
# test user's installs can exec the sandbox and read the profiles even when
# the clone itself is private. Rows, as root and as the test user where an
# install runs as the user:
#   start-up: a daemon that finds no profile prints one line naming the
#     directories searched and exits 2 (build tree without the variable;
#     installed without profiles);
#   status: `pkgguard status` (text and --json) names the daemon's profile
#     directories;
#   policy: with the profiles named in the daemon's environment alone, a
#     plain npm install (no PKGGUARD_PROFILE_PATH) runs its postinstall in
#     the sandbox, no network; with PKGGUARD_PROFILE_PATH in npm's
#     environment naming a permissive profile directory (network = "host"),
#     the same — control: a sandbox that takes that variable from its
#     environment does reach the listener;
#   helpers: a `git` in node_modules/.bin first in PATH during an npm git
#     dependency install, and a `uname` in a venv's bin/ first in PATH
#     during pip install, write ~/.bashrc without the daemon (control) and
#     not under it (reparsed, rule helper-name-untrusted-file: the planted
#     file does not run outside the sandbox; inside it the venv is not
#     shown, so pip stops there); the real /usr/bin/git and uname still
#     work under the daemon;
#   deny lines name the rule (deny mode);
#   flood + pid cycling (root): a sandboxed postinstall execs as fast as it
#     can for FLOOD_SECS (30 s by default) while an unrelated shell loop and
#     a second npm install run: both complete, the loop's execs never fail,
#     the second install's script is reparsed (not misjudged), no deny is
#     logged, the daemon still answers and its RSS stays bounded.
. tests/lib.sh
top=$(pwd)
BUILD=${BUILD:-build}
FLOOD_SECS=${FLOOD_SECS:-30}
unset PKGGUARD_PROFILE_PATH

if [ "$(id -u)" != 0 ]; then
	skip "daemon trust suite" "needs root (fanotify permission events, ptrace of any process)"
	end_suite
fi
for b in pkgguardd pkgguard-sandbox pkgguard tests/probe; do
	[ -x "$top/$BUILD/$b" ] || { fail "daemon trust suite" "$BUILD/$b is not built"; end_suite; }
done
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
	skip "daemon trust suite" "npm or node is not installed"
	end_suite
fi

work=$(mktemp -d /var/tmp/pkgguard-trust.XXXXXX) || exit 1
chmod 755 "$work"
. tests/daemon_lib.sh
TAG=pgtrust$$x$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
TUSER=pkgguardtrust
MADE_USER=0
listener=""
bg_pids=""

cleanup() {
	stop_daemon
	for p in $bg_pids; do kill "$p" 2>/dev/null; done
	[ -n "$listener" ] && kill "$listener" 2>/dev/null
	if [ "$MADE_USER" = 1 ]; then
		for p in $(ps -o pid= -u "$TUSER" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
		sleep 0.2
		userdel "$TUSER" 2>/dev/null
		getent group "$TUSER" >/dev/null 2>&1 && groupdel "$TUSER" 2>/dev/null
	fi
	[ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# The programs and profiles, where any user can exec and read them.
mkdir -p "$work/bin" "$work/profiles"
cp "$top/$BUILD/pkgguardd" "$top/$BUILD/pkgguard-sandbox" "$top/$BUILD/pkgguard" "$work/bin/"
cp "$top"/profiles/*.conf "$work/profiles/"
chmod 755 "$work/bin" "$work/bin"/* "$work/profiles"
chmod 644 "$work/profiles"/*.conf
D=$work/bin/pkgguardd
SB=$work/bin/pkgguard-sandbox
DENV="PKGGUARD_PROFILE_PATH=$work/profiles"
# A profile directory that gives every script the network.
perm=$work/permissive
mkdir -p "$perm"
cp "$top"/profiles/*.conf "$perm/"
sed -i 's/^network = "none";/network = "host";/' "$perm/default.conf"
chmod -R a+rX "$perm"

# The "C2": a TCP listener on 127.0.0.1, one line per connection.
"$top/$BUILD/tests/probe" listen tcp 127.0.0.1 0 "$work/c2.log" </dev/null >/dev/null 2>&1 &
listener=$!
i=0
while [ ! -s "$work/c2.log.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
port=$(cat "$work/c2.log.port" 2>/dev/null)
[ -n "$port" ] && [ "$port" != 0 ] || { fail "daemon trust suite" "the test listener did not start"; end_suite; }
c2_lines() { wc -l <"$work/c2.log" | tr -d ' '; }
tail_of() { tail -n "${2:-3}" "$1" 2>/dev/null | tr '\n' ' ' | cut -c1-400; }
daemon_says() { grep -E 'deny|reparse|error|warning' "$work/d.err" 2>/dev/null | tail -n 3 | tr '\n' ' ' | cut -c1-500; }

# ---------------------------------------------------------------- start-up
# No profile anywhere: one line, naming what is missing, and exit 2.
startup_row() { # LABEL PROFILE_PATH-or-empty
	if [ -n "$2" ]; then
		env PKGGUARD_PROFILE_PATH="$2" timeout -s KILL 20 "$D" --config /dev/null --control "" >"$work/st.out" 2>"$work/st.err"
	else
		env -u PKGGUARD_PROFILE_PATH timeout -s KILL 20 "$D" --config /dev/null --control "" >"$work/st.out" 2>"$work/st.err"
	fi
	rc=$?
	if [ "$rc" = 2 ] && [ "$(wc -l <"$work/st.err")" = 1 ] && grep -q 'profile npm: no npm.conf in the profile directories (.*/etc/pkgguard/profiles.d.*): install the profiles' "$work/st.err"; then
		pass "start-up, $1: one line names the missing profile and the directories searched (exit 2)"
	else
		fail "start-up, $1: one line names the missing profile" "exit $rc, $(wc -l <"$work/st.err") lines: $(tail_of "$work/st.err")"
	fi
}
if [ -e /etc/pkgguard/profiles.d/npm.conf ] || [ -e /usr/local/share/pkgguard/profiles/npm.conf ]; then
	skip "start-up without profiles" "profiles are installed on this machine"
else
	startup_row "from the build tree without PKGGUARD_PROFILE_PATH" ""
	mkdir -p "$work/empty"
	startup_row "installed without profiles (an empty profile directory)" "$work/empty"
fi

if ! start_daemon enforce; then
	skip "daemon trust suite" "the daemon cannot start here: $(tail -n 1 "$work/d.err")"
	end_suite
fi
# ---------------------------------------------------------------- status
"$work/bin/pkgguard" status --socket "$dctl" >"$work/status.txt" 2>&1
"$work/bin/pkgguard" status --json --socket "$dctl" >"$work/status.json" 2>&1
if grep -qx "profiles from $work/profiles" "$work/status.txt" &&
	grep -q "\"profile_dirs\":\[\"$work/profiles\"" "$work/status.json"; then
	pass "status: pkgguard status shows the daemon's profile directories (text and JSON)"
else
	fail "status: pkgguard status shows the daemon's profile directories" "$(tail_of "$work/status.txt" 2) $(grep -o '"profile_dirs":[^]]*]' "$work/status.json")"
fi
stop_daemon

# ---------------------------------------------------------------- users
if id "$TUSER" >/dev/null 2>&1; then
	case $(getent passwd "$TUSER" | cut -d: -f6) in
	/var/tmp/pkgguard-trust.*) userdel "$TUSER" 2>/dev/null ;; # left by a killed run
	esac
fi
if ! id "$TUSER" >/dev/null 2>&1 &&
	useradd --system --no-create-home --home-dir "$work/$TUSER/home" --shell /bin/sh --user-group "$TUSER" >/dev/null 2>&1; then
	MADE_USER=1
fi

# as WHO CMD... — CMD as root or as the test user, in WHO's tree.
as() {
	_who=$1
	shift
	if [ "$_who" = root ]; then
		"$@"
	else
		setpriv --reuid="$TUSER" --regid="$TUSER" --clear-groups "$@"
	fi
}
# tree WHO — $W: WHO's directory (home with a .bashrc, caches), owned by WHO.
tree() {
	W=$work/$1
	rm -rf "$W"
	mkdir -p "$W/home" "$W/cache" "$W/run"
	printf '# fake .bashrc of the trust suite\n' >"$W/home/.bashrc"
	[ "$1" = root ] || chown -R "$TUSER:$TUSER" "$W"
	chmod 755 "$W"
}
bashrc_sum() { cksum <"$W/home/.bashrc"; }
NPM_FLAGS="--no-audit --no-fund --no-update-notifier --offline --loglevel=error"
# npm_as WHO DIR VAR=value... -- ARGS... — npm in DIR as WHO, with the fake
# HOME and the given variables; output in $W/npm.out, status in $rc.
npm_as() {
	_who=$1 _dir=$2
	shift 2
	_vars=""
	while [ "$1" != -- ]; do _vars="$_vars $1"; shift; done
	shift
	# shellcheck disable=SC2086 # _vars is a list of words
	(cd "$_dir" && as "$_who" env -i PATH="${NPM_PATH:-/usr/local/bin:/usr/bin:/bin}" HOME="$W/home" \
		npm_config_cache="$W/cache/npm" $_vars timeout 90 npm "$@" $NPM_FLAGS) >"$W/npm.out" 2>&1
	rc=$?
}
# project WHO NAME — an empty npm project in WHO's tree.
project() {
	P=$W/$2
	mkdir -p "$P"
	printf '{ "name": "%s", "version": "1.0.0", "private": true }\n' "$2" >"$P/package.json"
	[ "$1" = root ] || chown -R "$TUSER:$TUSER" "$P"
}
WHOS=root
[ "$MADE_USER" = 1 ] && WHOS="root $TUSER"
[ "$MADE_USER" = 1 ] || skip "rows as the test user" "could not create the user $TUSER"

# ---------------------------------------------------------------- policy
# trust-net: its postinstall writes the hostname it sees and connects to
# the listener (a permissive profile lets it).
mkdir -p "$work/pkg/trust-net"
cat >"$work/pkg/trust-net/package.json" <<EOF
{ "name": "trust-net", "version": "1.0.0",
  "scripts": { "postinstall": "cat /proc/sys/kernel/hostname > canary; node connect.js" } }
EOF
cat >"$work/pkg/trust-net/connect.js" <<EOF
const s = require('net').connect($port, '127.0.0.1', () => s.end('trust-net $TAG\n'));
s.on('error', () => {});
setTimeout(() => process.exit(0), 3000).unref();
EOF
tar -czf "$work/trust-net.tgz" -C "$work/pkg" --transform 's,^trust-net,package,' trust-net
chmod 644 "$work/trust-net.tgz"
net_canary() { cat "$P/node_modules/trust-net/canary" 2>/dev/null; }

for who in $WHOS; do
	T_AS=$who
	tree "$who"
	# Control: a sandbox that takes PKGGUARD_PROFILE_PATH from its
	# environment (npm's script shell) gets the permissive profile.
	project "$who" ctl
	b=$(c2_lines)
	npm_as "$who" "$P" PKGGUARD_PROFILE_PATH="$perm" npm_config_script_shell="$SB" -- install "$work/trust-net.tgz"
	if [ "$rc" = 0 ] && [ "$(net_canary)" = pkgguard ] && [ "$(c2_lines)" -gt "$b" ]; then
		perm_ok=1
		pass "control: a sandbox taking the permissive PKGGUARD_PROFILE_PATH from npm's environment reaches the listener"
	else
		perm_ok=0
		fail "control: a sandbox taking the permissive PKGGUARD_PROFILE_PATH reaches the listener" "npm exit $rc, canary '$(net_canary)', connections $(($(c2_lines) - b)); $(tail_of "$W/npm.out")"
	fi
	# policy_row LABEL VAR=value... — plain npm (script shell /bin/sh: no
	# routing), the daemon enforcing with its own profiles.
	policy_row() {
		_l=$1
		shift
		project "$who" "p$(date +%s%N)"
		b=$(c2_lines)
		start_daemon enforce || { fail "$_l" "the daemon did not start: $(tail -n 1 "$work/d.err")"; return; }
		npm_as "$who" "$P" npm_config_script_shell=/bin/sh "$@" -- install "$work/trust-net.tgz"
		stop_daemon
		if [ "$rc" = 0 ] && [ "$(net_canary)" = pkgguard ] && [ "$(c2_lines)" = "$b" ] &&
			grep -q "^pkgguardd: reparse .*package=trust-net .*rule=package-manager-descendant-outside-sandbox" "$work/d.err"; then
			pass "$_l: the postinstall ran in the sandbox with the daemon's policy (no connection), npm exit 0"
		else
			fail "$_l" "npm exit $rc, canary '$(net_canary)', connections $(($(c2_lines) - b)); $(tail_of "$W/npm.out" 2) [daemon: $(daemon_says)]"
		fi
	}
	policy_row "policy: plain npm install, no PKGGUARD_PROFILE_PATH in its environment"
	if [ "$perm_ok" = 1 ]; then
		policy_row "policy: npm's PKGGUARD_PROFILE_PATH names a permissive profile directory" PKGGUARD_PROFILE_PATH="$perm"
	else
		fail "policy: npm's PKGGUARD_PROFILE_PATH names a permissive profile directory" "vacuous: its control failed"
	fi
done
T_AS=$(id -un)

# An admin's drop-in (a directory before the shipped profiles on the
# daemon's path, as /etc/pkgguard/profiles.d is) applies to reparsed
# scripts: its npm.conf extends the shipped one with another hostname.
T_AS=$(id -un)
mkdir -p "$work/dropin"
printf 'version = 1;\ninherit = "npm";\nhostname = "pgdropin";\n' >"$work/dropin/npm.conf"
chmod -R a+rX "$work/dropin"
tree root
project root dropin
DENV="PKGGUARD_PROFILE_PATH=$work/dropin:$work/profiles"
if start_daemon enforce; then
	npm_as root "$P" npm_config_script_shell=/bin/sh -- install "$work/trust-net.tgz"
	"$work/bin/pkgguard" status --socket "$dctl" >"$work/status.txt" 2>&1
	stop_daemon
	if [ "$rc" = 0 ] && [ "$(net_canary)" = pgdropin ] && grep -qx "profiles from $work/dropin:$work/profiles" "$work/status.txt"; then
		pass "policy: a drop-in on the daemon's path (inherit = \"npm\") applies to the reparsed script (hostname pgdropin), status lists both directories"
	else
		fail "policy: a drop-in on the daemon's path applies to the reparsed script" "npm exit $rc, canary '$(net_canary)', $(tail_of "$work/status.txt" 1) [daemon: $(daemon_says)]"
	fi
else
	fail "policy: a drop-in applies" "the daemon did not start: $(tail -n 1 "$work/d.err")"
fi
DENV="PKGGUARD_PROFILE_PATH=$work/profiles"

# ---------------------------------------------------------------- helpers
# A git dependency (a bare repository any user can read).
if command -v git >/dev/null 2>&1; then
	g=$work/gitdep-src
	cp -r "$top/tests/fixtures/daemon/gitdep" "$g"
	(cd "$g" && git init -q && git add . &&
		git -c user.name=t -c user.email=t@example.invalid commit -q -m fixture &&
		git clone -q --bare "$g" "$work/gitdep.git") >/dev/null 2>&1
	HAVE_GIT=1
else
	HAVE_GIT=0
	skip "helpers: git" "git is not installed"
fi
# fake NAME — a file named NAME, left by "an earlier install", that appends
# to ~/.bashrc and then runs the real one (as a planted helper would).
fake() {
	printf '#!/bin/sh\necho "%s planted %s $(cat /proc/sys/kernel/hostname)" >>"$HOME/.bashrc"\nexec /usr/bin/%s "$@"\n' \
		"$TAG" "$1" "$1"
}

for who in $WHOS; do
	[ "$HAVE_GIT" = 1 ] || break
	T_AS=$who
	tree "$who"
	# The repository, the user's own (git refuses one of another owner).
	cp -r "$work/gitdep.git" "$W/gitdep.git"
	[ "$who" = root ] || chown -R "$TUSER:$TUSER" "$W/gitdep.git"
	# gitrow LABEL DAEMON(0|1) PLANT(0|1)
	gitrow() {
		project "$who" "g$(date +%s%N)"
		if [ "$3" = 1 ]; then
			mkdir -p "$P/node_modules/.bin"
			fake git >"$P/node_modules/.bin/git"
			chmod 755 "$P/node_modules/.bin/git"
			[ "$who" = root ] || chown -R "$TUSER:$TUSER" "$P/node_modules"
		fi
		_sum=$(bashrc_sum)
		if [ "$2" = 1 ]; then
			start_daemon enforce || { fail "$1" "the daemon did not start: $(tail -n 1 "$work/d.err")"; return; }
		fi
		NPM_PATH="$P/node_modules/.bin:/usr/local/bin:/usr/bin:/bin" npm_as "$who" "$P" -- install "git+file://$W/gitdep.git"
		[ "$2" = 1 ] && stop_daemon
		installed=0
		[ -f "$P/node_modules/daemon-gitdep/index.js" ] && installed=1
		planted=0
		[ "$(bashrc_sum)" != "$_sum" ] && planted=1
	}
	gitrow "control: node_modules/.bin/git first in PATH" 0 1
	if [ "$planted" = 1 ]; then
		git_ctl=1
		pass "control: without pkgguardd, a git in node_modules/.bin first in PATH runs during npm's git dependency install and writes ~/.bashrc"
	else
		git_ctl=0
		fail "control: without pkgguardd, the planted node_modules/.bin/git writes ~/.bashrc" "npm exit $rc; $(tail_of "$W/npm.out")"
	fi
	gitrow "helpers: node_modules/.bin/git under pkgguardd" 1 1
	if [ "$git_ctl" != 1 ]; then
		fail "helpers: node_modules/.bin/git under pkgguardd is reparsed" "vacuous: its control failed"
	elif [ "$planted" = 0 ] && grep -q "^pkgguardd: reparse .*exe=$P/node_modules/.bin/git .*rule=helper-name-untrusted-file" "$work/d.err"; then
		pass "helpers: a git in node_modules/.bin is no helper: reparsed (rule helper-name-untrusted-file), ~/.bashrc untouched"
	else
		fail "helpers: a git in node_modules/.bin is no helper" "\$HOME/.bashrc changed: $planted; npm exit $rc [daemon: $(daemon_says)]"
	fi
	gitrow "helpers: the real git" 1 0
	if [ "$rc" = 0 ] && [ "$installed" = 1 ] && ! grep -q '^pkgguardd: \(reparse\|deny\) .*exe=/usr/bin/git' "$work/d.err"; then
		pass "helpers: the real /usr/bin/git still runs as npm's helper under pkgguardd (git dependency installed)"
	else
		fail "helpers: the real /usr/bin/git still runs as npm's helper" "npm exit $rc, installed $installed; $(tail_of "$W/npm.out" 2) [daemon: $(daemon_says)]"
	fi
done
T_AS=$(id -un)

# pip: a uname in the venv's bin/, first in PATH (an activated venv).
PY=/usr/bin/python3
if [ ! -x "$PY" ] || ! "$PY" -I -c 'import ensurepip, setuptools' >/dev/null 2>&1; then
	skip "helpers: pip's uname" "python3-venv or python3-setuptools is not installed"
	WHOS_PIP=""
else
	WHOS_PIP=$WHOS
fi
for who in $WHOS_PIP; do
	T_AS=$who
	tree "$who"
	if ! as "$who" "$PY" -m venv --system-site-packages "$W/venv" >"$W/venv.out" 2>&1; then
		fail "helpers: pip setup" "python3 -m venv failed: $(tail_of "$W/venv.out")"
		continue
	fi
	# piprow DAEMON(0|1) PLANT(0|1)
	piprow() {
		rm -rf "$W/src"
		mkdir -p "$W/src"
		printf 'from setuptools import setup\nsetup(name="pgtrust", version="1.0", py_modules=["pgtrust"])\n' >"$W/src/setup.py"
		printf 'def f():\n    return "pgtrust"\n' >"$W/src/pgtrust.py"
		rm -f "$W/venv/bin/uname"
		if [ "$2" = 1 ]; then
			fake uname >"$W/venv/bin/uname"
			chmod 755 "$W/venv/bin/uname"
		fi
		[ "$who" = root ] || chown -R "$TUSER:$TUSER" "$W/src" "$W/venv/bin"
		_sum=$(bashrc_sum)
		if [ "$1" = 1 ]; then
			start_daemon enforce || { fail "pip" "the daemon did not start: $(tail -n 1 "$work/d.err")"; return; }
		fi
		(cd "$W/run" && as "$who" env -i PATH="$W/venv/bin:/usr/local/bin:/usr/bin:/bin" HOME="$W/home" \
			VIRTUAL_ENV="$W/venv" XDG_CACHE_HOME="$W/cache" PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 \
			timeout 120 pip install --no-index --no-build-isolation "$W/src") >"$W/pip.out" 2>&1
		rc=$?
		[ "$1" = 1 ] && stop_daemon
		planted=0
		[ "$(bashrc_sum)" != "$_sum" ] && planted=1
	}
	piprow 0 1
	if [ "$planted" = 1 ]; then
		uname_ctl=1
		pass "control: without pkgguardd, a uname in the venv's bin/ runs during pip install and writes ~/.bashrc"
	else
		uname_ctl=0
		fail "control: without pkgguardd, the planted venv bin/uname writes ~/.bashrc" "pip exit $rc; $(tail_of "$W/pip.out")"
	fi
	piprow 1 1
	if [ "$uname_ctl" != 1 ]; then
		fail "helpers: venv bin/uname under pkgguardd is reparsed" "vacuous: its control failed"
	elif [ "$planted" = 0 ] &&
		grep -q "^pkgguardd: reparse .*exe=$W/venv/bin/uname .*rule=helper-name-untrusted-file" "$work/d.err"; then
		# The sandbox does not show the venv to a script that is not a
		# build hook: the planted file cannot run there (pip then stops).
		pass "helpers: a uname in the venv's bin/ is no helper: reparsed (rule helper-name-untrusted-file), ~/.bashrc untouched (pip exit $rc)"
	else
		fail "helpers: a uname in the venv's bin/ is no helper" "\$HOME/.bashrc changed: $planted; pip exit $rc; $(tail_of "$W/pip.out" 2) [daemon: $(daemon_says)]"
	fi
	piprow 1 0
	if [ "$rc" = 0 ] && ! grep -q '^pkgguardd: \(reparse\|deny\) .*exe=/usr/bin/uname' "$work/d.err"; then
		pass "helpers: the real uname still runs as pip's helper under pkgguardd (pip exit 0)"
	else
		fail "helpers: the real uname still runs as pip's helper" "pip exit $rc; $(tail_of "$W/pip.out" 2) [daemon: $(daemon_says)]"
	fi
done
T_AS=$(id -un)

# ---------------------------------------------------------------- deny lines
tree root
project root denyrule
start_daemon deny
npm_as root "$P" npm_config_script_shell=/bin/sh -- install "$work/trust-net.tgz"
stop_daemon
if [ "$rc" != 0 ] && [ -z "$(net_canary)" ] &&
	grep -q '^pkgguardd: deny .*package=trust-net .*reason=unsandboxed-script rule=package-manager-descendant-outside-sandbox command=' "$work/d.err"; then
	pass "deny mode: the deny line names the rule that decided (package-manager-descendant-outside-sandbox)"
else
	fail "deny mode: the deny line names the rule" "npm exit $rc, canary '$(net_canary)' [daemon: $(daemon_says)]"
fi
skip "the PKGGUARD_RULE journal field" "no journald here (the field is written with the others by sd_journal_send)"
[ -S /run/systemd/journal/socket ] && skip "the PKGGUARD_RULE journal field" "not read back by this suite"

# ---------------------------------------------------------------- flood
# A sandboxed postinstall that execs as fast as it can (pids cycle through
# thousands), an unrelated shell loop and a second install, all at once.
mkdir -p "$work/pkg/trust-flood"
cat >"$work/pkg/trust-flood/package.json" <<'EOF'
{ "name": "trust-flood", "version": "1.0.0", "scripts": { "postinstall": "sh flood.sh" } }
EOF
cat >"$work/pkg/trust-flood/flood.sh" <<EOF
end=\$((\$(date +%s) + $FLOOD_SECS))
n=0
while [ "\$(date +%s)" -lt "\$end" ]; do /bin/true; n=\$((n + 1)); done
echo "\$n \$(cat /proc/sys/kernel/hostname)" > flood.count
EOF
tar -czf "$work/trust-flood.tgz" -C "$work/pkg" --transform 's,^trust-flood,package,' trust-flood
tar -czf "$work/canary.tgz" -C "$top/tests/fixtures/daemon" --transform 's,^canary,package,' canary
tree root
project root flood
PF=$P
project root second
PS=$P
rss_of() { "$work/bin/pkgguard" status --json --socket "$dctl" 2>/dev/null | sed -n 's/.*"rss_kb":\([0-9]*\).*/\1/p'; }
if start_daemon enforce; then
	rss0=$(rss_of)
	pid0=$(sh -c 'echo $$')
	(cd "$PF" && env HOME="$W/home" npm_config_cache="$W/cache/npm" timeout $((FLOOD_SECS + 60)) \
		npm install --script-shell=/bin/sh $NPM_FLAGS "$work/trust-flood.tgz" >"$W/flood.out" 2>&1; echo $? >"$W/flood.rc") &
	bg_pids="$bg_pids $!"
	fl=$!
	# The unrelated loop: it never stops on a failed exec, it counts them.
	(end=$(($(date +%s) + FLOOD_SECS)); n=0; f=0
	 while [ "$(date +%s)" -lt "$end" ]; do /bin/true || f=$((f + 1)); n=$((n + 1)); done
	 echo "$n $f" >"$work/loop.count") &
	lp=$!
	bg_pids="$bg_pids $lp"
	sleep 2
	(cd "$PS" && env HOME="$W/home" npm_config_cache="$W/cache/npm2" timeout 90 \
		npm install --script-shell=/bin/sh $NPM_FLAGS "$work/canary.tgz") >"$W/second.out" 2>&1
	src=$?
	second=$(cat "$PS/node_modules/daemon-canary/canary" 2>/dev/null)
	wait "$lp"
	wait "$fl"
	rss1=$(rss_of)
	pid1=$(sh -c 'echo $$')
	stopped=$(stopped_pids)
	stop_daemon
	read -r ln lf <"$work/loop.count" 2>/dev/null
	read -r fn fhost <"$PF/node_modules/trust-flood/flood.count" 2>/dev/null
	frc=$(cat "$W/flood.rc" 2>/dev/null)
	why=""
	[ "$frc" = 0 ] || why="$why flood install exit '$frc';"
	[ "${fhost:-}" = pkgguard ] && [ "${fn:-0}" -gt 0 ] || why="$why flood script did not run in the sandbox (count '${fn:-}', host '${fhost:-}');"
	[ -n "${ln:-}" ] && [ "${lf:-1}" = 0 ] || why="$why unrelated loop: ${ln:-?} execs, ${lf:-?} failed;"
	[ "$src" = 0 ] && [ "$second" = pkgguard ] || why="$why second install exit $src, canary '$second';"
	grep -q '^pkgguardd: \(deny\|would-deny\)' "$work/d.err" && why="$why deny logged: $(grep -m1 '^pkgguardd: deny' "$work/d.err" | cut -c1-200);"
	grep -q '^pkgguardd: reparse .*package=daemon-canary ' "$work/d.err" || why="$why the second install's script was not reparsed;"
	[ -n "$rss0" ] && [ -n "$rss1" ] && [ "$rss1" -le $((rss0 + 8192)) ] || why="$why RSS $rss0 -> $rss1 kB;"
	[ -z "$stopped" ] || why="$why processes left stopped: $stopped;"
	if [ -z "$why" ]; then
		pass "flood (${FLOOD_SECS} s): a sandboxed script's $fn loop rounds, an unrelated loop's $ln execs (none failed) and a second install (reparsed) all complete; pids cycled $pid0 -> $pid1; no deny; RSS $rss0 -> $rss1 kB"
	else
		fail "flood (${FLOOD_SECS} s)" "$why [daemon: $(daemon_says)]"
	fi
else
	fail "flood" "the daemon did not start: $(tail -n 1 "$work/d.err")"
fi
done_testing
