#!/bin/sh
# deb.sh — the Debian package end to end, on this machine: `make deb`
# (scripts/make-deb.sh, reused while the sources are unchanged), `dpkg -i`,
# what the package put in place (conffile, unit enabled the Debian way,
# tmpfiles applied), `pkgguard doctor` of the installed programs, then the
# daemon started exactly as its unit's ExecStart (no systemd as pid 1 here)
# for the attack corpus and the legitimate fixtures with plain npm, and for
# pip's attack fixture and a C extension (tests/pip_lib.sh) with plain pip
# (each attack with its control, run without the daemon), then `dpkg --purge`
# with a hand-started daemon running: nothing may be left behind — no
# file, no directory of pkgguard's, no daemon process.
#
# Installs into /usr, /etc and /lib and starts pkgguardd: run it under the
# global lock (make check does). Skipped, touching nothing, where pkgguard
# is already installed (a package or `make install` into /usr).
. tests/lib.sh
# The installed programs find their profiles themselves: nothing of the
# build tree's reaches them.
unset PKGGUARD_PROFILE_PATH
top=$(pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) B=$BUILD ;; *) B=$top/$BUILD ;; esac
T_SUITE=deb
export T_SUITE

if [ "$(id -u)" != 0 ]; then
	skip "Debian package" "needs root (dpkg -i, the daemon)"
	end_suite
fi
for c in dpkg-buildpackage dh dpkg; do
	command -v "$c" >/dev/null 2>&1 ||
		{ skip "Debian package" "$c is not installed (make test-deps installs dpkg-dev and debhelper)"; end_suite; }
done
if dpkg -s pkgguard >/dev/null 2>&1; then
	skip "Debian package" "a pkgguard package is installed on this machine already (not touching it)"
	end_suite
fi
for f in /usr/bin/pkgguard /usr/bin/pkgguardd /usr/bin/pkgguard-sandbox /usr/share/pkgguard /etc/pkgguard /run/pkgguard/control; do
	if [ -e "$f" ]; then
		skip "Debian package" "$f exists (a source install?): not touching it"
		end_suite
	fi
done

work=$(mktemp -d /var/tmp/pkgguard-deb.XXXXXX) || exit 1
chmod 755 "$work" # pip's build hooks, run by root, run as nobody in the sandbox
. tests/daemon_lib.sh
MODE=enforce
PROBE=$B/tests/probe
. tests/pip_lib.sh
installed=no
cleanup() {
	stop_daemon
	pip_cleanup
	[ $installed = no ] || dpkg --purge pkgguard >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

# --- build and install -------------------------------------------------------
t0=$(date +%s)
if ! sh scripts/make-deb.sh "$B/deb" >"$work/build.log" 2>&1; then
	fail "make deb" "$(tail -n 4 "$work/build.log" | tr '\n' ' ')"
	end_suite
fi
deb=$(ls "$B"/deb/pkgguard_*.deb 2>/dev/null | head -n 1)
pass "make deb: $(basename "$deb") in $(($(date +%s) - t0)) s ($(tail -n 1 "$work/build.log" | grep -q 'up to date' && echo reused || echo built))"

if dpkg -i "$deb" >"$work/dpkg-i.log" 2>&1; then
	installed=yes
	pass "dpkg -i"
else
	installed=yes
	fail "dpkg -i" "$(tail -n 3 "$work/dpkg-i.log" | tr '\n' ' ')"
	end_suite
fi
dpkg -L pkgguard >"$work/files"

bad=""
for f in /usr/bin/pkgguard /usr/bin/pkgguardd /usr/bin/pkgguard-sandbox /usr/share/pkgguard/profiles/npm.conf \
	/lib/systemd/system/pkgguardd.service /usr/lib/tmpfiles.d/pkgguard.conf /usr/share/man/man8/pkgguardd.8.gz \
	/usr/share/man/man1/pkgguard.1.gz /usr/share/pkgguard/apparmor/pkgguard-sandbox /etc/pkgguard/profiles.d; do
	[ -e "$f" ] || bad="$bad missing:$f"
done
grep -qx /etc/pkgguard/pkgguardd.conf /var/lib/dpkg/info/pkgguard.conffiles 2>/dev/null || bad="$bad not-a-conffile:pkgguardd.conf"
[ -L /etc/systemd/system/multi-user.target.wants/pkgguardd.service ] || bad="$bad unit-not-enabled"
[ "$(stat -c '%a %U' /run/pkgguard 2>/dev/null)" = "700 root" ] || bad="$bad /run/pkgguard:$(stat -c '%a %U' /run/pkgguard 2>&1)"
if [ -z "$bad" ]; then
	pass "installed: binaries in /usr/bin, profiles in /usr/share/pkgguard/profiles, pkgguardd.conf a conffile, unit enabled (multi-user.target.wants), /run/pkgguard 0700 (tmpfiles), man pages"
else
	fail "installed layout" "$bad"
fi
if [ -e /proc/sys/kernel/apparmor_restrict_unprivileged_userns ]; then
	[ -f /etc/apparmor.d/pkgguard-sandbox ] && pass "AppArmor profile put in /etc/apparmor.d" ||
		fail "AppArmor profile put in /etc/apparmor.d" "missing"
else
	[ ! -e /etc/apparmor.d/pkgguard-sandbox ] && pass "no AppArmor profile in /etc/apparmor.d (this kernel's AppArmor does not restrict user namespaces)" ||
		fail "no AppArmor profile where AppArmor does not restrict user namespaces" "/etc/apparmor.d/pkgguard-sandbox exists"
fi

# --- doctor of the installed programs ----------------------------------------
mkdir -p "$work/home" "$work/cwd"
doctor() { (cd "$work/cwd" && env -u PKGGUARD_PROFILE_PATH HOME="$work/home" /usr/bin/pkgguard doctor) >"$work/doctor" 2>&1; drc=$?; }
doctor
p=$(grep '^[a-zA-Z]* *profiles  ' "$work/doctor")
d=$(grep '^[a-zA-Z]* *pkgguardd  ' "$work/doctor")
if echo "$p" | grep -q '^ok .*load (from /etc/pkgguard/profiles.d, /usr/share/pkgguard/profiles)' &&
	echo "$d" | grep -q '^FAIL .*not running' && [ $drc -eq 1 ]; then
	pass "pkgguard doctor (installed): profiles from /usr/share/pkgguard/profiles, the daemon not running yet (exit 1)"
else
	fail "pkgguard doctor (installed)" "exit $drc: $p / $d"
fi

# --- the daemon as the unit runs it ------------------------------------------
execstart=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/pkgguardd.service)
DAEMON_EXECSTART=$execstart
export DAEMON_EXECSTART
if start_daemon enforce; then
	doctor
	d=$(grep '^[a-zA-Z]* *pkgguardd  ' "$work/doctor")
	if echo "$d" | grep -q "^ok .*running (pid $dpid), mode enforce, profiles from /etc/pkgguard/profiles.d, /usr/share/pkgguard/profiles"; then
		pass "daemon started as ExecStart ($execstart): doctor sees it enforcing with the installed profiles"
	else
		fail "daemon started as ExecStart: doctor sees it" "$d"
	fi
	stop_daemon
else
	fail "daemon started as ExecStart ($execstart)" "$(tail -n 2 "$work/d.err" | tr '\n' ' ')"
fi

# --- attack corpus and legitimate fixtures, plain npm ------------------------
# The suites' own rows, each install under the installed daemon started as
# above; their controls run without it. Nothing of the build tree's
# profiles reaches the daemon or npm.
env -u PKGGUARD_PROFILE_PATH CORPUS_DAEMON=1 CORPUS_DENV= CORPUS_PMS=npm BUILD="$BUILD" \
	sh tests/integration/attack_corpus.sh 2>&1 | sed -n 's/^\(\(not \)\{0,1\}ok - \[deb\/[^]]*\] \)/\1installed package: /p'
env LEGIT_DAEMON=1 LEGIT_PMS=npm BUILD="$BUILD" \
	sh tests/integration/legit.sh 2>&1 | sed -n 's/^\(\(not \)\{0,1\}ok - \[deb\/[^]]*\] \)/\1installed package: /p'

# --- pip's attack and a C extension, plain pip -------------------------------
# daemon_pip.sh's first rows (tests/pip_lib.sh) under the installed daemon
# started as above: its profiles from /usr/share/pkgguard/profiles, no
# PKGGUARD_PROFILE_PATH in its environment or pip's. The controls, without
# the daemon, in venv-ctl; the installs under it in a venv of their own.
why=$(pip_missing)
if [ -n "$why" ]; then
	skip "installed package: pip" "$why"
elif [ ! -x "$PROBE" ]; then
	fail "installed package: pip" "$PROBE is not built (make test-bins)"
elif ! pip_setup; then
	fail "installed package: pip" "the test listener did not start"
elif ! new_venv venv-ctl || ! new_venv venv-deb; then
	fail "installed package: pip: setup" "python3 -m venv failed: $(tail_of "$work/venv-ctl.out") $(tail_of "$work/venv-deb.out")"
else
	make_home
	control_attack attack pyproject.toml && ctl_ok=1
	control_cext
	contained "installed package: plain pip" venv-deb "$work/venv-deb/bin/pip"
	builds "installed package: plain pip" venv-deb "$work/venv-deb/bin/pip"
fi
pip_cleanup

# --- purge, with a hand-started daemon running -------------------------------
start_daemon enforce || fail "daemon started before purge" "$(tail -n 2 "$work/d.err" | tr '\n' ' ')"
running=$dpid
dpkg --purge pkgguard >"$work/purge.log" 2>&1
prc=$?
installed=no
# prerm stopped it (by its pid); the wrapper then ends too.
i=0
while [ -n "$running" ] && kill -0 "$running" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -n "$tpid" ] && wait "$tpid" 2>/dev/null
tpid="" dpid=""
left=""
while read -r f; do
	case $f in
	*pkgguard*) if [ -e "$f" ] || [ -L "$f" ]; then left="$left $f"; fi ;;
	*) if [ ! -d "$f" ] && { [ -e "$f" ] || [ -L "$f" ]; }; then left="$left $f"; fi ;;
	esac
done <"$work/files"
for f in /etc/pkgguard /run/pkgguard /usr/share/pkgguard /etc/apparmor.d/pkgguard-sandbox \
	/etc/systemd/system/multi-user.target.wants/pkgguardd.service \
	/var/lib/systemd/deb-systemd-helper-enabled/pkgguardd.service.dsh-also; do
	if [ -e "$f" ] || [ -L "$f" ]; then left="$left $f"; fi
done
procs=""
for e in /proc/[0-9]*/exe; do
	case "$(readlink "$e" 2>/dev/null)" in /usr/bin/pkgguardd*) procs="$procs ${e#/proc/}" ;; esac
done
if [ $prc -eq 0 ] && [ -z "$left" ] && [ -z "$procs" ] && ! dpkg -s pkgguard >/dev/null 2>&1; then
	pass "dpkg --purge: no file, directory or daemon left (the hand-started pkgguardd stopped by prerm)"
else
	fail "dpkg --purge leaves nothing" "exit $prc; left:$left; processes:$procs; $(tail -n 2 "$work/purge.log" | tr '\n' ' ')"
fi
if [ -n "$procs" ]; then
	for e in $procs; do kill -9 "${e%/exe}" 2>/dev/null; done
fi
done_testing
