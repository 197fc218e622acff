/* pip_output.h — what a sandboxed PEP 517 hook hands back to pip, checked
 * before pip (outside the sandbox) acts on it (pip_output.c).
 *
 * The hook cannot reach the network, but pip can: a requirement returned by
 * get_requires_for_build_* ("x @ https://host/?data=…") or a Requires-Dist
 * in the metadata prepare_metadata_for_build_* writes is fetched by pip
 * itself, carrying whatever the hook put in the URL. pip runs
 *   python _in_process.py HOOK CONTROL_DIR
 * reads CONTROL_DIR/input.json ({"kwargs": {...}}) and, when the process
 * exits 0, CONTROL_DIR/output.json ({"return_val": ...}). pkgguardd passes
 * HOOK and CONTROL_DIR (--pip-hook, --pip-control); the sandbox reads
 * input.json before the hook runs and output.json after its whole tree is
 * gone, and fails the hook (exit 125, output.json removed) when:
 *  - a returned requirement or a Requires-Dist names a URL or a path ('@',
 *    "://", '/', or a leading '-'): pip would fetch or build it unconfined;
 *  - METADATA (its header part), requires.txt or a returned requirement
 *    holds a line break Python's str.splitlines() honours and a '\n' split
 *    does not ('\r' \v \f \x1c-\x1e U+0085 U+2028 U+2029, bytes that are not
 *    UTF-8) or a NUL (METADATA: anywhere): pip's parsers would find a
 *    requirement this check did not; a requires.txt line starting with '['
 *    that is not exactly a section header "[...]";
 *  - a returned file name (the .dist-info, the wheel, the sdist) is not a
 *    plain name in the directory pip gave (a '/', ".", "..").
 * The legacy `setup.py egg_info --egg-base DIR` (--pip-egg-base): the
 * requires.txt of DIR's .egg-info, which pip reads, by the same rule. */
#ifndef PKGGUARD_PIP_OUTPUT_H
#define PKGGUARD_PIP_OUTPUT_H

#include <stddef.h>

#define PIP_OUTPUT_JSON_MAX (1 << 20)      /* input.json, output.json */
#define PIP_OUTPUT_METADATA_MAX (16 << 20) /* METADATA (a long description) */

struct pip_output {
	const char *hook; /* NULL for the legacy egg_info */
	int control_fd;   /* O_PATH of CONTROL_DIR, -1 */
	int metadata_fd;  /* O_PATH of kwargs.metadata_directory (prepare_metadata_*), -1 */
	int egg_base_fd;  /* legacy `setup.py egg_info --egg-base DIR`: DIR, -1 */
};

/* Opens CONTROL_DIR (relative to the cwd: the hook's own) and, for a
 * prepare_metadata_* hook, the metadata_directory its input.json names,
 * before the hook runs (it can write input.json). 0 or -errno with why. */
int pip_output_open(struct pip_output *po, const char *hook, const char *control, char *why,
		    size_t whylen);

/* pip's legacy path, `setup.py egg_info --egg-base DIR`: pip reads the
 * requirements of DIR/NAME.egg-info/requires.txt, held to the same rule.
 * 0 or -errno with why. */
int pip_output_open_egg_base(struct pip_output *po, const char *egg_base, char *why, size_t whylen);

/* After the hook exited 0: 0 when what it returns may go to pip, -EPERM
 * (why says what and which) when not, another -errno when it cannot be
 * read (why set). */
int pip_output_check(const struct pip_output *po, char *why, size_t whylen);

/* Removes CONTROL_DIR/output.json, so that nothing acts on a refused one. */
void pip_output_discard(const struct pip_output *po);

void pip_output_close(struct pip_output *po);

/* True when a requirement string must not reach pip (a URL, a path, an
 * option). Pure. */
int pip_output_requirement_refused(const char *req);

#endif
