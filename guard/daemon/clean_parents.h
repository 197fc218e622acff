/* clean_parents.h — the parents whose children exec'd last, asked first
 * about the next exec (rung 2 of decide.c's ladder). A process listed among
 * a parent's children now, whose parent was seen with no package manager at
 * or above it and still shows that command line, or was seen inside a
 * sandbox (classify_vouches_for_children), is allowed: decided with two
 * reads through kept fds (proc_cache), without looking the new process up
 * in /proc, which is the costliest step of a decision (a shell
 * loop, `make`, a build tool forking compilers). Misses cost one read per
 * parent tried, so only CLEAN_PARENTS are kept, most recent first. */
#ifndef PKGGUARD_CLEAN_PARENTS_H
#define PKGGUARD_CLEAN_PARENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "classify.h"
#include "proc_info.h"

#define CLEAN_PARENTS 2

struct clean_parents {
	struct {
		pid_t pid; /* 0: empty */
		uint64_t start;
	} e[CLEAN_PARENTS];
	/* The last parent found with too many children to ask (init): not
	 * noted again. */
	pid_t crowded_pid;
	uint64_t crowded_start;
	bool off;  /* the kernel has no children lists: never asked again */
};

/* Remembers p (pid, start time) as the most recent parent, when the
 * classifier vouches for its children. */
void clean_parents_note(struct clean_parents *cp, const struct classifier *c, const struct proc_info *p);

/* The i-th remembered parent, most recent first: false past the last. */
bool clean_parents_get(const struct clean_parents *cp, size_t i, pid_t *pid, uint64_t *start);
/* The i-th parent vouched for a child: asked first next time. */
void clean_parents_promote(struct clean_parents *cp, size_t i);
/* The i-th parent vouches no more; why is what asking it returned
 * (proc_cache_has_child): -E2BIG (too many children: not noted again),
 * -ENOSYS (no children lists on this kernel: the list is off for good), or
 * anything else (died, retitled, forgotten by the classifier). */
void clean_parents_forget(struct clean_parents *cp, size_t i, int why);

#endif
