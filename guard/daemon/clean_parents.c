/* clean_parents.c — the most recent clean parents (clean_parents.h). */
#include "clean_parents.h"

#include <errno.h>
#include <string.h>

static void forget(struct clean_parents *cp, size_t i)
{
	memmove(&cp->e[i], &cp->e[i + 1], (CLEAN_PARENTS - 1 - i) * sizeof(cp->e[0]));
	cp->e[CLEAN_PARENTS - 1].pid = 0;
}

static void to_front(struct clean_parents *cp, pid_t pid, uint64_t start)
{
	size_t i = 0;

	while (i < CLEAN_PARENTS - 1 && !(cp->e[i].pid == pid && cp->e[i].start == start))
		i++;
	memmove(&cp->e[1], &cp->e[0], i * sizeof(cp->e[0]));
	cp->e[0].pid = pid;
	cp->e[0].start = start;
}

void clean_parents_note(struct clean_parents *cp, const struct classifier *c, const struct proc_info *p)
{
	if (!cp->off && p->pid > 0 && !(cp->e[0].pid == p->pid && cp->e[0].start == p->start) &&
	    !(cp->crowded_pid == p->pid && cp->crowded_start == p->start) && classify_vouches_for_children(c, p))
		to_front(cp, p->pid, p->start);
}

bool clean_parents_vouch(struct clean_parents *cp, struct proc_cache *pc, const struct classifier *c,
			 pid_t child, struct proc_info *parent)
{
	for (size_t i = 0; i < CLEAN_PARENTS && cp->e[i].pid;) {
		pid_t pid = cp->e[i].pid;
		uint64_t start = cp->e[i].start;
		int r = proc_cache_has_child(pc, pid, start, child);

		if (r == 0) {
			i++;
			continue;
		}
		if (r == 1 && proc_cache_cmdline(pc, pid, parent) == 0 && parent->start == start &&
		    classify_vouches_for_children(c, parent)) {
			to_front(cp, pid, start);
			return true;
		}
		/* Died, evicted, retitled, forgotten or crowded: vouches no more.
		 * A child of this parent is no other's: stop here when it was
		 * listed. */
		if (r == -E2BIG) {
			cp->crowded_pid = pid;
			cp->crowded_start = start;
		}
		if (r == -ENOSYS) {
			memset(cp->e, 0, sizeof(cp->e));
			cp->off = true;
			return false;
		}
		forget(cp, i);
		if (r == 1)
			return false;
	}
	return false;
}
