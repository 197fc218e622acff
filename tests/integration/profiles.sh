#!/bin/sh
# profiles.sh — `pkgguard-sandbox --check-profile` on real files:
#  - every fixture in tests/profiles/bad/ is refused with exit 125 and a
#    "FILE:LINE: ..." message; its first line says where and what:
#      # expect: FILE:LINE KEYWORD
#  - the shipped profiles and tests/profiles/good/ load, and the policy they
#    print re-checks cleanly to the very same policy;
#  - a profile name that is nowhere on the path is refused with "not found".
# No sandbox is entered: this needs no privileges and no namespaces.
. tests/lib.sh

BUILD=${BUILD:-build}
SB=$BUILD/pkgguard-sandbox
if [ ! -x "$SB" ]; then
	skip "profiles" "$SB is not built"
	end_suite
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A HOME that is nobody's: the path rules compare against $HOME, and what
# these tests expect must not depend on where the caller's home is.
FAKE_HOME=/nonexistent/pkgguard-home

# run PROFILE_PATH ARGS... — sets $rc; output in $tmp/out and $tmp/err.
run() {
	_p=$1
	shift
	PKGGUARD_PROFILE_PATH=$_p HOME=$FAKE_HOME "$SB" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# ---- bad profiles -------------------------------------------------------

check_bad() {
	_f=$1
	_n=bad/$(basename "$_f" .conf)
	_expect=$(sed -n '1s/^# expect: //p' "$_f")
	_loc=${_expect%% *}
	_kw=${_expect#* }
	if [ -z "$_expect" ]; then
		fail "$_n" "fixture has no '# expect: FILE:LINE KEYWORD' first line"
		return
	fi
	run tests/profiles/bad --check-profile "$_f"
	_msg=$(head -c 400 "$tmp/err" | tr '\n' ' ')
	if [ "$rc" -ne 125 ]; then
		fail "$_n" "exit $rc, expected 125 ($_msg)"
	elif ! grep -qF "pkgguard-sandbox: tests/profiles/bad/$_loc: " "$tmp/err"; then
		fail "$_n" "message does not name tests/profiles/bad/$_loc ($_msg)"
	elif ! grep -qF -- "$_kw" "$tmp/err"; then
		fail "$_n" "message lacks \"$_kw\" ($_msg)"
	elif [ -s "$tmp/out" ]; then
		fail "$_n" "printed a policy although the profile is bad"
	else
		pass "$_n refused at $_loc"
	fi
}

for f in tests/profiles/bad/*.conf; do
	check_bad "$f"
done

# ---- good profiles: load, print, re-check, same policy -------------------

# roundtrip NAME PROFILE_PATH FILE [ARGS...] — leaves the first print in
# $tmp/printed.conf for further greps; returns non-zero after a failure.
roundtrip() {
	_n=$1
	_p=$2
	_f=$3
	shift 3
	run "$_p" --check-profile "$_f" "$@"
	if [ "$rc" -ne 0 ]; then
		fail "$_n" "exit $rc ($(head -c 400 "$tmp/err" | tr '\n' ' '))"
		return 1
	fi
	cp "$tmp/out" "$tmp/printed.conf"
	# shellcheck disable=SC2016 # a literal "${", nothing to expand
	if grep -qF '${' "$tmp/printed.conf"; then
		fail "$_n" "printed policy still holds a \${VARIABLE}"
		return 1
	fi
	run "" --check-profile "$tmp/printed.conf" "$@"
	if [ "$rc" -ne 0 ]; then
		fail "$_n" "printed policy does not re-check: $(head -c 400 "$tmp/err" | tr '\n' ' ')"
		return 1
	fi
	# Comments name the source file, which differs; the policy must not.
	grep -v '^#' "$tmp/printed.conf" >"$tmp/a"
	grep -v '^#' "$tmp/out" >"$tmp/b"
	if ! cmp -s "$tmp/a" "$tmp/b"; then
		fail "$_n" "re-checked policy differs: $(diff "$tmp/a" "$tmp/b" | head -n 4 | tr '\n' ' ')"
		return 1
	fi
	pass "$_n loads and re-checks to the same policy"
}

# has NAME TEXT... — each TEXT must be in the last printed policy.
has() {
	_n=$1
	shift
	for _t in "$@"; do
		if ! grep -qF -- "$_t" "$tmp/printed.conf"; then
			fail "$_n" "printed policy lacks: $_t"
			return
		fi
	done
	pass "$_n"
}

if roundtrip shipped/default profiles profiles/default.conf; then
	has "shipped/default: no network, secrets hidden, tokens stripped" \
		'network = "none";' '"/etc/shadow"' '"*TOKEN*"' '"TMPDIR=/tmp"' "\"$(pwd)\""
fi
if roundtrip shipped/npm profiles profiles/npm.conf; then
	has "shipped/npm: inherits default, keeps npm_*" \
		'"npm_*"' '"*TOKEN*"' '"npm_config__auth*"' '"/etc/shadow"' 'timeout = 900;'
fi
if roundtrip shipped/pip profiles profiles/pip.conf; then
	has "shipped/pip: inherits default, keeps pip's hook variables, strips index URLs, matches pip" \
		'"PEP517_*"' '"_PYPROJECT_HOOKS_*"' '"PYTHONPATH"' '"PIP_*"' '"PIP_*INDEX_URL*"' '"*TOKEN*"' \
		'network = "none";' '"/etc/shadow"' '"pip3.11"' '"git"'
fi
if roundtrip good/full profiles tests/profiles/good/full.conf; then
	has "good/full: every key" 'hostname = "pkgguard-full";' '"/etc/machine-id"' \
		'"QUOTED=a \"b\" \\c"' 'as_mb = 8589934592L;' '"swapon"' 'network = "none";'
fi
if roundtrip good/full+esbuild profiles tests/profiles/good/full.conf --package esbuild; then
	has "good/full: package override applied and recorded" \
		'network = "host";' '# package override: esbuild (tests/profiles/good/full.conf:'
fi
if roundtrip "good/full+@types/node" profiles tests/profiles/good/full.conf --package @types/node; then
	has "good/full: glob package override" 'timeout = 60;' 'network = "none";'
fi
# The admin drop-in: same name, extends the shipped npm profile.
if roundtrip good/dropin tests/profiles/good:profiles npm; then
	has "good/dropin: drop-in, shipped npm and default all applied" \
		'"/srv/company-secrets"' 'timeout = 300;' '"npm_*"' '"/etc/shadow"' \
		'# source:   tests/profiles/good/npm.conf'
fi

# ---- a profile that is nowhere ------------------------------------------

run "$(pwd)/profiles" --profile nosuchprofile -- true
if [ "$rc" -eq 125 ] && grep -q 'not found' "$tmp/err"; then
	pass "missing profile refused"
else
	fail "missing profile refused" "exit $rc ($(head -c 300 "$tmp/err" | tr '\n' ' '))"
fi

# ---- --only-profiles: the caller's search path, the environment ignored --
# (pkgguardd reparses with its own directories; a PKGGUARD_PROFILE_PATH in
# the package manager's environment must not choose the policy.) Control:
# the permissive directory is taken from the environment without it.
mkdir -p "$tmp/permissive"
cp profiles/*.conf "$tmp/permissive/"
sed -i 's/^network = "none";/network = "host";/' "$tmp/permissive/default.conf"
run "$tmp/permissive" --check-profile npm
if [ "$rc" -eq 0 ] && grep -q '^network = "host";' "$tmp/out"; then
	pass "control: PKGGUARD_PROFILE_PATH of a permissive directory gives npm network = host"
else
	fail "control: PKGGUARD_PROFILE_PATH of a permissive directory gives npm network = host" "exit $rc ($(head -c 300 "$tmp/err" | tr '\n' ' '))"
fi
run "$tmp/permissive" --only-profiles "$(pwd)/profiles" --check-profile npm
if [ "$rc" -eq 0 ] && grep -q '^network = "none";' "$tmp/out"; then
	pass "--only-profiles DIR: the permissive PKGGUARD_PROFILE_PATH is ignored (network = none)"
else
	fail "--only-profiles DIR: the permissive PKGGUARD_PROFILE_PATH is ignored" "exit $rc ($(grep network "$tmp/out") $(head -c 300 "$tmp/err" | tr '\n' ' '))"
fi
run "$tmp/permissive" --only-profiles /nonexistent/pkgguard-profiles --check-profile npm
if [ "$rc" -eq 125 ] && grep -q 'not found' "$tmp/err"; then
	pass "--only-profiles DIR: a profile missing from DIR is not looked up elsewhere (exit 125)"
else
	fail "--only-profiles DIR: a profile missing from DIR is not looked up elsewhere" "exit $rc ($(head -c 300 "$tmp/err" | tr '\n' ' '))"
fi
run "" --only-profiles profiles --check-profile npm
if [ "$rc" -eq 125 ] && grep -q 'not an absolute path' "$tmp/err"; then
	pass "--only-profiles with a relative directory is refused (exit 125)"
else
	fail "--only-profiles with a relative directory is refused" "exit $rc ($(head -c 300 "$tmp/err" | tr '\n' ' '))"
fi
done_testing
