#!/bin/sh
# daemon_pkgdir.sh — the rows of pkgdir.sh with no wrapper and no routing:
# a plain `npm install` (script shell /bin/sh) under pkgguardd in enforce
# mode, whose reparse passes `--pkg-dir .`: the symlinked package directory
# is refused there too; a global install and a husky-style prepare work.
. tests/lib.sh
PKGDIR_DAEMON=1
. tests/integration/pkgdir.sh
