#!/bin/sh
# tripwire.sh — the install-time tripwire (README.md): what a sandboxed
# script tried is in its record, with a verdict. The axios-style dropper
# (tests/fixtures/attacks/dropper), installed with npm through
# `pkgguard run --strict --report`, must leave: the C2's DNS name, the C2's
# address and port, the dropped second stage with its sha256 and a
# quarantined copy (0600, not executable), the killed second stage process,
# its rewritten package.json and deleted setup.js, the verdict suspicious,
# exit 3. CONTROL: the same install without pkgguard really drops, starts
# and rewrites. A script cannot reach its record or quarantine (write,
# symlink, fill), and a quarantined copy is bounded. The legitimate corpus
# comes out clean in legit.sh (it runs with --strict).
. tests/lib.sh
top=$(pwd)
BUILD=${BUILD:-build}
PG=$top/$BUILD/pkgguard
SB=$top/$BUILD/pkgguard-sandbox
export PKGGUARD_PROFILE_PATH=$top/profiles

command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1 || { skip "tripwire" "npm or node is not installed"; end_suite; }
[ -x "$PG" ] && [ -x "$SB" ] || { fail "tripwire" "not built"; end_suite; }
work=$(mktemp -d /var/tmp/pkgguard-tripwire.XXXXXX) || exit 1
chmod 755 "$work"
TAG=pgtw$$x$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
export XDG_STATE_HOME=$work/state
cleanup() {
	kill_pidfiles "$work"
	rm -f /tmp/*"$TAG"*
	[ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# The dropper, armed: a C2 name (no DNS answers here), then the address it
# "resolves to" (TEST-NET-3, routed nowhere), like the real one.
cp -r "$top/tests/fixtures/attacks/dropper" "$work/src"
C2="c2-$TAG.example:8000,203.0.113.7:8000"
printf '{ "c2": "%s", "work": "%s", "home": "%s", "tag": "%s" }\n' "$C2" "$work" "$work/home" "$TAG" >"$work/src/attack.json"
(cd "$work" && npm pack --silent "$work/src" >/dev/null 2>&1) || { fail "tripwire" "npm pack failed"; end_suite; }
tgz=$work/attack-dropper-1.0.0.tgz
mkdir -p "$work/home"

project() { # DIR
	mkdir -p "$1"
	printf '{ "name": "tw-project", "version": "1.0.0", "private": true,\n  "allowScripts": { "attack-dropper": true, "file:%s": true } }\n' "$tgz" >"$1/package.json"
}
install() { # DIR [WRAP...]
	_d=$1
	shift
	(cd "$_d" && HOME=$work/home npm_config_cache=$work/npm-cache PKGGUARD_TEST_C2="" timeout 90 "$@" \
		npm install --no-audit --no-fund --no-update-notifier --offline "$tgz")
}

# CONTROL: without pkgguard the harm happens (the C2 is unreachable here
# too, so the dropper goes on to its second stage at once).
project "$work/plain"
install "$work/plain" env npm_config_script_shell=/bin/sh >/dev/null 2>&1
i=0
while [ ! -s "$work/ld-$TAG.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if [ -f "/tmp/ld-$TAG.sh" ] && [ -s "$work/ld-$TAG.pid" ] && [ ! -e "$work/plain/node_modules/attack-dropper/setup.js" ] &&
	! grep -q postinstall "$work/plain/node_modules/attack-dropper/package.json"; then
	pass "control: the dropper drops /tmp/ld-TAG.sh, starts it, deletes setup.js and rewrites package.json"
else
	fail "control: the dropper drops /tmp/ld-TAG.sh, starts it, deletes setup.js and rewrites package.json" "vacuous: the harm did not happen"
fi
kill "$(cat "$work/ld-$TAG.pid" 2>/dev/null)" 2>/dev/null
rm -f "/tmp/ld-$TAG.sh" "$work/ld-$TAG.pid"

# Sandboxed, with the tripwire.
project "$work/sb"
out=$(install "$work/sb" "$PG" run --strict --report "$work/report.json" -- 2>&1)
rc=$?
if [ $rc = 3 ]; then
	pass "pkgguard run --strict exits 3 for a suspicious script that exited 0"
else
	fail "pkgguard run --strict exits 3 for a suspicious script that exited 0" "exit $rc: $(echo "$out" | tail -n 5 | tr '\n' ' ')"
fi
if echo "$out" | grep -Eq 'attack-dropper@1.0.0 +postinstall +0 .*ok, SUSPICIOUS: '; then
	pass "the table's row says suspicious, with a reason"
else
	fail "the table's row says suspicious, with a reason" "$(echo "$out" | grep -E 'postinstall|pkgguard:' | tr '\n' ' ')"
fi
if [ ! -e "/tmp/ld-$TAG.sh" ] && [ ! -s "$work/ld-$TAG.pid" ]; then
	pass "contained: nothing dropped on the host, no second stage ran"
else
	fail "contained: nothing dropped on the host, no second stage ran" "it did"
fi

# What the report says (node reads the JSON).
check() { # NAME JS-EXPRESSION over s (the dropper's script entry) and r (the report)
	if node -e '
		const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		const s = r.scripts.find((x) => x.package === "attack-dropper");
		const f = (k) => (s ? s.findings : []).filter((x) => x.kind === k);
		const tag = process.argv[2];
		process.exit(('"$2"') ? 0 : 1);' "$work/report.json" "$TAG" 2>/dev/null; then
		pass "$1"
	else
		fail "$1" "$(node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(JSON.stringify(r.scripts.map((s)=>[s.package,s.verdict,s.findings])))' "$work/report.json" 2>&1 | cut -c1-600)"
	fi
}
check "report schema 2, verdict suspicious, totals count it" 'r.schema === 2 && s.verdict === "suspicious" && r.totals.suspicious === 1'
check "record: the C2 name looked up" 'f("dns").some((x) => x.name === "c2-" + tag + ".example")'
check "record: the C2 address and port tried (tcp)" 'f("connect").some((x) => x.address === "203.0.113.7" && x.port === 8000 && x.protocol === "tcp" && !x.local)'
check "record: the dropped second stage, executable, with sha256 and a quarantined copy" 'f("file-left").some((x) => x.path === "/tmp/ld-" + tag + ".sh" && x.executable && /^[0-9a-f]{64}$/.test(x.sha256) && x.quarantine && x.severity === "suspicious")'
check "record: the second stage process, killed" 'f("process-left").some((x) => x.cmdline.includes("ld-" + tag + ".sh") && x.severity === "suspicious")'
check "record: package.json rewritten and setup.js deleted" 'f("self-modified").some((x) => x.path === "package.json" && x.change === "rewrote") && f("self-modified").some((x) => x.path === "setup.js" && x.change === "deleted")'

# The quarantined copy: the file's bytes (its sha256), 0600, in the
# user's state directory.
q=$(node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));const s=r.scripts.find((x)=>x.package==="attack-dropper");const f=s.findings.find((x)=>x.kind==="file-left"&&x.path.endsWith(".sh"));console.log(s.quarantine+"/"+f.quarantine.split("/").pop()+" "+f.sha256)' "$work/report.json" 2>/dev/null)
qf=${q% *}
qs=${q#* }
case "$qf" in "$XDG_STATE_HOME"/pkgguard/runs/run-*) inside=1 ;; *) inside=0 ;; esac
if [ $inside = 1 ] && [ -f "$qf" ] && [ "$(sha256sum <"$qf" | cut -d' ' -f1)" = "$qs" ] && [ "$(stat -c %a "$qf")" = 600 ] &&
	[ "$(stat -c %a "$(dirname "$qf")")" = 700 ]; then
	pass "the quarantined copy has the recorded sha256, mode 0600, in a 0700 directory of the state directory"
else
	fail "the quarantined copy has the recorded sha256, mode 0600, in a 0700 directory of the state directory" "$q $(ls -la "$(dirname "$qf")" 2>&1 | tr '\n' ' ')"
fi

# The kept records: `pkgguard records --suspicious` names the dropper with
# its reason; `pkgguard report FILE` renders the saved report with every
# finding (the C2 name, the dropped file's sha256 and where it is kept).
out=$("$PG" records --suspicious --since 1h 2>&1)
if echo "$out" | grep -Eq "suspicious +attack-dropper@1.0.0 postinstall +exit 0 .+" &&
	echo "$out" | grep -q "kept: $XDG_STATE_HOME/pkgguard/runs/run-"; then
	pass "pkgguard records --suspicious lists the dropper, its reason and where its files are kept"
else
	fail "pkgguard records --suspicious lists the dropper, its reason and where its files are kept" "$out"
fi
out=$("$PG" records --since 2099-01-01 2>&1)
if echo "$out" | grep -q "^no records since then"; then
	pass "pkgguard records --since a later time lists nothing"
else
	fail "pkgguard records --since a later time lists nothing" "$out"
fi
out=$("$PG" report "$work/report.json" 2>&1)
if echo "$out" | grep -Eq 'attack-dropper@1.0.0 +postinstall .*SUSPICIOUS' && echo "$out" | grep -q "looked up c2-$TAG.example" &&
	echo "$out" | grep -q "sha256 $qs" && echo "$out" | grep -q "kept as $qf"; then
	pass "pkgguard report FILE renders the saved report with every finding"
else
	fail "pkgguard report FILE renders the saved report with every finding" "$(echo "$out" | tail -n 12 | tr '\n' ' ')"
fi

# A legitimate script: clean, no findings beyond information.
mkdir -p "$work/ok"
echo '{"name":"ok","version":"1.0.0"}' >"$work/ok/package.json"
mkdir -p "$work/rec"
(cd "$work/ok" && PKGGUARD_RECORD_DIR=$work/rec "$SB" --pkg-dir "$work/ok" -c 'echo hi > out.txt; cat ~/.npmrc >/dev/null; mkdir -p build && echo x > build/y') >/dev/null 2>&1
if grep -q '"verdict": "clean"' "$work"/rec/*.json 2>/dev/null && grep -q '"decoy-opened", "severity": "info"' "$work"/rec/*.json; then
	pass "a script that builds in its directory and reads ~/.npmrc (as a nested npm does) is clean"
else
	fail "a script that builds in its directory and reads ~/.npmrc (as a nested npm does) is clean" "$(cat "$work"/rec/*.json 2>&1 | tr '\n' ' ' | cut -c1-400)"
fi

# Tampering: the script is told where its record directory is and tries to
# write there, plant a symlink, and fill the quarantine with a big file.
tamper() { # RECORD-DIR TMP — the script: forge a record, plant a link, fill TMP
	printf '%s' "echo forged > '$1/forged.json'; ln -s /etc/passwd '$1/x.quarantine'
	head -c 3000000 /dev/zero > $2/big; ln -s /etc/shadow $2/link
	i=0; while [ \$i -lt 12 ]; do head -c 1048576 /dev/urandom > $2/fill\$i; i=\$((i + 1)); done
	printf '#!/bin/sh\\necho hi\\n' > $2/run.sh; chmod 755 $2/run.sh"
}
# CONTROL: the same commands outside the sandbox do write there.
mkdir -p "$work/ctl-rec" "$work/ctl-tmp"
(cd "$work/ok" && sh -c "$(tamper "$work/ctl-rec" "$work/ctl-tmp")") >/dev/null 2>&1
if [ -f "$work/ctl-rec/forged.json" ] && [ -L "$work/ctl-rec/x.quarantine" ]; then
	pass "control: the tampering commands write and link in a directory outside the sandbox"
else
	fail "control: the tampering commands write and link in a directory outside the sandbox" "vacuous: $(ls "$work/ctl-rec" | tr '\n' ' ')"
fi
rm -rf "$work/rec" && mkdir -p "$work/rec"
(cd "$work/ok" && PKGGUARD_RECORD_DIR=$work/rec "$SB" --pkg-dir "$work/ok" -c "$(tamper "$work/rec" /tmp)") >/dev/null 2>&1
n=$(find "$work/rec" -mindepth 1 -maxdepth 1 ! -name '*.json' ! -name '*.quarantine' | wc -l | tr -d ' ')
qmax=$(find "$work/rec" -path '*.quarantine/*' -type f -printf '%s\n' 2>/dev/null | sort -n | tail -n 1)
qsum=$(find "$work/rec" -path '*.quarantine/*' -type f -printf '%s\n' 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')
qexec=$(find "$work/rec" -path '*.quarantine/*' -type f -perm /111 2>/dev/null | head -n 1)
qmode=$(find "$work/rec" -path '*.quarantine/*' -type f ! -perm 600 2>/dev/null | head -n 1)
if [ ! -e "$work/rec/forged.json" ] && [ ! -L "$work/rec/x.quarantine" ] && [ "$n" = 0 ] && [ -n "$qmax" ] &&
	[ "$qmax" -le 1048576 ] && grep -q '"size": 3000000' "$work"/rec/*.json &&
	[ "$qsum" -le 8388608 ] && [ -z "$qexec" ] && [ -z "$qmode" ] &&
	grep -q '"path": "/tmp/run.sh".*"executable": true' "$work"/rec/*.json &&
	! find "$work/rec" -type l | grep -q .; then
	pass "a script cannot write, link or overfill its record directory; copies bounded (1 MiB a file, 8 MiB a script), 0600, never executable"
else
	fail "a script cannot write, link or overfill its record directory; copies bounded (1 MiB a file, 8 MiB a script), 0600, never executable" "quarantine $qsum bytes, exec: $qexec, mode: $qmode; $(ls -la "$work/rec" | tr '\n' ' ' | cut -c1-300)"
fi

# Refused kernel calls, with records on: the tripwire's notification
# filter refuses them instead of the main filter (and counts them); each
# must still be refused with the same errno. CONTROL: outside, they work.
PROBE=$top/$BUILD/tests/probe
if [ ! -x "$PROBE" ]; then
	fail "refused calls: still refused, and counted" "$PROBE is not built"
else
	cp "$PROBE" "$work/ok/probe"
	if "$work/ok/probe" syscall unshare-user >/dev/null 2>&1 && "$work/ok/probe" syscall io_uring_setup >/dev/null 2>&1; then
		pass "control: unshare(CLONE_NEWUSER) and io_uring_setup work outside the sandbox"
	else
		fail "control: unshare(CLONE_NEWUSER) and io_uring_setup work outside the sandbox" "vacuous"
	fi
	rm -rf "$work/rec" && mkdir -p "$work/rec"
	bad=""
	for sc in unshare-user setns mount chroot ptrace-traceme process_vm_readv process_vm_writev bpf perf_event_open \
		userfaultfd io_uring_setup io_uring_enter keyctl add_key request_key init_module; do
		o=$(cd "$work/ok" && PKGGUARD_RECORD_DIR=$work/rec "$SB" --pkg-dir "$work/ok" -- ./probe syscall "$sc" 2>&1)
		case "$o" in *"probe syscall $sc: refused: EPERM"*) ;; *) bad="$bad $sc($o)" ;; esac
	done
	for name in unshare setns mount chroot ptrace process_vm_readv process_vm_writev bpf perf_event_open userfaultfd \
		io_uring_setup io_uring_enter keyctl add_key request_key init_module; do
		grep -q "\"kind\": \"refused-call\", \"severity\": \"info\", \"count\": 1, \"summary\": \"was refused $name()\"" "$work"/rec/*.json ||
			bad="$bad no-record:$name"
	done
	if [ -z "$bad" ]; then
		pass "refused calls: still refused with EPERM when records are on, and each one counted (info)"
	else
		fail "refused calls: still refused with EPERM when records are on, and each one counted (info)" "$bad"
	fi
fi

# Without user namespaces (simulated: a user namespace of our own whose
# max_user_namespaces is 0): no DNS stub, but decoys, files and processes
# left are recorded all the same. CONTROL: the simulation really refuses
# user namespaces.
FBSH='echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"'
if ! unshare -Ur sh -c "$FBSH" fb true 2>/dev/null || unshare -Ur sh -c "$FBSH" fb unshare -U true 2>/dev/null; then
	skip "fallback: files, decoys and processes recorded" "cannot simulate a host without user namespaces here"
else
	rm -rf "$work/rec" && mkdir -p "$work/rec"
	(cd "$work/ok" && PKGGUARD_RECORD_DIR=$work/rec unshare -Ur sh -c "$FBSH" fb "$SB" --pkg-dir "$work/ok" -c '
		cat ~/.ssh/id_ed25519 >/dev/null; printf "#!/bin/sh\nsleep 30\n" > "$TMPDIR/st2.sh"; chmod 755 "$TMPDIR/st2.sh"
		setsid sh "$TMPDIR/st2.sh" </dev/null >/dev/null 2>&1 &') >/dev/null 2>&1
	r=$(cat "$work"/rec/*.json 2>/dev/null)
	if echo "$r" | grep -q '"confinement": "fallback"' && echo "$r" | grep -q '"verdict": "suspicious"' &&
		echo "$r" | grep -q '"decoy-opened", "severity": "suspicious".*id_ed25519' &&
		echo "$r" | grep -q '"path": "\$TMPDIR/st2.sh".*"executable": true' &&
		echo "$r" | grep -q '"process-left"' && echo "$r" | grep -q 'no DNS stub'; then
		pass "fallback: files, decoys and processes recorded (no DNS stub, said so)"
	else
		fail "fallback: files, decoys and processes recorded (no DNS stub, said so)" "$(echo "$r" | grep -e '"confinement"' -e '"tripwire"' -e '"verdict"' -e '"kind"' | sed 's/"sha256": "[0-9a-f]*", //' | tr -s ' \n' '  ' | cut -c1-900)"
	fi
fi
done_testing
