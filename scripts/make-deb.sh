#!/bin/sh
# make-deb.sh OUTDIR — builds the Debian package (debian/) from a copy of
# this tree's files (git's tracked and untracked-but-not-ignored files, so
# an uncommitted change is in it and the work tree gets no build debris),
# with dpkg-buildpackage; the .deb is left in OUTDIR. A build whose sources
# are byte for byte the last one's is reused (the tests call this too).
set -eu
out=$1
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
for c in dpkg-buildpackage dh; do
	command -v "$c" >/dev/null 2>&1 ||
		{ echo "deb: $c not found (Debian packages dpkg-dev and debhelper; make deps installs them)" >&2; exit 1; }
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
if git rev-parse --git-dir >/dev/null 2>&1; then
	git ls-files -co --exclude-standard -z | grep -zv '^debian/.*\.deb$' >"$out/files"
else
	find . -path ./build -prune -o -path './build-*' -prune -o -type f -print0 | sed -z 's|^\./||' >"$out/files"
fi
sum=$(xargs -0 sha256sum <"$out/files" | sha256sum | cut -d' ' -f1)
version=$(dpkg-parsechangelog -S Version)
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
deb=$out/pkgguard_${version}_$arch.deb
if [ -f "$deb" ] && [ "$(cat "$out/sources.sha256" 2>/dev/null)" = "$sum" ]; then
	echo "deb: $deb is up to date"
	exit 0
fi
rm -rf "$out/src" "$deb" "$out/sources.sha256"
mkdir -p "$out/src"
tar -C "$top" --null -T "$out/files" -cf - | tar -C "$out/src" -xf -
echo "deb: dpkg-buildpackage -b -us -uc in $out/src (log: $out/build.log)"
if ! (cd "$out/src" && dpkg-buildpackage -b -us -uc -j"$(nproc 2>/dev/null || echo 2)" >"$out/build.log" 2>&1); then
	tail -n 20 "$out/build.log" >&2
	echo "deb: dpkg-buildpackage failed (whole log: $out/build.log)" >&2
	exit 1
fi
rm -rf "$out/src"
echo "$sum" >"$out/sources.sha256"
echo "deb: $deb"
