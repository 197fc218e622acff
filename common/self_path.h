/* self_path.h — where pkgguard's own programs are: next to the running
 * binary, so the build tree works uninstalled and an install keeps them
 * together (the daemon trusts the sandbox in its directory:
 * docs/ARCHITECTURE.md, contracts). */
#ifndef PKGGUARD_SELF_PATH_H
#define PKGGUARD_SELF_PATH_H

/* Absolute path of NAME in the directory of /proc/self/exe, malloc'd; NULL
 * with errno set when it cannot be found or is not executable. */
char *self_sibling(const char *name);

#endif
