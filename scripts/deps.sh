#!/bin/sh
# deps.sh [build|test] — bring in the Debian packages pkgguard builds and
# tests with, in two tiers: `build` (what `make` needs: compiler and
# libraries) and `test` (build, plus what `make check`, `make lint`,
# `make fuzz` and `make bench` use). Fast when everything is there; installs
# what is missing with apt-get as root; otherwise names the missing packages
# and fails.
set -eu
tier=${1:-build}
case "$tier" in
build | test) ;;
*)
	echo "usage: deps.sh [build|test]" >&2
	exit 2
	;;
esac

# package:probe pairs; a probe is a pkg-config module, a command, a file, a
# glob that must match a file, or a module Debian's own python imports (py=:
# not a pyenv or venv python on PATH; the pip suite builds with
# /usr/bin/python3).
need_build="
libseccomp-dev:pc=libseccomp
libcap-ng-dev:pc=libcap-ng
libconfig-dev:pc=libconfig
libsystemd-dev:pc=libsystemd
libjson-c-dev:pc=json-c
libyaml-dev:pc=yaml-0.1
pkg-config:cmd=pkg-config
gcc:cmd=gcc
make:cmd=make
"
# clang: make lint's second build, and the fuzz targets with clang's
# fuzzer runtime (libclang-rt-14-dev: Debian 12's clang is 14).
need_test="
libcmocka-dev:pc=cmocka
clang:cmd=clang
libclang-rt-14-dev:glob=/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a
cppcheck:cmd=cppcheck
shellcheck:cmd=shellcheck
bubblewrap:cmd=bwrap
python3:cmd=python3
python3-venv:py=ensurepip
python3-setuptools:py=setuptools
python3-pip:py=pip
python3-setuptools-whl:file=/usr/share/doc/python3-setuptools-whl
python3-wheel-whl:file=/usr/share/doc/python3-wheel-whl
python3-dev:file=/usr/bin/python3-config
iproute2:cmd=ip
util-linux:cmd=unshare
strace:cmd=strace
systemd:cmd=systemd-analyze
groff-base:cmd=groff
man-db:cmd=man
apparmor:cmd=apparmor_parser
dpkg-dev:cmd=dpkg-buildpackage
debhelper:cmd=dh
"
need=$need_build
[ "$tier" = test ] && need="$need_build $need_test"

missing=""
for item in $need; do
	pkg=${item%%:*}
	probe=${item#*:}
	case "$probe" in
	pc=*) pkg-config --exists "${probe#pc=}" 2>/dev/null && continue ;;
	cmd=*) command -v "${probe#cmd=}" >/dev/null 2>&1 && continue ;;
	file=*) [ -e "${probe#file=}" ] && continue ;;
	glob=*)
		found=0
		for f in ${probe#glob=}; do [ -e "$f" ] && found=1; done
		[ "$found" = 1 ] && continue
		;;
	py=*) /usr/bin/python3 -I -c "import ${probe#py=}" >/dev/null 2>&1 && continue ;;
	esac
	missing="$missing $pkg"
done

# Optional: pnpm 12 and yarn 1 from the npm registry, for the pnpm and yarn
# rows of the integration suites (attack_corpus.sh, legit.sh, replay.sh…). Installed only when
# missing; never fails `make deps`: the suite skips those rows and says why.
js_package_managers() {
	if ! command -v npm >/dev/null 2>&1; then
		echo "deps: npm not found, pnpm/yarn not installed (their test rows are skipped)" >&2
		return 0
	fi
	want=""
	command -v pnpm >/dev/null 2>&1 || want="$want pnpm@12"
	command -v yarn >/dev/null 2>&1 || want="$want yarn@1"
	[ -n "$want" ] || return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: optional$want not installed (needs root: npm install -g$want); their test rows are skipped" >&2
		return 0
	fi
	echo "deps: installing optional$want from the npm registry" >&2
	# shellcheck disable=SC2086
	if ! timeout 300 npm install -g --no-fund --no-audit --no-update-notifier $want >&2; then
		echo "deps: could not install$want (optional: their test rows are skipped)" >&2
	fi
	return 0
}

if [ -z "$missing" ]; then
	[ "$tier" = build ] || js_package_managers
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing Debian packages ($tier tier):$missing (run 'sh scripts/deps.sh $tier' as root)" >&2
	exit 1
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 || true
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
[ "$tier" = build ] || js_package_managers
