#!/bin/sh
# override_identity.sh — a per-package override is used only for the package
# it names (docs/THREATS.md, who it is). The admin's drop-in gives "puppeteer" the
# project writable; every fixture's postinstall writes
# $INIT_CWD/escaped-<fixture>.txt, which only an applied override allows.
# A local registry (tests/fixtures/registry/serve.py, loopback) serves
# puppeteer 2.0.0 and 2.0.1, evil 1.0.0 and carrier (which depends on
# "puppeteer": "npm:evil@1.0.0"); liar is a file: tarball whose package.json
# says "puppeteer".
#   controls: without pkgguard the alias's script writes into the project;
#             the override, given for the package's real name, lets it;
#             the genuine puppeteer gets its override (legit).
#   attacks:  puppeteer@npm:evil (alias), puppeteer@file:liar.tgz, the
#             genuine tarball at a registry-shaped URL of another origin
#             (http://localhost:PORT/puppeteer/-/…, the registry being
#             127.0.0.1), a nested
#             alias (carrier), the approved package at another version or
#             integrity than its pin ("approved, then compromised"): the
#             override is not used, the file is not written, the report
#             says why with both names.
# Through `pkgguard run` (npm routed, pnpm routed, yarn replayed) and npm's
# script shell (the route `pkgguard enable` writes), as root and as nobody.
. tests/lib.sh
top=$(pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) B=$BUILD ;; *) B=$top/$BUILD ;; esac
unset PKGGUARD_PROFILE_PATH PKGGUARD_PROFILE npm_config_script_shell PNPM_CONFIG_SCRIPT_SHELL npm_config_registry

[ -x "$B/pkgguard" ] && [ -x "$B/pkgguard-sandbox" ] || { fail "override identity suite" "$B is not built"; end_suite; }
for t in npm python3; do
	command -v $t >/dev/null 2>&1 || { skip "override identity" "$t is not installed"; end_suite; }
done

work=$(mktemp -d /var/tmp/pkgguard-identity.XXXXXX)
regpid=""
cleanup() {
	[ -z "$regpid" ] || kill "$regpid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
chmod 755 "$work"
mkdir -p "$work/bin" "$work/tarballs" "$work/admin"
cp "$B/pkgguard" "$B/pkgguard-sandbox" "$work/bin/"
cp -r "$top/profiles" "$work/prof"
PG=$work/bin/pkgguard
SB=$work/bin/pkgguard-sandbox
fix=$top/tests/fixtures/identity
(cd "$work/tarballs" && for d in puppeteer puppeteer-next evil liar carrier; do npm pack --silent "$fix/$d" >/dev/null 2>&1; done)
python3 "$top/tests/fixtures/registry/serve.py" "$work/port" "$work/tarballs/puppeteer-2.0.0.tgz" \
	"$work/tarballs/puppeteer-2.0.1.tgz" "$work/tarballs/evil-1.0.0.tgz" "$work/tarballs/carrier-1.0.0.tgz" \
	>/dev/null 2>"$work/registry.err" &
regpid=$!
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do [ -s "$work/port" ] && break; sleep 0.25; done
[ -s "$work/port" ] || { fail "override identity: local registry" "did not start: $(cat "$work/registry.err")"; end_suite; }
REG=http://127.0.0.1:$(cat "$work/port")/
INTEGRITY=$(python3 -c 'import base64,hashlib,sys; print("sha512-"+base64.b64encode(hashlib.sha512(open(sys.argv[1],"rb").read()).digest()).decode())' \
	"$work/tarballs/puppeteer-2.0.0.tgz")

# the admin's drop-ins: ADMIN_PIN (a line of pins) is set per row
admin() { # PATTERN PIN_LINE
	for _pm in npm pnpm yarn; do
		printf 'version = 1;\ninherit = "%s";\npackages = ( { name = "%s"; %s\n  filesystem = { read_write = [ "${PROJECT_DIR}" ]; }; } );\n' \
			"$_pm" "$1" "$2" >"$work/admin/$_pm.conf"
	done
	chmod -R a+rX "$work/admin"
}
chmod -R a+rX "$work"

RUNAS=""
new_project() { # PM DIR
	rm -rf "$2"
	mkdir -p "$2"
	case "$1" in
	npm) printf '{ "name": "p", "version": "1.0.0", "private": true,\n  "allowScripts": { "puppeteer": true, "evil": true, "carrier": true, "file:%s/tarballs/puppeteer-6.6.6.tgz": true } }\n' "$work" >"$2/package.json" ;;
	pnpm)
		echo '{ "name": "p", "version": "1.0.0", "private": true }' >"$2/package.json"
		printf 'allowBuilds:\n  puppeteer: true\n  evil: true\n  "puppeteer@file:../tarballs/puppeteer-6.6.6.tgz": true\n' >"$2/pnpm-workspace.yaml"
		;;
	yarn) echo '{ "name": "p", "version": "1.0.0", "private": true }' >"$2/package.json" ;;
	esac
	st=$work/state-${2##*/}-$T_AS
	rm -rf "$st"
	mkdir -p "$st"
	[ -z "$RUNAS" ] || chown -R 65534:65534 "$2" "$st"
}

# install PM DIR WRAP SPEC [VAR=VALUE...]; ROUTE=daemon: no wrapper, the
# script shell /bin/sh, pkgguardd (enforce) running for this install only.
ROUTE=""
install() {
	_pm=$1 _dir=$2 _wrap=$3 _spec=$4
	shift 4
	if [ "$ROUTE" = daemon ]; then
		set -- "$@" npm_config_script_shell=/bin/sh PNPM_CONFIG_SCRIPT_SHELL=/bin/sh
		start_daemon enforce || { echo "pkgguardd did not start: $(tail -n 1 "$work/d.err")" >"$work/out"; return 125; }
		install_now "$_pm" "$_dir" "" "$_spec" "$@"
		_rc=$?
		stop_daemon
		return $_rc
	fi
	install_now "$_pm" "$_dir" "$_wrap" "$_spec" "$@"
}
install_now() {
	_pm=$1 _dir=$2 _wrap=$3 _spec=$4
	shift 4
	case "$_pm" in
	npm) set -- "$@" timeout 90 $_wrap npm install --no-audit --no-fund --no-update-notifier --foreground-scripts --registry "$REG" "$_spec" ;;
	pnpm) set -- "$@" timeout 90 $_wrap pnpm add --registry "$REG" --store-dir "$st/store" "$_spec" ;;
	yarn) set -- "$@" YARN_CACHE_FOLDER="$st/yarn-cache" timeout 90 $_wrap yarn add --non-interactive --registry "$REG" "$_spec" ;;
	esac
	# shellcheck disable=SC2086
	(cd "$_dir" && exec $RUNAS env HOME="$st" npm_config_cache="$st/npm-cache" \
		XDG_CACHE_HOME="$st/xdg" XDG_CONFIG_HOME="$st/xdg" XDG_DATA_HOME="$st/xdg" \
		PKGGUARD_PROFILE_PATH="$work/admin:$work/prof" "$@") >"$work/out" 2>&1
}

tail3() { tail -n 4 "$work/out" | tr '\n' ' ' | cut -c1-500; }

# expect NAME DIR FIXTURE written|absent [TEXT...] — the effect, and for an
# absent file the texts the output must hold (the reason, both names).
expect() {
	_n=$1 _d=$2 _f=$3 _want=$4
	shift 4
	if [ "$_want" = written ]; then
		if [ -e "$_d/escaped-$_f.txt" ]; then pass "$_n"; else fail "$_n" "escaped-$_f.txt not written: $(tail3)"; fi
		return
	fi
	if [ -e "$_d/escaped-$_f.txt" ]; then
		fail "$_n" "the override was used: escaped-$_f.txt written"
		return
	fi
	# not vacuous: the script ran (in the sandbox, which let it write only
	# its own directory)
	if ! find -L "$_d/node_modules" -name ran.txt 2>/dev/null | grep -q .; then
		fail "$_n" "the script did not run: $(tail3)"
		return
	fi
	# pnpm and yarn show a script's stderr only under pkgguard run (its
	# report): under pkgguardd the effect is what is checked
	if [ "$ROUTE" = daemon ] && [ "$pm" != npm ]; then
		pass "$_n"
		return
	fi
	for _t in "$@"; do
		if ! grep -qF -- "$_t" "$work/out"; then
			fail "$_n" "no \"$_t\" in the output: $(tail3)"
			return
		fi
	done
	pass "$_n"
}

rows_npm() { # ROUTE: run | shell | daemon
	route=$1 pm=npm
	case $route in
	run) W="$PG run --" V="" ;;
	shell) W="" V="npm_config_script_shell=$SB" ;;
	daemon) W="" V="" ;;
	esac
	p=$work/p-npm-$route
	admin puppeteer ""
	new_project npm "$p"
	install npm "$p" "$W" puppeteer@2.0.0 $V
	expect "legit: npm ($route): the genuine puppeteer gets its override" "$p" puppeteer written
	if [ "$route" = run ]; then
		if grep -q 'puppeteer@2.0.0 .*postinstall .* ok, override .*admin/npm.conf:3' "$work/out"; then
			pass "legit: npm (run): the table names the override that applied"
		else
			fail "legit: npm (run): the table names the override that applied" "$(tail3)"
		fi
	fi
	new_project npm "$p"
	install npm "$p" "$W" puppeteer@npm:evil@1.0.0 $V
	expect "npm ($route): puppeteer@npm:evil: override not used" "$p" evil absent \
		'not used' 'directory name "puppeteer"' 'evil'
	new_project npm "$p"
	install npm "$p" "$W" "puppeteer@file:$work/tarballs/puppeteer-6.6.6.tgz" $V
	expect "npm ($route): puppeteer@file:liar.tgz (package.json says puppeteer): override not used" "$p" liar absent \
		'not used' 'not a registry tarball'
	# the genuine tarball, registry-shaped path, from another origin than the
	# configured registry (localhost, not 127.0.0.1): anyone can serve that
	new_project npm "$p"
	install npm "$p" "$W" "puppeteer@http://localhost:${REG#http://127.0.0.1:}puppeteer/-/puppeteer-2.0.0.tgz" $V
	expect "npm ($route): puppeteer from a registry-shaped URL of another origin: override not used" "$p" puppeteer \
		absent 'not used' 'not the registry configured'
	new_project npm "$p"
	install npm "$p" "$W" carrier@1.0.0 $V
	expect "npm ($route): a nested alias (carrier -> puppeteer@npm:evil): override not used" "$p" evil absent \
		'not used' 'directory name "puppeteer"'
	admin puppeteer "integrity = \"$INTEGRITY\";"
	new_project npm "$p"
	install npm "$p" "$W" puppeteer@2.0.0 $V
	expect "legit: npm ($route): integrity pin of the approved tarball: override used" "$p" puppeteer written
	new_project npm "$p"
	install npm "$p" "$W" puppeteer@2.0.1 $V
	expect "npm ($route): approved, then compromised (integrity pin, new tarball): override not used" "$p" \
		puppeteer-next absent 'not used' 'pinned to integrity'
	admin puppeteer 'version = "2.0.0";'
	new_project npm "$p"
	install npm "$p" "$W" puppeteer@2.0.1 $V
	expect "npm ($route): approved, then compromised (version pin 2.0.0, installed 2.0.1): override not used" "$p" \
		puppeteer-next absent 'not used' 'pinned to version 2.0.0'
}

rows_other() { # PM
	pm=$1 how="pkgguard run"
	[ "$ROUTE" = daemon ] && how=pkgguardd
	if ! command -v "$pm" >/dev/null 2>&1; then
		skip "$pm: override identity rows" "$pm is not installed"
		return
	fi
	p=$work/p-$pm
	admin puppeteer ""
	new_project "$pm" "$p"
	install "$pm" "$p" "$PG run --" puppeteer@2.0.0
	if [ "$ROUTE" = daemon ] && [ "$pm" = yarn ]; then
		# yarn classic writes yarn.lock after the scripts and tells them
		# nothing: in a fresh install nothing records where the package
		# came from yet, so its override is not used (fail-safe)
		expect "$pm ($how): a fresh install, nothing records the source yet: override not used" "$p" puppeteer absent
	else
		expect "legit: $pm ($how): the genuine puppeteer gets its override" "$p" puppeteer written
	fi
	new_project "$pm" "$p"
	install "$pm" "$p" "$PG run --" puppeteer@npm:evil@1.0.0
	# pnpm runs it in its store directory, .pnpm/evil@1.0.0/node_modules/evil:
	# the name is evil's there, no override matches
	if [ "$pm" = pnpm ]; then
		expect "$pm ($how): puppeteer@npm:evil: no override" "$p" evil absent
	else
		expect "$pm ($how): puppeteer@npm:evil: override not used" "$p" evil absent \
			'not used' 'directory name "puppeteer"' 'evil'
	fi
	new_project "$pm" "$p"
	install "$pm" "$p" "$PG run --" "puppeteer@file:../tarballs/puppeteer-6.6.6.tgz"
	expect "$pm ($how): puppeteer@file:liar.tgz: override not used" "$p" liar absent 'not used'
}

controls() {
	p=$work/p-control pm=npm
	_route=$ROUTE
	ROUTE="" # without pkgguard: no daemon either
	new_project npm "$p"
	install npm "$p" "" puppeteer@npm:evil@1.0.0 npm_config_script_shell=/bin/sh
	expect "control: npm puppeteer@npm:evil without pkgguard writes into the project" "$p" evil written
	admin evil ""
	ROUTE=$_route # the mechanism: through pkgguard (run, or pkgguardd)
	new_project npm "$p"
	install npm "$p" "$PG run --" evil@1.0.0
	ROUTE=""
	expect "control: an override for the real name (evil) lets its script write the project" "$p" evil written
	new_project npm "$p"
	install npm "$p" "" "puppeteer@file:$work/tarballs/puppeteer-6.6.6.tgz" npm_config_script_shell=/bin/sh
	expect "control: npm puppeteer@file:liar.tgz without pkgguard writes into the project" "$p" liar written
	ROUTE=$_route
}

pass_as() {
	T_AS=$1
	controls
	if [ "$ROUTE" = daemon ]; then
		rows_npm daemon
	else
		rows_npm run
		rows_npm shell
	fi
	rows_other pnpm
	rows_other yarn
}
if [ -n "${IDENTITY_DAEMON:-}" ]; then
	cp "$B/pkgguardd" "$work/bin/"
	DAEMON_BIN=$work/bin/pkgguardd
	. tests/daemon_lib.sh
	DENV="PKGGUARD_PROFILE_PATH=$work/admin:$work/prof"
	trap 'stop_daemon; cleanup' EXIT
	ROUTE=daemon
fi

pass_as "$(id -un)"
if [ "$(id -u)" = 0 ]; then
	if setpriv --reuid=65534 --regid=65534 --clear-groups -- test -x "$PG"; then
		RUNAS="setpriv --reuid=65534 --regid=65534 --clear-groups --"
		pass_as nobody
	else
		T_AS=nobody
		skip "override identity rows" "nobody cannot run $PG"
	fi
fi
done_testing
