/* root_drop.h — a root caller's script runs as an unprivileged id
 * (root_drop.c says how, in both confinement modes). */
#ifndef PKGGUARD_ROOT_DROP_H
#define PKGGUARD_ROOT_DROP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "layers.h"
#include "strlist.h"

/* nobody/nogroup: mapped in every container's user namespace. */
#define SCRIPT_UID ((uid_t)65534)
#define SCRIPT_GID ((gid_t)65534)

/* The caller is root (uid 0 in its user namespace). */
bool root_drop_wanted(void);
/* Parent, before any child: no supplementary groups. */
int root_drop_groups(void);
/* The user namespace's maps: inside 0 -> SCRIPT_UID, inside 1 -> root. */
int root_drop_map_lines(char *uid_map, char *gid_map, size_t len);
/* Parent, before clone: detached clones of every tree bound writable (p's
 * read_write, the package directory through its checked descriptor, and
 * the directories between a protected path and its writable directory);
 * -errno, unlogged (where namespaces are refused cloning may be too, and
 * the fallback needs none). After the maps: idmapped with init's user
 * namespace, or clone_err reported. */
struct protect_set;
int root_drop_clone_trees(const struct policy *p, const struct protect_set *ps, struct premade_trees *out);
int root_drop_idmap_trees(pid_t init, const struct premade_trees *t, int clone_err);
void root_drop_trees_free(struct premade_trees *t);
/* Script: become uid/gid (no capability left, bounding and ambient sets
 * cleared; supplementary groups dropped when drop_groups). */
int root_drop_switch(uid_t uid, gid_t gid, bool drop_groups);
/* Namespace mode, init: what it made in $HOME (its own tmpfs, not
 * crossing the binds in it) becomes the script's. */
int root_drop_give_home(const char *home);
/* Fallback, parent: the writable trees (and the private temporary
 * directory) to SCRIPT_UID before the script, back to root after. */
int root_drop_lend(const struct strlist *trees, const char *tmp);
int root_drop_take_back(const struct strlist *trees);

#endif
