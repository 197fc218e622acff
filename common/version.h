/* version.h — the one version all three programs print (--version). */
#ifndef PKGGUARD_VERSION_H
#define PKGGUARD_VERSION_H

#ifndef PKGGUARD_VERSION
#define PKGGUARD_VERSION "0.1.0"
#endif

#endif
