#!/bin/sh
# build.sh — the tree builds clean (-Werror) with clang as well as gcc, and
# cppcheck finds nothing. Rows of make check so a regression is counted.
. tests/lib.sh
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT INT TERM

if command -v clang >/dev/null 2>&1; then
	expect_ok "clang -Werror build of every program and test" \
		make --no-print-directory -s BUILD="$out/clang" CC=clang test-bins
else
	skip "clang -Werror build" "clang is not installed"
fi
if command -v cppcheck >/dev/null 2>&1; then
	expect_ok "cppcheck (make lint) finds nothing" make --no-print-directory -s lint
else
	skip "cppcheck" "cppcheck is not installed"
fi
done_testing
