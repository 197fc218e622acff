#!/bin/sh
# deps.sh — bring in the Debian packages pkgguard builds and tests with.
# Fast when everything is there; installs what is missing with apt-get as
# root; otherwise names the missing packages and fails.
set -eu

# package:probe pairs; a probe is a pkg-config module or a command.
need="
libseccomp-dev:pc=libseccomp
libcap-ng-dev:pc=libcap-ng
libconfig-dev:pc=libconfig
libsystemd-dev:pc=libsystemd
libcmocka-dev:pc=cmocka
pkg-config:cmd=pkg-config
gcc:cmd=gcc
clang:cmd=clang
cppcheck:cmd=cppcheck
bubblewrap:cmd=bwrap
python3:cmd=python3
iproute2:cmd=ip
util-linux:cmd=unshare
strace:cmd=strace
"

missing=""
for item in $need; do
	pkg=${item%%:*}
	probe=${item#*:}
	case "$probe" in
	pc=*) pkg-config --exists "${probe#pc=}" 2>/dev/null && continue ;;
	cmd=*) command -v "${probe#cmd=}" >/dev/null 2>&1 && continue ;;
	file=*) [ -e "${probe#file=}" ] && continue ;;
	esac
	missing="$missing $pkg"
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing Debian packages:$missing (run 'make deps' as root)" >&2
	exit 1
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 || true
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
