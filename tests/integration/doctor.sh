#!/bin/sh
# doctor.sh — `pkgguard doctor`: one line per check, each failing one with
# its fix, exit 1 exactly when a guarantee does not hold. The inputs are
# faked without touching the host: user namespaces refused by a nested
# user.max_user_namespaces=0 (a user namespace of our own, as the fallback
# rows do); AppArmor's restriction and profile list through the test-only
# PKGGUARD_DOCTOR_TEST_ROOT; the daemon by a stand-in on a socket of ours;
# npm's global config by npm_config_globalconfig (the real one untouched).
. tests/lib.sh
BUILD=${BUILD:-build}
top=$(pwd)
case $BUILD in /*) B=$BUILD ;; *) B=$top/$BUILD ;; esac
PG=$B/pkgguard
SBX=$B/pkgguard-sandbox
tmp=$(mktemp -d)
srv=""
trap 'if [ -n "$srv" ]; then kill "$srv" 2>/dev/null; fi; rm -rf "$tmp"' EXIT INT TERM
export PKGGUARD_PROFILE_PATH=$top/profiles
# No user or project setting of the tester leaks in.
export HOME=$tmp/home
mkdir -p "$HOME" "$tmp/proj"
unset npm_config_script_shell NPM_CONFIG_SCRIPT_SHELL PNPM_CONFIG_SCRIPT_SHELL

# doctor ARGS... — runs it from $tmp/proj into $tmp/out, status in $rc
doctor() {
	(cd "$tmp/proj" && "$@" "$PG" doctor --socket "$tmp/control") >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
# line CHECK — the text line of that check
line() { grep "^[a-zA-Z]* *$1  " "$tmp/out" | head -n 1; }
# fails_iff_fail NAME — exit 1 exactly when a line says FAIL
fails_iff_fail() {
	if grep -q '^FAIL ' "$tmp/out"; then want=1; else want=0; fi
	if [ "$rc" -eq "$want" ]; then pass "$1: exit $rc (FAIL lines: $want)"; else fail "$1: exit status" "exit $rc, want $want"; fi
}

# --- the host as it is -------------------------------------------------------
doctor env
n=$(grep -c '^\(ok\|warn\|FAIL\|skip\)  *[A-Za-z]' "$tmp/out")
if [ "$n" -ge 12 ] && ! grep -q ' — fix: $' "$tmp/out" &&
	[ -z "$(grep '^FAIL' "$tmp/out" | grep -v ' — fix: ')" ] && tail -n 1 "$tmp/out" | grep -q 'checks:'; then
	pass "host: one line per check ($n), every FAIL line with its fix"
else
	fail "host: one line per check, FAIL with fix" "$(cat "$tmp/out" "$tmp/err" | tr '\n' '|')"
fi
fails_iff_fail "host"
if unshare -Ur true 2>/dev/null; then
	# control: user namespaces do work here
	if line "user namespaces" | grep -q '^ok .* allowed$' && line confinement | grep -q '^ok .*namespaces'; then
		pass "host with user namespaces: 'allowed', a script gets the namespaces"
	else
		fail "host with user namespaces" "$(line 'user namespaces') / $(line confinement)"
	fi
else
	skip "host with user namespaces" "unshare -Ur fails here"
fi

# --- JSON --------------------------------------------------------------------
(cd "$tmp/proj" && "$PG" doctor --json --socket "$tmp/control") >"$tmp/json" 2>/dev/null
jrc=$?
if python3 - "$tmp/json" "$jrc" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
rc = int(sys.argv[2])
names = [c["check"] for c in j["checks"]]
assert j["schema"] == 1 and len(names) >= 12, names
assert all(c["status"] in ("ok", "warn", "fail", "skip") for c in j["checks"])
assert all(c["fix"] for c in j["checks"] if c["status"] == "fail")
assert j["ok"] == (rc == 0) == (not any(c["status"] == "fail" for c in j["checks"])), (j["ok"], rc)
PY
then pass "--json: schema 1, one object per check, ok matches the exit status"
else fail "--json" "exit $jrc: $(head -c 300 "$tmp/json")"; fi

# --- user namespaces refused by sysctl (simulated) ---------------------------
FBSH='echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"'
if ! unshare -Ur sh -c "$FBSH" fb true 2>/dev/null; then
	skip "refused by sysctl" "cannot simulate a host without user namespaces here"
elif unshare -Ur sh -c "$FBSH" fb unshare -U true 2>/dev/null; then
	fail "refused by sysctl: control" "a nested max_user_namespaces=0 still allows a user namespace"
else
	doctor unshare -Ur sh -c "$FBSH" fb
	l=$(line "user namespaces")
	c=$(line confinement)
	if echo "$l" | grep -q '^FAIL .*refused by sysctl user.max_user_namespaces=0 — fix: sysctl -w user.max_user_namespaces=' &&
		echo "$c" | grep -q '^FAIL .*fallback: weaker: no pid namespace.*AF_UNIX' && [ "$rc" -eq 1 ]; then
		pass "refused by sysctl: the line names user.max_user_namespaces=0 and its fix, confinement says fallback and what is weaker, exit 1"
	else
		fail "refused by sysctl" "exit $rc: $l / $c"
	fi
fi

# --- AppArmor (faked switches) -----------------------------------------------
fake=$tmp/fake
mkdir -p "$fake/proc/sys/kernel" "$fake/proc/sys/user" "$fake/sys/kernel/security/apparmor"
echo 1 >"$fake/proc/sys/kernel/apparmor_restrict_unprivileged_userns"
echo 'snap.firefox (enforce)' >"$fake/sys/kernel/security/apparmor/profiles"
doctor env PKGGUARD_DOCTOR_TEST_ROOT="$fake"
l=$(line "user namespaces")
a=$(line AppArmor)
if echo "$l" | grep -q '^FAIL .*restricted by AppArmor (kernel.apparmor_restrict_unprivileged_userns=1).*not loaded — fix: .*apparmor_parser -r /etc/apparmor.d/pkgguard-sandbox' &&
	echo "$a" | grep -q '^FAIL .*not loaded' && [ "$rc" -eq 1 ]; then
	pass "AppArmor restriction without pkgguard's profile: FAIL with apparmor_parser -r as the fix, exit 1"
else
	fail "AppArmor restriction without the profile" "exit $rc: $l / $a"
fi
echo 'pkgguard-sandbox (unconfined)' >>"$fake/sys/kernel/security/apparmor/profiles"
doctor env PKGGUARD_DOCTOR_TEST_ROOT="$fake"
l=$(line "user namespaces")
a=$(line AppArmor)
if echo "$l" | grep -q '^ok .*restricted by AppArmor.*profile loaded grants them' &&
	echo "$a" | grep -q '^ok .*pkgguard-sandbox loaded (unconfined)'; then
	pass "AppArmor restriction with pkgguard's profile loaded: ok, the profile named"
else
	fail "AppArmor restriction with the profile" "$l / $a"
fi
rm -f "$fake/proc/sys/kernel/apparmor_restrict_unprivileged_userns"
echo 0 >"$fake/proc/sys/kernel/unprivileged_userns_clone"
doctor env PKGGUARD_DOCTOR_TEST_ROOT="$fake"
l=$(line "user namespaces")
if echo "$l" | grep -q '^FAIL .*kernel.unprivileged_userns_clone=0 — fix: sysctl -w kernel.unprivileged_userns_clone=1' && [ "$rc" -eq 1 ]; then
	pass "kernel.unprivileged_userns_clone=0: FAIL naming it, with its fix"
else
	fail "kernel.unprivileged_userns_clone=0" "exit $rc: $l"
fi

# --- the daemon (a stand-in on our own socket) -------------------------------
doctor env
d=$(line pkgguardd)
if echo "$d" | grep -q '^FAIL .*pkgguardd is not running.*fix: systemctl enable --now pkgguardd'; then
	pass "no daemon: FAIL 'not running' with systemctl enable --now as the fix"
else
	fail "no daemon" "$d"
fi
standin() {
	python3 - "$tmp/control" "$1" <<'PY' >"$tmp/srv.log" 2>&1 &
import socket, sys, os
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(4)
c, _ = s.accept()
c.recv(64)
c.sendall(('{"pid":%d,"mode":"%s","uptime_s":1,"profile_dirs":["/etc/pkgguard/profiles.d","/srv/pg"]}\n' % (os.getpid(), sys.argv[2])).encode()); c.close()
PY
	srv=$!
	i=0
	while [ ! -S "$tmp/control" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}
for mode in enforce audit; do
	rm -f "$tmp/control"
	standin $mode
	doctor env
	wait "$srv" 2>/dev/null
	srv=""
	d=$(line pkgguardd)
	case $mode in
	enforce) want="^ok .*running (pid [0-9]*), mode enforce, profiles from /etc/pkgguard/profiles.d, /srv/pg$" ;;
	audit) want="^warn .*mode audit: escaping scripts are only logged.* — fix: mode = \"enforce\"" ;;
	esac
	if echo "$d" | grep -q "$want"; then
		pass "daemon in $mode mode: the line says so (its profile directories named)"
	else
		fail "daemon in $mode mode" "$d"
	fi
done

# --- npm routed, and a project .npmrc overriding it --------------------------
if ! command -v npm >/dev/null 2>&1; then
	skip "npm routed" "npm is not installed"
else
	printf 'script-shell=%s\n' "$SBX" >"$tmp/globalnpmrc"
	echo '{"name":"p","version":"1.0.0"}' >"$tmp/proj/package.json"
	doctor env npm_config_globalconfig="$tmp/globalnpmrc"
	n=$(line "npm routed")
	if echo "$n" | grep -q "^ok .*enabled: scripts run as $SBX -c ($tmp/globalnpmrc)"; then
		pass "npm enabled in its global config: ok, the file named"
	else
		fail "npm enabled in its global config" "$n"
	fi
	echo 'script-shell=/bin/sh' >"$tmp/proj/.npmrc"
	doctor env npm_config_globalconfig="$tmp/globalnpmrc"
	n=$(line "npm routed")
	if echo "$n" | grep -q "^FAIL .*enabled in $tmp/globalnpmrc, but overridden here: npm script-shell is \"/bin/sh\", set by the project's $tmp/proj/.npmrc — fix: remove script-shell from the project's $tmp/proj/.npmrc" &&
		[ "$rc" -eq 1 ]; then
		pass "a project .npmrc overriding the script shell: FAIL naming the file, exit 1"
	else
		fail "a project .npmrc overriding the script shell" "exit $rc: $n"
	fi
	rm -f "$tmp/proj/.npmrc"
	echo 'script-shell=/bin/bash' >"$HOME/.npmrc"
	doctor env npm_config_globalconfig="$tmp/globalnpmrc"
	n=$(line "npm routed")
	if echo "$n" | grep -q "^FAIL .*overridden here: npm script-shell is \"/bin/bash\", set by the user's $HOME/.npmrc"; then
		pass "a user ~/.npmrc overriding the script shell: FAIL naming the file"
	else
		fail "a user ~/.npmrc overriding the script shell" "$n"
	fi
	rm -f "$HOME/.npmrc"
fi

# --- every guarantee holds: exit 0 -------------------------------------------
rm -f "$tmp/control"
standin enforce
doctor env npm_config_globalconfig="$tmp/globalnpmrc"
wait "$srv" 2>/dev/null
srv=""
if grep -q '^FAIL' "$tmp/out"; then
	skip "every guarantee holds: exit 0" "not on this host: $(grep '^FAIL' "$tmp/out" | head -n 1 | cut -c1-120)"
elif [ "$rc" -eq 0 ]; then
	pass "every guarantee holds (daemon enforcing, npm enabled): exit 0"
else
	fail "every guarantee holds: exit 0" "exit $rc: $(tail -n 1 "$tmp/out")"
fi
done_testing
