#!/bin/sh
# systemd.sh — how pkgguard is installed and run as a service, without a
# running systemd: `make install` into a DESTDIR lays out every file (and
# nothing outside it) and `make uninstall` takes exactly those away again
# (an edited pkgguardd.conf and drop-ins stay), the AppArmor profile grants
# userns only and parses, the unit passes `systemd-analyze verify` and keeps its
# fanotify-safe hardening, the tmpfiles entry makes a root-only /run/pkgguard,
# every man page renders without warnings, and `pkgguard status` talks the
# control protocol (common/control_proto.h) to a stand-in daemon.
. tests/lib.sh
BUILD=${BUILD:-build}
top=$(pwd)
tmp=$(mktemp -d)
srv=""
trap 'if [ -n "$srv" ]; then kill "$srv" 2>/dev/null; fi; rm -rf "$tmp"' EXIT INT TERM
dest=$tmp/root

# --- make install ------------------------------------------------------------
# A build tree of its own: PREFIX is compiled in, and the suites after this
# one use $BUILD with the default prefix.
installed="/usr/bin/pkgguard /usr/bin/pkgguard-sandbox /usr/bin/pkgguardd /usr/share/pkgguard
/lib/systemd/system/pkgguardd.service /usr/lib/tmpfiles.d/pkgguard.conf /etc/pkgguard/pkgguardd.conf
/usr/share/man/man1/pkgguard.1 /usr/share/man/man1/pkgguard-sandbox.1 /usr/share/man/man5/pkgguard.conf.5
/usr/share/man/man8/pkgguardd.8 /etc/apparmor.d/pkgguard-sandbox"
touch "$tmp/before"
sleep 1
if make --no-print-directory -s -j"$(nproc 2>/dev/null || echo 2)" install \
	BUILD="$tmp/build" DESTDIR="$dest" PREFIX=/usr >"$tmp/install.log" 2>&1; then
	pass "make install DESTDIR=... PREFIX=/usr"
else
	fail "make install DESTDIR=... PREFIX=/usr" "$(tail -n 3 "$tmp/install.log" | tr '\n' ' ')"
fi

missing=""
for f in $installed; do
	[ -e "$dest$f" ] || missing="$missing $f"
done
for p in default npm pnpm yarn pip; do
	[ -f "$dest/usr/share/pkgguard/profiles/$p.conf" ] || missing="$missing profiles/$p.conf"
done
if [ -z "$missing" ]; then
	pass "install lays out binaries, profiles, unit, tmpfiles, config, man pages"
else
	fail "install lays out every file" "missing:$missing"
fi

# The three programs share one directory: the daemon trusts only the sandbox
# next to itself, and the CLI hands npm the sandbox next to itself.
d1=$(dirname "$(find "$dest" -name pkgguard-sandbox -type f -perm -u+x | head -n 1)")
d2=$(dirname "$(find "$dest" -name pkgguard -type f | head -n 1)")
if [ "$d1" = "$d2" ] && [ "$d1" = "$dest/usr/bin" ]; then
	pass "pkgguard, pkgguardd and pkgguard-sandbox in one directory (BINDIR)"
else
	fail "one BINDIR" "sandbox in ${d1#"$dest"}, pkgguard in ${d2#"$dest"}"
fi

# Installed with PREFIX=/usr, the sandbox looks for profiles under /usr.
if grep -q "/usr/share/pkgguard/profiles" "$dest/usr/bin/pkgguard-sandbox" 2>/dev/null &&
	! grep -q "/usr/local/share/pkgguard/profiles" "$dest/usr/bin/pkgguard-sandbox"; then
	pass "installed binaries are built for their PREFIX"
else
	fail "installed binaries are built for their PREFIX" "no /usr/share/pkgguard/profiles in pkgguard-sandbox"
fi

if grep -q "^ExecStart=/usr/bin/pkgguardd --foreground" "$dest/lib/systemd/system/pkgguardd.service" 2>/dev/null; then
	pass "installed unit's ExecStart names BINDIR"
else
	fail "installed unit's ExecStart names BINDIR" "$(grep '^ExecStart' "$dest/lib/systemd/system/pkgguardd.service" 2>&1)"
fi

outside=""
for f in $installed /usr/local/bin/pkgguard /usr/local/share/pkgguard; do
	if [ -e "$f" ] && [ -n "$(find "$f" -newer "$tmp/before" 2>/dev/null | head -n 1)" ]; then
		outside="$outside $f"
	fi
done
if [ -z "$outside" ]; then pass "install writes nothing outside DESTDIR"; else fail "install writes nothing outside DESTDIR" "changed:$outside"; fi

# --- AppArmor profile ---------------------------------------------------------
# Installed into the DESTDIR for the installed binary's path, granting
# `userns` and nothing else; parsed by apparmor_parser without loading.
aa=$dest/etc/apparmor.d/pkgguard-sandbox
body=$(sed -n '/^profile /,/^}/p' "$aa" 2>/dev/null | sed -e 's/#.*//' -e 's/^[ \t]*//' -e '/^$/d' | tr '\n' '|')
if [ "$body" = "profile pkgguard-sandbox /usr/bin/pkgguard-sandbox flags=(unconfined) {|userns,|include if exists <local/pkgguard-sandbox>|}|" ]; then
	pass "AppArmor profile: attached to the installed /usr/bin/pkgguard-sandbox, grants userns and nothing else"
else
	fail "AppArmor profile: attachment and rules" "got: $body"
fi
if ! command -v apparmor_parser >/dev/null 2>&1; then
	skip "AppArmor profile parses" "apparmor_parser is not installed (scripts/deps.sh installs package apparmor)"
else
	printf 'profile t /t flags=(unconfined) {\n  userns,\n}\n' >"$tmp/aa-probe"
	if apparmor_parser -Q -K "$tmp/aa-probe" >/dev/null 2>&1; then
		if apparmor_parser -Q -K "$aa" >"$tmp/aa.log" 2>&1; then
			pass "AppArmor profile parses (apparmor_parser -Q -K)"
		else
			fail "AppArmor profile parses" "$(tr '\n' ' ' <"$tmp/aa.log")"
		fi
	else
		# An AppArmor 3 parser (Debian 12): everything but the rule it
		# predates, against the ABI it has; the rule itself is skipped.
		abi=$(find /etc/apparmor.d/abi -maxdepth 1 -type f -name '[0-9]*' -printf '%f\n' 2>/dev/null |
			grep -E '^[0-9.]+$' | sort -V | tail -n 1)
		sed -e '/^[ \t]*userns,/d' -e "s|<abi/4.0>|<abi/$abi>|" "$aa" >"$tmp/aa-3"
		if [ -n "$abi" ] && apparmor_parser -Q -K "$tmp/aa-3" >"$tmp/aa.log" 2>&1; then
			pass "AppArmor profile parses with apparmor_parser -Q -K (header, flags, includes; ABI $abi here)"
		else
			fail "AppArmor profile parses (but the userns rule)" "abi '$abi': $(tr '\n' ' ' <"$tmp/aa.log")"
		fi
		skip "AppArmor profile: the userns rule parses" "apparmor_parser $(apparmor_parser --version 2>/dev/null | head -n 1 | grep -o '[0-9][0-9.]*' | head -n 1) predates AppArmor 4's userns rule"
	fi
fi

# An administrator's config survives a reinstall.
conf=$dest/etc/pkgguard/pkgguardd.conf
echo 'log_level = "debug"; # mine' >>"$conf" 2>/dev/null
if make --no-print-directory -s install BUILD="$tmp/build" DESTDIR="$dest" PREFIX=/usr >"$tmp/install2.log" 2>&1 &&
	grep -q '# mine' "$conf"; then
	pass "reinstall keeps an existing /etc/pkgguard/pkgguardd.conf"
else
	fail "reinstall keeps an existing /etc/pkgguard/pkgguardd.conf" "$(tail -n 2 "$tmp/install2.log" | tr '\n' ' ')"
fi

# --- make uninstall -----------------------------------------------------------
# A fresh install, uninstalled: no file is left and none of pkgguard's own
# directories (the standard ones install -d made, usr/bin and the like, may
# stay: on a real system they are not pkgguard's).
dest2=$tmp/root2
if make --no-print-directory -s install BUILD="$tmp/build" DESTDIR="$dest2" PREFIX=/usr >"$tmp/i3.log" 2>&1 &&
	make --no-print-directory -s uninstall BUILD="$tmp/build" DESTDIR="$dest2" PREFIX=/usr >"$tmp/u1.log" 2>&1; then
	left=$(find "$dest2" \( ! -type d -o -name '*pkgguard*' \) | sed "s|^$dest2||" | tr '\n' ' ')
	if [ -z "$left" ]; then
		pass "make uninstall removes every file make install put (DESTDIR empty of files again)"
	else
		fail "make uninstall removes every file make install put" "left: $left"
	fi
else
	fail "make uninstall after make install" "$(cat "$tmp/i3.log" "$tmp/u1.log" | tail -n 3 | tr '\n' ' ')"
fi
# The admin-edited config of the reinstall above survives, and with it
# /etc/pkgguard; everything else goes.
cp -a "$dest" "$tmp/root-edited"
edest=$tmp/root-edited
mkdir -p "$edest/etc/pkgguard/profiles.d" && echo 'inherit = "npm";' >"$edest/etc/pkgguard/profiles.d/npm.conf"
if make --no-print-directory -s uninstall BUILD="$tmp/build" DESTDIR="$edest" PREFIX=/usr >"$tmp/u2.log" 2>&1 &&
	grep -q '# mine' "$edest/etc/pkgguard/pkgguardd.conf" 2>/dev/null &&
	[ -f "$edest/etc/pkgguard/profiles.d/npm.conf" ] &&
	[ "$(find "$edest" ! -type d | wc -l)" -eq 2 ] && grep -q 'keeping.*pkgguardd.conf' "$tmp/u2.log"; then
	pass "make uninstall keeps an edited /etc/pkgguard/pkgguardd.conf and an admin's drop-in, says so"
else
	fail "make uninstall keeps an edited pkgguardd.conf" "left: $(find "$edest" ! -type d | sed "s|^$edest||" | tr '\n' ' ') $(tr '\n' ' ' <"$tmp/u2.log")"
fi

# The shipped config is the daemon's defaults, key for key: the keys
# daemon_config.c reads, and its default filesystem types.
keys=$(sed -n 's/^\([a-z_]*\) = .*/\1/p' systemd/pkgguardd.conf | sort | tr '\n' ' ')
want=$(grep -o 'strcmp(name, "[a-z_]*")' guard/daemon/daemon_config.c | sed 's/.*"\(.*\)".*/\1/' | sort -u | tr '\n' ' ')
fs_c=$(sed -n '/default_fs\[\]/,/};/p' guard/daemon/daemon_config.c | grep -o '"[a-z0-9]*"' | tr '\n' ' ')
fs_conf=$(sed -n '/^filesystems/,/;/p' systemd/pkgguardd.conf | grep -o '"[a-z0-9]*"' | tr '\n' ' ')
if [ -z "$want" ]; then
	fail "pkgguardd.conf: the daemon's keys and defaults" "no key found in guard/daemon/daemon_config.c (strcmp(name, \"...\"))"
elif [ "$keys" = "$want" ] && [ "$fs_c" = "$fs_conf" ] && grep -q '^mode = "enforce";' systemd/pkgguardd.conf &&
	grep -q '^log_level = "info";' systemd/pkgguardd.conf; then
	pass "pkgguardd.conf: the daemon's keys ($keys) and defaults"
else
	fail "pkgguardd.conf: the daemon's keys and defaults" "keys '$keys' want '$want'; filesystems '$fs_conf' want '$fs_c'"
fi

# --- tmpfiles ----------------------------------------------------------------
if command -v systemd-tmpfiles >/dev/null 2>&1; then
	# A bare name is looked up in the tmpfiles.d directories under --root.
	systemd-tmpfiles --create --root="$dest" pkgguard.conf >"$tmp/tf.log" 2>&1
	m=$(stat -c '%a %u' "$dest/run/pkgguard" 2>/dev/null)
	if [ "$m" = "700 0" ] || { [ "$(id -u)" -ne 0 ] && [ "${m%% *}" = 700 ]; }; then
		pass "tmpfiles entry creates /run/pkgguard 0700 root"
	else
		fail "tmpfiles entry creates /run/pkgguard 0700 root" "got '${m:-nothing}' $(tr '\n' ' ' <"$tmp/tf.log")"
	fi
else
	skip "tmpfiles entry" "systemd-tmpfiles is not installed"
fi

# --- the unit ----------------------------------------------------------------
unit=systemd/pkgguardd.service
bad=""
for k in ProtectProc=invisible ProcSubset=pid PrivatePIDs= PrivateUsers= PrivateDevices= ProtectHome=yes ProtectHome=tmpfs; do
	grep -q "^$k" "$unit" && bad="$bad $k"
done
for k in Type=notify WatchdogSec= Restart=on-failure ExecReload= NoNewPrivileges=yes ProtectSystem=strict \
	ReadWritePaths=/run/pkgguard ProtectHome=read-only PrivateTmp=yes RuntimeDirectory=pkgguard \
	RuntimeDirectoryMode=0700 ProtectKernelTunables=yes ProtectKernelModules=yes RestrictRealtime=yes \
	LockPersonality=yes MemoryDenyWriteExecute=yes SystemCallArchitectures=native; do
	grep -q "^$k" "$unit" || bad="$bad missing:$k"
done
caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$unit" | tr ' ' '\n' | sort | tr '\n' ' ')
[ "$caps" = "CAP_DAC_READ_SEARCH CAP_SYS_ADMIN CAP_SYS_PTRACE " ] || bad="$bad caps:$caps"
if [ -z "$bad" ]; then
	pass "unit: notify, watchdog, hardening that keeps fanotify and /proc, three capabilities"
else
	fail "unit hardening" "$bad"
fi

if ! command -v systemd-analyze >/dev/null 2>&1; then
	skip "systemd-analyze verify" "systemd-analyze is not installed (scripts/deps.sh installs package systemd)"
else
	# Does verify work here at all (no systemd as pid 1 is fine; some
	# containers refuse what it needs)? A trivial unit tells.
	mkdir -p "$tmp/units"
	printf '[Unit]\nDescription=probe\n[Service]\nType=oneshot\nExecStart=/bin/true\n' >"$tmp/units/pkgguard-probe.service"
	if ! systemd-analyze verify "$tmp/units/pkgguard-probe.service" >"$tmp/probe.log" 2>&1; then
		skip "systemd-analyze verify" "cannot verify even a trivial unit here: $(head -n 1 "$tmp/probe.log")"
	else
		# The installed unit, ExecStart pointed at the installed binary in
		# DESTDIR (the daemon's stand-in, pkgguard, until it exists), the
		# man: links resolved against the installed pages.
		exe=$dest/usr/bin/pkgguardd
		[ -x "$exe" ] || exe=$dest/usr/bin/pkgguard
		sed "s|^ExecStart=/usr/bin/pkgguardd|ExecStart=$exe|" "$dest/lib/systemd/system/pkgguardd.service" \
			>"$tmp/units/pkgguardd.service"
		if MANPATH=$dest/usr/share/man systemd-analyze verify "$tmp/units/pkgguardd.service" >"$tmp/verify.log" 2>&1 &&
			! grep -q 'pkgguardd.service' "$tmp/verify.log"; then
			pass "systemd-analyze verify pkgguardd.service"
		else
			fail "systemd-analyze verify pkgguardd.service" "$(tr '\n' ' ' <"$tmp/verify.log")"
		fi
	fi
fi

# --- man pages ---------------------------------------------------------------
for page in man/pkgguard.1 man/pkgguard-sandbox.1 man/pkgguardd.8 man/pkgguard.conf.5; do
	if ! command -v groff >/dev/null 2>&1; then
		skip "$page renders" "groff is not installed"
		continue
	fi
	w=$(groff -ww -z -man "$page" 2>&1)
	r=$(MANWIDTH=80 man -l "$page" 2>&1 >"$tmp/page.txt")
	if [ -z "$w" ] && [ -z "$r" ] && [ "$(wc -l <"$tmp/page.txt")" -gt 20 ]; then
		pass "$page renders without warnings"
	else
		fail "$page renders without warnings" "$(printf '%s %s' "$w" "$r" | head -n 3 | tr '\n' ' ')"
	fi
done

# --- pkgguard status ---------------------------------------------------------
PG=$top/$BUILD/pkgguard
case $BUILD in /*) PG=$BUILD/pkgguard ;; esac
"$PG" status --socket "$tmp/nobody-listens" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q 'not running' "$tmp/err"; then
	pass "status with no daemon: one line, exit 1"
else
	fail "status with no daemon: one line, exit 1" "exit $rc: $(cat "$tmp/out" "$tmp/err" | tr '\n' ' ')"
fi

if command -v python3 >/dev/null 2>&1; then
	# A stand-in daemon: answers "status" and "status json" per
	# control_proto.h, then one connection it never answers.
	python3 - "$tmp/control" <<'EOF' >"$tmp/srv.log" 2>&1 &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(4)
answers = {b"status\n": b"mode enforce\nuptime 5 s\n",
           b"status json\n": b'{"pid":1,"mode":"audit","latency_us":{"p50":3,"p99":40}}\n'}
for _ in range(3):
    c, _ = s.accept()
    req = c.recv(64)
    c.sendall(answers.get(req, b"error: unknown request\n")); c.close()
c, _ = s.accept()
time.sleep(10)
EOF
	srv=$!
	i=0
	while [ ! -S "$tmp/control" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	out=$("$PG" status --socket "$tmp/control" 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && [ "$out" = "$(printf 'mode enforce\nuptime 5 s')" ]; then
		pass "status --socket prints the daemon's answer, exit 0"
	else
		fail "status --socket prints the daemon's answer, exit 0" "exit $rc: $out"
	fi
	out=$("$PG" status --json --socket "$tmp/control" 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && printf '%s' "$out" | python3 -c 'import json,sys; assert json.load(sys.stdin)["mode"] == "audit"' 2>/dev/null; then
		pass "status --json asks for json and prints it"
	else
		fail "status --json asks for json and prints it" "exit $rc: $out"
	fi
	# The stand-in's third answer is to "status": fine. Then a daemon that
	# accepts and never answers: bounded by the protocol's timeout.
	"$PG" status --socket "$tmp/control" >/dev/null 2>&1
	start=$(date +%s)
	"$PG" status --socket "$tmp/control" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	took=$(($(date +%s) - start))
	if [ $rc -eq 1 ] && [ $took -le 5 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ]; then
		pass "status against a stalled daemon gives up (one line, exit 1)"
	else
		fail "status against a stalled daemon gives up" "exit $rc after ${took}s: $(tr '\n' ' ' <"$tmp/err")"
	fi
	kill "$srv" 2>/dev/null
	wait "$srv" 2>/dev/null
	srv=""
else
	skip "status against a stand-in daemon" "python3 is not installed"
fi
done_testing
