/* pip_hook.h — what a pip build process needs shown beyond its source tree,
 * for pkgguardd's exec reparse: the extra --rw / --ro directories handed to
 * pkgguard-sandbox (pip_hook.c).
 *
 * pip 23 builds a package by running, with cwd = the source tree,
 *   PYTHON [-opts] …/pyproject_hooks/_in_process/_in_process.py HOOK CONTROL_DIR
 * (PEP 517; CONTROL_DIR/input.json holds the hook's kwargs), or for a
 * project without pyproject.toml the legacy
 *   PYTHON [-u] -c "<pip-setuptools-caller> shim" bdist_wheel -d DIR
 *   PYTHON -c "<pip-setuptools-caller> shim" egg_info --egg-base DIR
 * Everything added is justified by pip's own arguments and environment, and
 * by nothing the package controls: a directory the hook's kwargs name is
 * taken only when it lies in one of pip's own temporary directories
 * (TMP/pip-*), its realpath checked, so a previous hook's answer (a backend
 * chooses the .dist-info name that pip passes back as metadata_directory)
 * cannot point a later sandbox at the user's files. */
#ifndef PKGGUARD_PIP_HOOK_H
#define PKGGUARD_PIP_HOOK_H

#include <stdbool.h>

#include "policy.h"

/* Limit on CONTROL_DIR/input.json (pip's is a few hundred bytes). */
#define PIP_HOOK_INPUT_MAX (256 * 1024)

struct json_object;

/* The text of an input.json (len bytes; the package's backend chose some
 * of what pip writes there): a JSON object with a "kwargs" object, parsed
 * into *out (the caller puts it) with *kwargs borrowed from it. Pure. 0,
 * -EINVAL for anything else, -EFBIG over PIP_HOOK_INPUT_MAX, -ENOMEM. */
int pip_hook_parse_input(const char *buf, size_t len, struct json_object **out, struct json_object **kwargs);

/* True when argv is pip's PEP 517 hook runner (… _in_process.py HOOK
 * CONTROL_DIR): *hook and *control point into argv. The sandbox checks what
 * such a hook returns before pip acts on it (--pip-hook, --pip-control). */
bool pip_hook_pep517_call(const char *const *argv, const char **hook, const char **control);

/* True when argv is pip's legacy `python -c <shim> egg_info --egg-base DIR`:
 * *egg_base points into argv (--pip-egg-base: its requires.txt is checked). */
bool pip_hook_egg_info_call(const char *const *argv, const char **egg_base);

/* argv and envp: the exec'ing process's, NULL-terminated; cwd its working
 * directory; exe the absolute path of the file being exec'd (the venv's
 * bin/python or the real interpreter). Appends, without duplicates,
 *   rw: the PEP 517 control directory; the output directory of the hook
 *       (metadata_directory of prepare_metadata_for_*, wheel_directory,
 *       sdist_directory, any other *_directory); the legacy -d/--dist-dir
 *       and --egg-base directories;
 *   ro: metadata_directory's pip temporary directory for build_* hooks (an
 *       input there, read with its parent: pyproject_hooks looks for an
 *       already built wheel next to it); the venv root (holding pyvenv.cfg)
 *       and the real interpreter's prefix (realpath(exe)/../..); the
 *       directory of _in_process.py unless already covered; pip's build
 *       environment (TMP/pip-build-env-*) named by PYTHONPATH or PATH.
 * TMP is /tmp, /var/tmp or envp's TMPDIR, TEMP or TMP (Python's tempfile).
 * Only existing directories, resolved, never "/". A process that is not one
 * of these forms gives 0 and adds nothing. Returns 0 or -errno: -EPERM when
 * the control directory is not a directory directly in TMP, -EINVAL or
 * -EFBIG for an input.json that is not a bounded JSON object, -ENOMEM; on an
 * error rw and ro may hold what was added so far (the caller frees them).
 * Reads input.json and stats paths: call it off the thread that answers
 * fanotify events. */
int pip_hook_scope(const char *const *argv, const char *const *envp, const char *cwd,
		   const char *exe, struct strlist *rw, struct strlist *ro);

/* The same, every path looked up in the process's own root: rootfd is an
 * O_PATH fd of /proc/PID/root (the daemon's mount namespace need not be the
 * process's: under systemd its /tmp is private), and the directories added
 * are paths as the process sees them, what its pkgguard-sandbox needs.
 * pip_hook_scope() is this with the caller's own root. */
int pip_hook_scope_at(int rootfd, const char *const *argv, const char *const *envp, const char *cwd,
		      const char *exe, struct strlist *rw, struct strlist *ro);

#endif
