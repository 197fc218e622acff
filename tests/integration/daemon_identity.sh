#!/bin/sh
# daemon_identity.sh — the override identity rows of override_identity.sh
# with no wrapper and no routing: plain `npm install`, `pnpm add`, `yarn add`
# (the script shell named as /bin/sh) while pkgguardd (enforce) reparses
# every install script into pkgguard-sandbox, which checks the package's
# identity before it uses an override. The admin's drop-in is named in the
# daemon's environment alone (it hands its own profile directories to the
# sandbox). Same fixtures, controls and effect checks; the daemon runs for
# each install only and is stopped by its pid.
. tests/lib.sh
if [ "$(id -u)" != 0 ]; then
	skip "override identity under pkgguardd" "needs root (fanotify permission events, ptrace of any process)"
	end_suite
fi
if [ ! -x "${BUILD:-build}/pkgguardd" ]; then
	fail "override identity under pkgguardd" "${BUILD:-build}/pkgguardd is not built"
	end_suite
fi
IDENTITY_DAEMON=1
. tests/integration/override_identity.sh
