#!/bin/sh
# daemon_legit.sh — the legitimate scripts of legit.sh (a postinstall that
# prints, one that runs its shipped binary, a file: dependency that builds,
# a nested npm run, a node-gyp C addon built offline and loaded) with plain
# npm, pnpm and yarn and no routing, pkgguardd reparsing each script into
# the sandbox: every install must still succeed.
. tests/lib.sh
if [ "$(id -u)" != 0 ]; then
	skip "legitimate scripts under pkgguardd" "needs root (fanotify permission events, ptrace of any process)"
	end_suite
fi
LEGIT_DAEMON=1
. tests/integration/legit.sh
