/* policy.c — the policy data model's own helpers: freeing,
 * and printing an effective policy back in profile syntax, so that what the
 * sandbox will enforce can be read, and re-checked with --check-profile.
 * Loading and checking live in profile.c. */
#include "policy.h"
#include "array_size.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Freeing                                                             */

static void policy_free_fields(struct policy *p)
{
	struct strlist *lists[] = {
		&p->read_only, &p->read_only_optional, &p->read_write, &p->home_read_only,
		&p->hidden, &p->protected_dirs, &p->protected_files, &p->shown_to_project, &p->env_keep, &p->env_strip, &p->set_env, &p->seccomp_deny_extra,
		&p->match_commands, &p->match_helpers,
	};
	char *strings[] = {
		p->name, p->source, p->hostname, p->package, p->override_source, p->override_refused,
		p->pkg_dir, p->project_dir, p->home, p->tmpdir,
	};

	for (size_t i = 0; i < ARRAY_SIZE(lists); i++)
		strlist_free(lists[i]);
	for (size_t i = 0; i < ARRAY_SIZE(strings); i++)
		free(strings[i]);
}

void policy_for_project_script(struct policy *p)
{
	size_t kept = 0;

	if (!p->pkg_dir || !p->project_dir || strcmp(p->pkg_dir, p->project_dir) != 0)
		return;
	for (size_t i = 0; i < p->hidden.n; i++) {
		if (strlist_has(&p->shown_to_project, p->hidden.v[i]))
			free(p->hidden.v[i]);
		else
			p->hidden.v[kept++] = p->hidden.v[i];
	}
	p->hidden.n = kept;
}

void policy_free(struct policy *p)
{
	if (!p)
		return;
	policy_free_fields(p);
	free(p);
}

/* ------------------------------------------------------------------ */
/* Printing                                                            */

/* A libconfig string literal: quotes, backslashes and control characters
 * escaped, so any value reads back as itself. */
static void print_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* Comment text: a newline in a value must not end the comment early. */
static void print_comment_value(FILE *out, const char *s)
{
	if (!s) {
		fputs("(unset)", out);
		return;
	}
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, out);
}

static void print_list(FILE *out, const char *key, const struct strlist *l)
{
	if (l->n == 0) {
		fprintf(out, "  %s = [ ];\n", key);
		return;
	}
	fprintf(out, "  %s = [\n", key);
	for (size_t i = 0; i < l->n; i++) {
		fputs("    ", out);
		print_string(out, l->v[i]);
		fputs(i + 1 < l->n ? ",\n" : "\n", out);
	}
	fputs("  ];\n", out);
}

/* libconfig 1.5 wraps integers above INT32_MAX unless they carry "L". */
static void print_limit(FILE *out, const char *key, uint64_t v)
{
	fprintf(out, "  %s = %" PRIu64 "%s;\n", key, v, v > INT32_MAX ? "L" : "");
}

static void print_header(const struct policy *p, FILE *out)
{
	static const struct {
		const char *label;
		size_t off;
	} fields[] = {
		{ "profile:  ", offsetof(struct policy, name) },
		{ "source:   ", offsetof(struct policy, source) },
		{ "PKG_DIR:     ", offsetof(struct policy, pkg_dir) },
		{ "PROJECT_DIR: ", offsetof(struct policy, project_dir) },
		{ "HOME:        ", offsetof(struct policy, home) },
		{ "TMPDIR:      ", offsetof(struct policy, tmpdir) },
	};

	fputs("# pkgguard effective policy (all inherit and overrides applied)\n", out);
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		fprintf(out, "# %s", fields[i].label);
		print_comment_value(out, *(char *const *)((const char *)p + fields[i].off));
		fputc('\n', out);
	}
	if (p->override_source) {
		fputs("# package override: ", out);
		print_comment_value(out, p->package);
		fputs(" (", out);
		print_comment_value(out, p->override_source);
		fputs(")\n", out);
	}
	if (p->override_refused) {
		fputs("# ", out);
		print_comment_value(out, p->override_refused);
		fputc('\n', out);
	}
}

static void print_limits(const struct limits *l, FILE *out)
{
	fputs("limits = {\n", out);
	print_limit(out, "timeout", l->timeout_s);
	print_limit(out, "nproc", l->nproc);
	print_limit(out, "nofile", l->nofile);
	print_limit(out, "fsize_mb", l->fsize_mb);
	print_limit(out, "data_mb", l->data_mb);
	print_limit(out, "as_mb", l->as_mb);
	print_limit(out, "cpu_s", l->cpu_s);
	print_limit(out, "tmp_mb", l->tmp_mb);
	print_limit(out, "shm_mb", l->shm_mb);
	print_limit(out, "home_mb", l->home_mb);
	fputs("};\n", out);
}

void policy_print(const struct policy *p, FILE *out)
{
	print_header(p, out);
	fputs("version = 1;\n", out);
	fprintf(out, "network = \"%s\";\n", p->network == NETWORK_HOST ? "host" : "none");
	fputs("hostname = ", out);
	print_string(out, p->hostname ? p->hostname : "pkgguard");
	fputs(";\n\nfilesystem = {\n", out);
	print_list(out, "read_only", &p->read_only);
	print_list(out, "read_only_optional", &p->read_only_optional);
	print_list(out, "read_write", &p->read_write);
	print_list(out, "home_read_only", &p->home_read_only);
	print_list(out, "hidden", &p->hidden);
	print_list(out, "protected_dirs", &p->protected_dirs);
	print_list(out, "protected_files", &p->protected_files);
	print_list(out, "shown_to_project", &p->shown_to_project);
	fputs("};\n\nenvironment = {\n", out);
	print_list(out, "keep", &p->env_keep);
	print_list(out, "strip", &p->env_strip);
	print_list(out, "set", &p->set_env);
	fputs("};\n\n", out);
	print_limits(&p->limits, out);
	fputs("\nseccomp = {\n", out);
	print_list(out, "deny", &p->seccomp_deny_extra);
	fputs("};\n\nmatch = {\n", out);
	print_list(out, "commands", &p->match_commands);
	print_list(out, "helpers", &p->match_helpers);
	fputs("};\n", out);
}
