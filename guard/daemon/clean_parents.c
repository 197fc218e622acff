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

bool clean_parents_get(const struct clean_parents *cp, size_t i, pid_t *pid, uint64_t *start)
{
	if (i >= CLEAN_PARENTS || !cp->e[i].pid)
		return false;
	*pid = cp->e[i].pid;
	*start = cp->e[i].start;
	return true;
}

void clean_parents_promote(struct clean_parents *cp, size_t i)
{
	to_front(cp, cp->e[i].pid, cp->e[i].start);
}

void clean_parents_forget(struct clean_parents *cp, size_t i, int why)
{
	if (why == -ENOSYS) {
		memset(cp->e, 0, sizeof(cp->e));
		cp->off = true;
		return;
	}
	if (why == -E2BIG) {
		cp->crowded_pid = cp->e[i].pid;
		cp->crowded_start = cp->e[i].start;
	}
	forget(cp, i);
}
