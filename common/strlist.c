/* strlist.c — lists of owned strings (strlist.h). */
#include "strlist.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int strlist_take(struct strlist *l, char *s)
{
	char **v;

	if (!s)
		return -ENOMEM;
	v = realloc(l->v, (l->n + 2) * sizeof(*v));
	if (!v) {
		free(s);
		return -ENOMEM;
	}
	v[l->n++] = s;
	v[l->n] = NULL;
	l->v = v;
	return 0;
}

int strlist_push(struct strlist *l, const char *s)
{
	return strlist_take(l, strdup(s));
}

int strlist_copy(struct strlist *dst, const struct strlist *src)
{
	strlist_free(dst);
	for (size_t i = 0; src && i < src->n; i++)
		if (strlist_push(dst, src->v[i]))
			return -ENOMEM;
	return 0;
}

bool strlist_has(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return true;
	return false;
}

void strlist_free(struct strlist *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}
