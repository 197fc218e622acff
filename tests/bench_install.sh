#!/bin/sh
# bench_install.sh BUILD — what pkgguard costs a real `npm install`.
# A fixture project depends on 40 local packages, each with a trivial
# postinstall (`node -e ""`), installed from local tarballs (npm's cache warm:
# one warm-up install first, then every run from the lockfile into an empty
# node_modules). Timed plain, with npm's script shell routed to
# pkgguard-sandbox, and through `pkgguard run` when BUILD/pkgguard exists;
# 5 runs each, round-robin so drift hits every variant alike. Prints the
# medians and the ratio to plain (target <= 1.15). Not a test: no timed
# assertion, exit 0 unless something could not run.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-${BUILD:-build}}
case $BUILD in /*) B=$BUILD ;; *) B=$top/$BUILD ;; esac
SB=$B/pkgguard-sandbox
PG=$B/pkgguard
RUNS=${RUNS:-5}
NPKG=40
export PKGGUARD_PROFILE_PATH="$top/profiles"
unset npm_config_script_shell
# Same work inside and outside: the sandbox keeps only the environment its
# profile lists, and NODE_EXTRA_CA_CERTS alone (a CA bundle parsed at every
# node start, ~40 ms here) would make the sandboxed installs look faster.
unset NODE_EXTRA_CA_CERTS NODE_OPTIONS

command -v npm >/dev/null 2>&1 || { echo "bench_install: npm is not installed" >&2; exit 1; }
[ -x "$SB" ] || { echo "bench_install: $SB is not built (make)" >&2; exit 1; }

work=$(mktemp -d /var/tmp/pkgguard-bench-install.XXXXXX)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP

# ---- fixture -------------------------------------------------------------
mkdir -p "$work/src" "$work/tarballs" "$work/project"
deps=""
allow=""
i=1
while [ $i -le $NPKG ]; do
	name=$(printf 'bench-pkg-%02d' $i)
	mkdir -p "$work/src/$name"
	# `: >ran` only lets each run check that every script really ran.
	printf '{ "name": "%s", "version": "1.0.0", "scripts": { "postinstall": "node -e \\"\\" && : >ran" } }\n' \
		"$name" >"$work/src/$name/package.json"
	deps="$deps${deps:+,}
    \"$name\": \"file:../tarballs/$name-1.0.0.tgz\""
	allow="$allow${allow:+, }\"$name\": true"
	i=$((i + 1))
done
(cd "$work/tarballs" && npm pack --silent "$work"/src/* >/dev/null 2>&1) ||
	{ echo "bench_install: npm pack failed" >&2; exit 1; }
cat >"$work/project/package.json" <<EOT
{
  "name": "bench-install-project",
  "version": "1.0.0",
  "private": true,
  "dependencies": {$deps
  },
  "allowScripts": { $allow }
}
EOT
cd "$work/project" || exit 1
flags="--no-audit --no-fund --no-update-notifier --prefer-offline --loglevel=error"

# One install of each kind, untimed: fills npm's cache, writes the lockfile,
# and shows that every variant works before anything is timed.
# shellcheck disable=SC2086 # $flags is a list of words
install_plain() { npm install $flags; }
# shellcheck disable=SC2086
install_sandbox() { npm_config_script_shell=$SB npm install $flags; }
# shellcheck disable=SC2086
install_pkgguard() { "$PG" run -- npm install $flags; }
# ran — every package is there and its postinstall ran.
ran() {
	_n=$(find node_modules -mindepth 2 -maxdepth 2 -path 'node_modules/bench-pkg-*/ran' | wc -l)
	[ "$_n" -eq $NPKG ] || { echo "bench_install: the $v install ran $_n of $NPKG postinstalls" >&2; exit 1; }
}
variants="plain sandbox"
if [ -x "$PG" ]; then
	variants="$variants pkgguard"
else
	echo "note: $PG is not built yet; timing plain and sandbox only"
fi
for v in $variants; do
	rm -rf node_modules
	if ! "install_$v" >"$work/warm-$v.log" 2>&1; then
		echo "bench_install: the $v install failed:" >&2
		tail -n 5 "$work/warm-$v.log" >&2
		exit 1
	fi
	ran
done

now_ms() { echo $(($(date +%s%N) / 1000000)); }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# ---- timed, round-robin --------------------------------------------------
r=1
while [ $r -le "$RUNS" ]; do
	for v in $variants; do
		rm -rf node_modules
		t0=$(now_ms)
		"install_$v" >/dev/null 2>&1 || { echo "bench_install: $v run $r failed" >&2; exit 1; }
		t1=$(now_ms)
		ran
		echo $((t1 - t0)) >>"$work/times-$v"
	done
	r=$((r + 1))
done

plain=$(median <"$work/times-plain")
echo "npm install of $NPKG packages with a postinstall each, median of $RUNS runs:"
for v in $variants; do
	m=$(median <"$work/times-$v")
	case $v in
	plain) label="plain npm install" ;;
	sandbox) label="npm_config_script_shell=pkgguard-sandbox" ;;
	pkgguard) label="pkgguard run -- npm install" ;;
	esac
	printf '  %-42s %6d ms   ratio %s   (runs: %s)\n' "$label" "$m" \
		"$(awk -v a="$m" -v b="$plain" 'BEGIN { printf "%.3f", a / b }')" "$(tr '\n' ' ' <"$work/times-$v")"
done
echo "target: ratio <= 1.15"
