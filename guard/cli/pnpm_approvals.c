/* pnpm_approvals.c — pnpm 12's build approvals, read with libyaml
 * (pnpm-workspace.yaml) and json-c (package.json).
 *
 * Measured with pnpm 12.21 on this machine (`pnpm add --offline` of two
 * file: tarballs with a postinstall each, in a project whose
 * pnpm-workspace.yaml or package.json was varied):
 * - pnpm-workspace.yaml `allowBuilds:` is read. `"name@spec": true` approves
 *   (for a file: tarball the key must hold the spec as given to pnpm add,
 *   e.g. `"x@file:../tarballs/x-1.0.0.tgz"`; a bare `x: true` did NOT approve
 *   that tarball, it approves registry packages); `false` denies (pnpm then
 *   installs without running it, exit 0); a quoted "true", the placeholder
 *   "set this to true or false" and glob keys ("rec-*") approve nothing.
 * - pnpm-workspace.yaml `permissions: { KEY: { build: true|false } }` is read
 *   and takes precedence over allowBuilds (build: false denied a package that
 *   allowBuilds approved).
 * - `onlyBuiltDependencies:` in pnpm-workspace.yaml, and package.json's
 *   `"pnpm": { "onlyBuiltDependencies": [...] }`, are NOT read: pnpm 12 still
 *   failed with ERR_PNPM_IGNORED_BUILDS for the listed package, and says of
 *   the package.json field 'The "pnpm" field in package.json is no longer
 *   read by pnpm' (its changelog: replaced by allowBuilds in pnpm 11). Both
 *   are therefore reported with a warning and approve nothing here.
 *
 * The result is per package name, while pnpm matches name@spec: a name is
 * approved when some key for it approves and none denies (in permissions
 * when it names the package, else in allowBuilds). Everything we cannot read
 * as pnpm does approves nothing: fail closed, the package is then reported
 * as skipped. Not read (approving less than pnpm would, never more):
 * dangerouslyAllowAllBuilds, a pnpm-workspace.yaml above the project, global
 * configuration, an approval by `pnpm add --allow-build NAME` (its denial,
 * "!NAME", is followed: pnpm_approvals_apply_args). */
#include "pnpm_approvals.h"
#include "log.h"
#include "pkgtree.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>
#include <yaml.h>

#define MAX_FILE_BYTES (16L << 20)

struct decision {
	char *name;
	bool ab_true, ab_false;     /* allowBuilds said true / false for a key of name */
	bool perm_true, perm_false; /* permissions.KEY.build said true / false */
};

struct decisions {
	struct decision *v;
	size_t n;
	const char *file;
};

enum source { FROM_ALLOW_BUILDS, FROM_PERMISSIONS };

/* "@s/a@1.0.0" -> "@s/a", "a@file:x.tgz" -> "a", "a" -> "a": up to the last
 * '@' after position 0. */
static char *key_name(const char *key)
{
	const char *at = strrchr(key, '@');
	size_t len = at && at > key ? (size_t)(at - key) : strlen(key);
	return strndup(key, len);
}

static int note(struct decisions *d, const char *key, enum source src, int value)
{
	char *name = key_name(key);
	if (!name)
		return log_fail(ENOMEM, "%s", d->file);
	if (!pkgtree_name_ok(name) || strpbrk(name, "*?[]\\")) {
		log_warn("%s: \"%s\" is not a package name, ignored", d->file, key);
		free(name);
		return 0;
	}
	struct decision *e = NULL;
	for (size_t i = 0; i < d->n && !e; i++)
		if (strcmp(d->v[i].name, name) == 0)
			e = &d->v[i];
	if (e) {
		free(name);
	} else {
		struct decision *grown = realloc(d->v, (d->n + 1) * sizeof(*grown));
		if (!grown) {
			free(name);
			return log_fail(ENOMEM, "%s", d->file);
		}
		d->v = grown;
		e = &d->v[d->n++];
		memset(e, 0, sizeof(*e));
		e->name = name;
	}
	/* Anything but a plain true or false leaves the build undecided, or
	 * (in permissions, which take precedence) denied. */
	if (src == FROM_ALLOW_BUILDS) {
		e->ab_true |= value == 1;
		e->ab_false |= value == 0;
	} else {
		e->perm_true |= value == 1;
		e->perm_false |= value != 1;
	}
	return 0;
}

static bool scalar_is(const yaml_node_t *n, const char *const *words)
{
	if (!n || n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	for (const char *const *w = words; *w; w++)
		if (n->data.scalar.length == strlen(*w) &&
		    memcmp(n->data.scalar.value, *w, n->data.scalar.length) == 0)
			return true;
	return false;
}

/* 1 for a plain true, 0 for a plain false, -1 for anything else (a string,
 * a quoted "true", pnpm's placeholder). */
static int yaml_bool(const yaml_node_t *n)
{
	static const char *const yes[] = { "true", "True", "TRUE", NULL };
	static const char *const no[] = { "false", "False", "FALSE", NULL };
	return scalar_is(n, yes) ? 1 : scalar_is(n, no) ? 0 : -1;
}

static bool yaml_null(const yaml_node_t *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };
	return scalar_is(n, nulls);
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int malformed(const struct decisions *d, const char *what)
{
	return log_fail_plain(EINVAL, "%s: %s; no dependency build is replayed", d->file, what);
}

/* allowBuilds: { KEY: true|false } or permissions: { KEY: { build: … } } */
static int read_map(struct decisions *d, yaml_document_t *doc, const yaml_node_t *map, enum source src)
{
	const char *section = src == FROM_ALLOW_BUILDS ? "allowBuilds" : "permissions";
	char what[64];

	if (yaml_null(map))
		return 0;
	snprintf(what, sizeof(what), "%s is not a mapping", section);
	if (map->type != YAML_MAPPING_NODE)
		return malformed(d, what);
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *key = scalar(yaml_document_get_node(doc, p->key));
		const yaml_node_t *v = yaml_document_get_node(doc, p->value);
		int value = -1, r;

		snprintf(what, sizeof(what), "a key of %s is not a string", section);
		if (!key)
			return malformed(d, what);
		if (src == FROM_ALLOW_BUILDS) {
			value = yaml_bool(v);
		} else if (v && v->type == YAML_MAPPING_NODE) {
			for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++) {
				const char *cap = scalar(yaml_document_get_node(doc, q->key));
				if (cap && strcmp(cap, "build") == 0)
					value = yaml_bool(yaml_document_get_node(doc, q->value));
			}
			if (value == -1)
				continue; /* says nothing of builds (skills only) */
		}
		if ((r = note(d, key, src, value)) != 0)
			return r;
	}
	return 0;
}

static int read_root(struct decisions *d, yaml_document_t *doc)
{
	const yaml_node_t *root = yaml_document_get_root_node(doc);

	if (!root || yaml_null(root))
		return 0; /* an empty file */
	if (root->type != YAML_MAPPING_NODE)
		return malformed(d, "not a mapping");
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		const char *key = scalar(yaml_document_get_node(doc, p->key));
		const yaml_node_t *v = yaml_document_get_node(doc, p->value);
		int r = 0;

		if (!key)
			continue;
		if (strcmp(key, "allowBuilds") == 0)
			r = read_map(d, doc, v, FROM_ALLOW_BUILDS);
		else if (strcmp(key, "permissions") == 0)
			r = read_map(d, doc, v, FROM_PERMISSIONS);
		else if (strcmp(key, "onlyBuiltDependencies") == 0)
			log_warn("%s: onlyBuiltDependencies is ignored by pnpm 12 (use allowBuilds); it approves nothing",
				 d->file);
		else if (strcmp(key, "dangerouslyAllowAllBuilds") == 0 && yaml_bool(v) == 1)
			log_warn("%s: dangerouslyAllowAllBuilds is not followed: only builds approved in allowBuilds "
				 "are replayed", d->file);
		if (r)
			return r;
	}
	return 0;
}

/* Opens path for reading; NULL with *rc = 0 when it does not exist. */
static FILE *open_small(const char *path, int *rc)
{
	struct stat st;
	FILE *f = fopen(path, "r");

	*rc = 0;
	if (!f) {
		if (errno != ENOENT)
			*rc = log_fail(errno, "%s", path);
		return NULL;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_FILE_BYTES) {
		*rc = log_fail_plain(EFBIG, "%s: not a regular file of at most %ld bytes", path, MAX_FILE_BYTES);
		fclose(f);
		return NULL;
	}
	return f;
}

/* The one document of pnpm-workspace.yaml, from a parser given its input. */
static int read_workspace_from(struct decisions *d, yaml_parser_t *parser)
{
	yaml_document_t doc, extra;
	int rc;

	if (!yaml_parser_load(parser, &doc))
		return log_fail_plain(EINVAL, "%s:%zu: %s; no dependency build is replayed", d->file,
				      parser->problem_mark.line + 1, parser->problem ? parser->problem : "malformed YAML");
	rc = read_root(d, &doc);
	yaml_document_delete(&doc);
	/* pnpm reads one document: more, or a broken tail, is malformed. */
	if (rc == 0 && !yaml_parser_load(parser, &extra))
		rc = log_fail_plain(EINVAL, "%s:%zu: %s; no dependency build is replayed", d->file,
				    parser->problem_mark.line + 1, parser->problem ? parser->problem : "malformed YAML");
	else if (rc == 0) {
		if (yaml_document_get_root_node(&extra))
			rc = malformed(d, "more than one YAML document");
		yaml_document_delete(&extra);
	}
	return rc;
}

static int read_workspace(struct decisions *d)
{
	yaml_parser_t parser;
	int rc;
	FILE *f = open_small(d->file, &rc);

	if (!f)
		return rc;
	if (!yaml_parser_initialize(&parser)) {
		fclose(f);
		return log_fail(ENOMEM, "%s: yaml parser", d->file);
	}
	yaml_parser_set_input_file(&parser, f);
	rc = read_workspace_from(d, &parser);
	yaml_parser_delete(&parser);
	fclose(f);
	return rc;
}

/* package.json's "pnpm" field is no longer read by pnpm 12: said, not used. */
static int read_package_json(const char *path)
{
	int rc;
	FILE *f = open_small(path, &rc);
	json_object *pj, *pnpm, *obd;

	if (!f)
		return rc;
	fclose(f);
	if (!(pj = json_object_from_file(path))) {
		const char *err = json_util_get_last_err();
		return log_fail_plain(EINVAL, "%s: not valid JSON (%.*s); no dependency build is replayed", path,
				      err ? (int)strcspn(err, "\n") : 0, err ? err : "");
	}
	if (!json_object_is_type(pj, json_type_object))
		rc = log_fail_plain(EINVAL, "%s: not a JSON object; no dependency build is replayed", path);
	else if (json_object_object_get_ex(pj, "pnpm", &pnpm) && json_object_is_type(pnpm, json_type_object) &&
		 json_object_object_get_ex(pnpm, "onlyBuiltDependencies", &obd))
		log_warn("%s: pnpm.onlyBuiltDependencies is ignored by pnpm 12 (use allowBuilds in "
			 "pnpm-workspace.yaml); it approves nothing", path);
	json_object_put(pj);
	return rc;
}

void pnpm_approvals_free(char **names)
{
	for (char **n = names; n && *n; n++)
		free(*n);
	free(names);
}

/* The approved names of d into *names (when rc is 0); d is emptied. */
static int approved(struct decisions *d, int rc, char ***names)
{
	size_t k = 0;

	if (rc == 0 && !(*names = calloc(d->n + 1, sizeof(char *))))
		rc = log_fail(ENOMEM, "pnpm approvals");
	for (size_t i = 0; i < d->n; i++) {
		const struct decision *e = &d->v[i];
		bool ok = (e->perm_true || e->perm_false) ? e->perm_true && !e->perm_false
							  : e->ab_true && !e->ab_false;
		if (rc == 0 && ok) {
			(*names)[k++] = e->name;
			continue;
		}
		free(e->name);
	}
	free(d->v);
	d->v = NULL;
	d->n = 0;
	return rc;
}

int pnpm_approvals_parse(const char *label, const char *yaml, size_t len, char ***names)
{
	struct decisions d = { .file = label };
	yaml_parser_t parser;
	int rc;

	*names = NULL;
	if (len > MAX_FILE_BYTES)
		return log_fail_plain(EFBIG, "%s: more than %ld bytes", label, MAX_FILE_BYTES);
	if (!yaml_parser_initialize(&parser))
		return log_fail(ENOMEM, "%s: yaml parser", label);
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
	rc = read_workspace_from(&d, &parser);
	yaml_parser_delete(&parser);
	return approved(&d, rc, names);
}

int pnpm_approvals_load(const char *project, char ***names)
{
	struct decisions d = { 0 };
	char *ws = NULL, *pj = NULL;
	int rc = 0;

	*names = NULL;
	if (asprintf(&ws, "%s/pnpm-workspace.yaml", project) < 0 ||
	    asprintf(&pj, "%s/package.json", project) < 0) {
		free(ws);
		return log_fail(ENOMEM, "pnpm approvals");
	}
	d.file = ws;
	rc = read_workspace(&d);
	if (rc == 0)
		rc = read_package_json(pj);
	rc = approved(&d, rc, names);
	free(ws);
	free(pj);
	return rc;
}

void pnpm_approvals_apply_args(char **names, char *const *argv)
{
	for (char *const *a = argv; a && *a; a++) {
		const char *v = NULL;
		if (strcmp(*a, "--allow-build") == 0 && a[1])
			v = *++a;
		else if (strncmp(*a, "--allow-build=", 14) == 0)
			v = *a + 14;
		if (!v)
			continue;
		if (v[0] != '!') {
			log_warn("pnpm --allow-build %s is not followed: only builds approved in "
				 "pnpm-workspace.yaml are replayed", v);
			continue;
		}
		char *name = key_name(v + 1);
		size_t k = 0;
		for (size_t i = 0; names && names[i]; i++) {
			if (name && strcmp(names[i], name) == 0)
				free(names[i]);
			else
				names[k++] = names[i];
		}
		if (names)
			names[k] = NULL;
		free(name);
	}
}
