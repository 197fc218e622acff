#!/bin/sh
# daemon_corpus.sh — the attack corpus of attack_corpus.sh with no wrapper
# and no routing at all: plain `npm install`, `pnpm add` and `yarn add` (the
# script shell named explicitly as /bin/sh, so nothing routes them), with
# pkgguardd running in enforce mode, which reparses every install script
# into pkgguard-sandbox. Same fixtures, same controls (run without the
# daemon), same effect checks; the daemon is started for each contained
# install and stopped by pid. The build tree's profiles are named in the
# daemon's environment alone: the package manager's has no
# PKGGUARD_PROFILE_PATH (the daemon hands its own directories to the
# sandbox it reparses into).
. tests/lib.sh
if [ "$(id -u)" != 0 ]; then
	skip "attack corpus under pkgguardd" "needs root (fanotify permission events, ptrace of any process)"
	end_suite
fi
if [ ! -x "${BUILD:-build}/pkgguardd" ]; then
	fail "attack corpus under pkgguardd" "${BUILD:-build}/pkgguardd is not built"
	end_suite
fi
unset PKGGUARD_PROFILE_PATH
CORPUS_DENV="PKGGUARD_PROFILE_PATH=$(pwd)/profiles"
CORPUS_DAEMON=1
. tests/integration/attack_corpus.sh
