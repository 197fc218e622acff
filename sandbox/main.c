/* main.c — the pkgguard-sandbox command: parses arguments, loads the
 * profile, and hands over to sandbox_run(). Only this file exits. */
#include "extra_paths.h"
#include "git_hidden.h"
#include "array_size.h"
#include "clock.h"
#include "log.h"
#include "pip_output.h"
#include "package_name.h"
#include "pkg_dir.h"
#include "pkg_identity.h"
#include "pkg_layout.h"
#include "record.h"
#include "profile.h"
#include "profile_paths.h"
#include "sandbox.h"
#include "version.h"
#include "tripwire.h"
#include "journal.h"
#include "state_dir.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* One --rw or --ro, kept in command-line order (the messages follow it). */
struct extra_dir {
	bool writable;
	const char *dir;
};

struct options {
	const char *profile;
	const char *profiles_dir;
	struct strlist only_profiles; /* --only-profiles: the whole search path */
	const char *pip_hook;     /* --pip-hook: COMMAND is pip's PEP 517 hook NAME… */
	const char *pip_control;  /* --pip-control: …with this control directory */
	const char *pip_egg_base; /* --pip-egg-base: COMMAND is pip's setup.py egg_info */
	const char *pkg_dir;
	const char *project_dir;
	const char *package;
	const char *check_profile;
	const char *shell_command;
	const char *argv0;        /* --argv0: the name COMMAND is run under */
	int record;               /* --record: into the user's state directory */
	const char *record_dir;   /* where the record goes, or NULL */
	int verbose;
	int require_namespaces;
	struct extra_dir *extra;  /* --rw / --ro, in order */
	size_t nextra;
	char **argv;              /* the command, or extra args after -c CMD */
	int argc;
	const char *package_name; /* --package, or from the path under node_modules */
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: pkgguard-sandbox [OPTIONS] -- COMMAND [ARGS...]\n"
		"       pkgguard-sandbox -c 'SHELL COMMAND'       (script-shell mode)\n"
		"       pkgguard-sandbox --check-profile FILE\n"
		"\n"
		"Runs COMMAND with no network, a filesystem scoped to the package directory,\n"
		"its own pid/ipc/uts/cgroup namespaces, no capabilities, Landlock and seccomp.\n"
		"\n"
		"  --profile NAME|FILE   policy to apply (default: \"default\"; in -c mode\n"
		"                        $PKGGUARD_PROFILE, else the package manager's own,\n"
		"                        from npm_config_user_agent)\n"
		"  --profiles DIR        look for profiles in DIR first\n"
		"  --only-profiles DIR   look for profiles in DIR only (repeatable, in order):\n"
		"                        PKGGUARD_PROFILE_PATH and the built-in directories\n"
		"                        are not searched (pkgguardd passes its own this way)\n"
		"  --pkg-dir DIR         the package directory, writable (-c: the current dir)\n"
		"  --project-dir DIR     the project, read-only (-c: $INIT_CWD)\n"
		"  --package NAME        package name for per-package overrides\n"
		"                        (-c: taken from the path under node_modules)\n"
		"  --rw DIR              also show DIR writable (repeatable): an absolute,\n"
		"                        existing directory; never \"/\", a system or credential\n"
		"                        directory, one containing $HOME, or a hidden path\n"
		"  --ro DIR              also show DIR read-only (repeatable); never \"/\",\n"
		"                        /proc, /sys, /dev, /run, one containing $HOME, a\n"
		"                        credential directory or a hidden path\n"
		"  --record              leave the tripwire's record in the user's state\n"
		"                        directory (pkgguard records) and one journald entry\n"
		"                        per finding (pkgguardd's reparse gives it)\n"
		"  --argv0 NAME          run COMMAND with NAME as its argv[0] (what it was\n"
		"                        called: pkgguardd's reparse keeps the original)\n"
		"  --pip-hook NAME --pip-control DIR\n"
		"                        COMMAND is pip's PEP 517 hook NAME with control\n"
		"                        directory DIR: what it returns is checked before pip\n"
		"                        acts on it (no URL or path requirements; exit 125)\n"
		"  --pip-egg-base DIR    COMMAND is pip's `setup.py egg_info --egg-base DIR`:\n"
		"                        the requires.txt it writes is checked the same way\n"
		"  --require-namespaces  fail instead of the no-user-namespace fallback\n"
		"  --verbose             say what is set up\n"
		"\n"
		"Exit status: the command's (128+N when killed by signal N); 124 timeout;\n"
		"125 pkgguard-sandbox failed (usage, profile, a layer); 126 cannot execute;\n"
		"127 command not found.\n");
}

static int parse_args(int argc, char **argv, struct options *o)
{
	enum { O_PROFILE = 256, O_PROFILES, O_PKG, O_PROJECT, O_PACKAGE, O_CHECK, O_REQUIRE, O_VERSION,
	       O_RW, O_RO, O_ARGV0, O_ONLY_PROFILES, O_RECORD, O_PIP_HOOK, O_PIP_CONTROL, O_PIP_EGG_BASE };
	static const struct option longopts[] = {
		{ "profile", required_argument, NULL, O_PROFILE },
		{ "profiles", required_argument, NULL, O_PROFILES },
		{ "only-profiles", required_argument, NULL, O_ONLY_PROFILES },
		{ "pkg-dir", required_argument, NULL, O_PKG },
		{ "project-dir", required_argument, NULL, O_PROJECT },
		{ "package", required_argument, NULL, O_PACKAGE },
		{ "check-profile", required_argument, NULL, O_CHECK },
		{ "require-namespaces", no_argument, NULL, O_REQUIRE },
		{ "rw", required_argument, NULL, O_RW },
		{ "ro", required_argument, NULL, O_RO },
		{ "argv0", required_argument, NULL, O_ARGV0 },
		{ "record", no_argument, NULL, O_RECORD },
		{ "pip-hook", required_argument, NULL, O_PIP_HOOK },
		{ "pip-control", required_argument, NULL, O_PIP_CONTROL },
		{ "pip-egg-base", required_argument, NULL, O_PIP_EGG_BASE },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	/* '+': stop at the first non-option, the command's own flags are its. */
	while ((c = getopt_long(argc, argv, "+c:vh", longopts, NULL)) != -1) {
		switch (c) {
		case O_PROFILE: o->profile = optarg; break;
		case O_PROFILES: o->profiles_dir = optarg; break;
		case O_ONLY_PROFILES:
			/* Absolute: a relative directory would be looked up from the
			 * package's own directory. */
			if (optarg[0] != '/') {
				log_fail_plain(EINVAL, "--only-profiles %s: not an absolute path", optarg);
				return -EINVAL;
			}
			if (strlist_push(&o->only_profiles, optarg))
				return log_fail(ENOMEM, "arguments");
			break;
		case O_PKG: o->pkg_dir = optarg; break;
		case O_PROJECT: o->project_dir = optarg; break;
		case O_PACKAGE: o->package = optarg; break;
		case O_CHECK: o->check_profile = optarg; break;
		case O_REQUIRE: o->require_namespaces = 1; break;
		case O_RW:
		case O_RO: {
			struct extra_dir *v = realloc(o->extra, (o->nextra + 1) * sizeof(*v));

			if (!v)
				return log_fail(ENOMEM, "arguments");
			v[o->nextra++] = (struct extra_dir){ .writable = c == O_RW, .dir = optarg };
			o->extra = v;
			break;
		}
		case O_ARGV0: o->argv0 = optarg; break;
		case O_RECORD: o->record = 1; break;
		case O_PIP_HOOK: o->pip_hook = optarg; break;
		case O_PIP_CONTROL: o->pip_control = optarg; break;
		case O_PIP_EGG_BASE: o->pip_egg_base = optarg; break;
		case 'c': o->shell_command = optarg; break;
		case 'v': o->verbose = 1; break;
		case 'h': usage(stdout); exit(0);
		case O_VERSION: printf("pkgguard-sandbox %s\n", PKGGUARD_VERSION); exit(0);
		default: return -EINVAL;
		}
	}
	o->argv = argv + optind;
	o->argc = argc - optind;
	if (!o->pip_hook != !o->pip_control) {
		log_fail_plain(EINVAL, "--pip-hook and --pip-control go together");
		return -EINVAL;
	}
	if (o->check_profile)
		return 0;
	if (!o->shell_command && o->argc == 0) {
		log_fail_plain(EINVAL, "no command given (use -- COMMAND or -c 'SHELL COMMAND')");
		return -EINVAL;
	}
	return 0;
}

/* Package name from the path (common/package_name.h), or NULL: the project,
 * or no package at all. */
static char *package_from_path(const char *dir)
{
	char name[512];
	return package_name_from_path(dir, name, sizeof(name)) == 0 ? strdup(name) : NULL;
}

/* In -c mode npm/pnpm/yarn say who they are in npm_config_user_agent
 * ("npm/11.19.1 node/v20…"): that picks their profile when it exists. */
static const char *profile_from_agent(const struct strlist *search)
{
	static const char *const known[] = { "npm", "pnpm", "yarn" };
	const char *agent = getenv("npm_config_user_agent");
	if (!agent)
		return "default";
	for (size_t i = 0; i < ARRAY_SIZE(known); i++) {
		size_t n = strlen(known[i]);
		if (strncmp(agent, known[i], n) != 0 || agent[n] != '/')
			continue;
		for (size_t d = 0; d < search->n; d++) {
			char path[PATH_MAX];
			snprintf(path, sizeof(path), "%s/%s.conf", search->v[d], known[i]);
			if (access(path, R_OK) == 0)
				return known[i];
		}
	}
	return "default";
}

/* The directory of a profile given as a file (same rule as profile_load:
 * a '/' or a ".conf" suffix), else NULL. */
static char *profile_file_dir(const char *arg)
{
	if (!arg || !profile_is_file_arg(arg))
		return NULL;
	const char *slash = strrchr(arg, '/');
	if (!slash)
		return strdup(".");
	return slash == arg ? strdup("/") : strndup(arg, (size_t)(slash - arg));
}

/* A project that is "/", $HOME or above it would show the whole home (and
 * with "/", everything else) read-only: such a project is not shown. */
/* profile_vars.identity_check: a matching override is used only for the
 * package it names (pkg_identity.h). */
static int identity_agrees(void *ctx, const char *integrity, const char *version, char *why, size_t whylen)
{
	return pkg_identity_agrees(ctx, integrity, version, why, whylen);
}

static int project_too_wide(const char *project, const char *home)
{
	size_t n = strlen(project);
	if (strcmp(project, "/") == 0)
		return 1;
	return home && home[0] == '/' && strncmp(home, project, n) == 0 && (home[n] == '\0' || home[n] == '/');
}

static char *absolute_dir(const char *what, const char *dir)
{
	char *real = realpath(dir, NULL);
	struct stat st;
	if (!real || stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
		log_fail(real ? ENOTDIR : errno, "%s %s", what, dir);
		free(real);
		return NULL;
	}
	return real;
}

/* For `pkgguard run`, which sets PKGGUARD_RECORD_DIR: one record per
 * script, also for one refused before its policy was loaded (pol NULL). The
 * script's environment never has this variable (not kept). With --record
 * (pkgguardd's reparse), the user's state directory; NULL: no record. */
static const char *record_dir(const struct options *o)
{
	static char state[4096];
	const char *dir = getenv("PKGGUARD_RECORD_DIR");
	int rc;

	/* A copy: sandbox_run() zeroes the environment's strings in place. */
	if (dir && dir[0] == '/' && (size_t)snprintf(state, sizeof(state), "%s", dir) < sizeof(state))
		return state;
	if (!o->record)
		return NULL;
	if ((rc = state_dir_path("records", 1, state, sizeof(state))) != 0) {
		log_warn("--record: no state directory for the record (%s): none is kept", strerror(-rc));
		return NULL;
	}
	return state;
}

static void write_record(const struct options *o, const struct policy *pol, const char *pkg_dir,
			 const struct sandbox_outcome *out, int status, const struct timespec *start)
{
	/* A script refused before sandbox_run() has not looked it up yet. */
	const char *dir = o->record_dir ? o->record_dir : record_dir(o);
	if (!dir)
		return;
	struct script_record rec = {
		.package = pol && pol->package ? pol->package : o->package_name,
		.pkg_dir = pol ? pol->pkg_dir : pkg_dir,
		.version = getenv("npm_package_version"),
		.event = getenv("npm_lifecycle_event"),
		.command = o->shell_command ? o->shell_command : o->argv[0],
		.profile = pol ? pol->name : NULL,
		.override = pol ? pol->override_source : NULL,
		.override_refused = pol ? pol->override_refused : NULL,
		.confinement = !pol ? NULL : out->fallback ? "fallback" : "namespaces",
		.outcome = out->timed_out ? "timeout" : out->setup_failed ? "setup-error" : status == 0 ? "ok" : "failed",
		.exit_status = status,
		.duration_ms = ms_since(start),
		.name = out->tripwire ? tripwire_record_name(out->tripwire) : NULL,
		.findings = out->tripwire ? tripwire_findings(out->tripwire) : NULL,
		.tripwire = out->tripwire ? tripwire_status(out->tripwire) : "off",
		.quarantine = out->tripwire ? tripwire_quarantine(out->tripwire) : NULL,
	};
	if (record_write(dir, &rec) == 0 && o->record && out->tripwire) {
		char path[4200];
		snprintf(path, sizeof(path), "%s/%s.json", dir, rec.name);
		journal_findings(rec.findings, rec.package, rec.event, path);
	}
}

/* The package directory, when the caller names a project (-c: $INIT_CWD;
 * --project-dir): from the path the package manager names (--pkg-dir DIR,
 * else its npm_package_json, else the working directory), opened from a
 * root without following links (pkg_dir.h). named_out gets that path for a
 * refusal's record. 0 or -errno (reported). */
static int establish_pkg_dir(const struct options *o, const char *cwd, const char *project,
			     struct pkg_dir *pd, char **named_out)
{
	const char *agent = getenv("npm_config_user_agent");
	const char *given = o->pkg_dir;
	bool uses_cwd = !given || strcmp(given, ".") == 0;
	char *from_pm = pkg_layout_named_dir(agent, getenv("npm_package_json"));
	char *local = pkg_layout_local_root(agent, getenv("npm_config_local_prefix"));
	char *global = pkg_layout_global_root(agent, getenv("npm_config_global"), getenv("npm_config_global_prefix"));
	char *local_real = local ? realpath(local, NULL) : NULL;
	char *global_real = global ? realpath(global, NULL) : NULL;
	const char *roots[3];
	struct stat here;
	char err[1024];
	int r = 0;

	struct pkg_dir_request rq = { .roots = roots, .named_by_manager = true };
	roots[rq.nroots++] = project;
	if (local_real && strcmp(local_real, project) != 0)
		roots[rq.nroots++] = local_real;
	rq.project_roots = rq.nroots;
	if (global_real)
		roots[rq.nroots++] = global_real;
	if (!uses_cwd)
		*named_out = given[0] == '/' ? strdup(given)
					     : (asprintf(named_out, "%s/%s", cwd, given) < 0 ? NULL : *named_out);
	else if (from_pm)
		*named_out = strdup(from_pm);
	else
		*named_out = strdup(cwd);
	rq.named_by_manager = !uses_cwd || from_pm;
	rq.named = *named_out;
	if (!rq.named)
		r = log_fail(ENOMEM, "package directory");
	else if (uses_cwd && stat(".", &here) != 0)
		r = log_fail(errno, "package directory: stat the working directory");
	if (!r) {
		rq.cwd = uses_cwd ? &here : NULL;
		r = pkg_dir_establish(&rq, pd, err, sizeof(err));
		if (r)
			log_fail_plain(-r, "%s", err);
	}
	free(from_pm);
	free(local);
	free(global);
	free(local_real);
	free(global_real);
	return r;
}

/* --rw and --ro, on top of the profile: checked as its own entries are. */
static int add_extra_paths(const struct options *o, struct policy *pol)
{
	char err[1024];

	for (size_t i = 0; i < o->nextra; i++) {
		const struct extra_dir *x = &o->extra[i];

		if (extra_path_add(pol, x->writable ? "--rw" : "--ro", x->dir, x->writable, err,
				   sizeof(err)) != 0)
			return log_fail_plain(EINVAL, "%s", err);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct strlist search = { 0 };
	struct policy *pol = NULL;
	char err[1024] = "";
	char *pkg_dir = NULL, *project_dir = NULL, *package = NULL, *cwd = NULL, *file_dir = NULL;
	char **cmd_argv = NULL, *named = NULL;
	struct pkg_dir pd = { .fd = -1 };
	bool refused = false;
	int status = SANDBOX_EXIT_SETUP;

	/* Nothing the caller had open may reach the script (an inherited socket
	 * would be a way out of every namespace). */
	close_range(3, ~0U, 0);
	log_set_program("pkgguard-sandbox");
	if (parse_args(argc, argv, &o) != 0) {
		usage(stderr);
		return SANDBOX_EXIT_SETUP;
	}
	log_set_verbose(o.verbose);
	/* A profile given as a FILE finds the profiles it inherits next to
	 * itself first (unless --profiles says where). */
	file_dir = profile_file_dir(o.check_profile ? o.check_profile : o.profile);
	if (o.only_profiles.n > 0 && (o.profiles_dir || file_dir)) {
		log_fail_plain(EINVAL, "--only-profiles takes a profile NAME, and no --profiles");
		goto out;
	}
	if (o.only_profiles.n > 0) {
		/* The caller's search path (pkgguardd's): the environment does
		 * not choose the policy of a script it confines. */
		search = o.only_profiles;
		memset(&o.only_profiles, 0, sizeof(o.only_profiles));
	} else if (o.profiles_dir && (o.profiles_dir[0] == '/' || o.check_profile) && access(o.profiles_dir, X_OK) != 0) {
		log_fail(errno, "--profiles %s: give a directory of profiles (NAME.conf)", o.profiles_dir);
		return SANDBOX_EXIT_SETUP;
	} else if (profile_search_path(o.profiles_dir ? o.profiles_dir : file_dir, o.check_profile != NULL,
				       &search, err, sizeof(err)) != 0) {
		/* Only --check-profile takes relative paths: it confines nothing,
		 * and its working directory is the user's. Elsewhere it may be the
		 * package's. */
		log_fail_plain(EINVAL, "%s", err);
		goto out;
	}
	cwd = getcwd(NULL, 0);
	if (!cwd) {
		log_fail(errno, "getcwd");
		goto out;
	}

	if (o.shell_command) {
		const char *init_cwd = getenv("INIT_CWD");
		if (o.project_dir || (init_cwd && init_cwd[0] == '/'))
			project_dir = absolute_dir("project directory", o.project_dir ? o.project_dir : init_cwd);
		if ((o.project_dir || (init_cwd && init_cwd[0] == '/')) && !project_dir)
			goto out;
		/* `pkgguard run --profile` says which through the environment: a
		 * package manager passes no arguments to its script shell. */
		if (!o.profile)
			o.profile = getenv("PKGGUARD_PROFILE");
		if (!o.profile)
			o.profile = profile_from_agent(&search);
	} else if (o.project_dir && !(project_dir = absolute_dir("project directory", o.project_dir))) {
		goto out;
	}
	if (project_dir && (o.shell_command || o.pkg_dir)) {
		/* A dependency's directory is found from the project, never
		 * from where its working directory resolves. */
		if (establish_pkg_dir(&o, cwd, project_dir, &pd, &named) != 0) {
			o.package_name = package = o.package ? strdup(o.package) : package_from_path(named);
			refused = true;
			goto out;
		}
		pkg_dir = strdup(pd.path);
		if (pd.place == PKG_DIR_ROOT) {
			/* The project's own script: its project is that root. */
			free(project_dir);
			project_dir = strdup(pd.root);
		}
		if (!pkg_dir || !project_dir) {
			log_fail(ENOMEM, "package directory");
			goto out;
		}
	} else if (o.shell_command || o.pkg_dir) {
		/* No project (a direct call, pip's builds): the directory as
		 * given, held to the profile's writable-path rules. */
		if (!(pkg_dir = absolute_dir("package directory", o.pkg_dir ? o.pkg_dir : cwd)))
			goto out;
	}
	package = o.package ? strdup(o.package) : o.shell_command ? package_from_path(pkg_dir) : NULL;
	/* Said here, naming the directory and where it came from, rather than
	 * as the profile line that would refuse ${PKG_DIR}: the usual cause is
	 * a script shell started from /tmp, $HOME or /. */
	const char *why = pkg_dir ? pkg_dir_refusal(pkg_dir, getenv("HOME")) : NULL;
	if (why) {
		log_fail_plain(EINVAL, "%s%s cannot be the package directory: it %s, and a script may write its "
			       "package directory; run from the package's own directory (a project, or "
			       "node_modules/NAME) or give --pkg-dir DIR",
			       o.pkg_dir ? "--pkg-dir " : "the current directory ", pkg_dir, why);
		o.package_name = package;
		named = strdup(pkg_dir);
		refused = true;
		goto out;
	}

	if (project_dir && project_too_wide(project_dir, getenv("HOME"))) {
		log_warn("project directory %s is / or contains $HOME: it is not shown to the script", project_dir);
		free(project_dir);
		project_dir = NULL;
	}
	o.package_name = package;
	struct profile_vars vars = {
		.pkg_dir = o.check_profile ? cwd : pkg_dir,
		.project_dir = project_dir,
		.home = getenv("HOME"),
		.tmpdir = getenv("TMPDIR"),
		.package = package,
		.refuse_pkg_dir_profiles = !o.check_profile,
	};
	struct pkg_identity_in identity = {
		.pkg_dir = pkg_dir, .pkg_dir_fd = pd.fd, .project_dir = project_dir, .dir_name = package,
		.envp = environ,
	};
	if (!o.check_profile) {
		vars.identity_check = identity_agrees;
		vars.identity_ctx = &identity;
	}
	const char *which = o.check_profile ? o.check_profile : (o.profile ? o.profile : "default");
	if (!o.check_profile && profile_is_file_arg(which) && which[0] != '/') {
		log_fail_plain(EINVAL, "profile file \"%s\" is a relative path: refused (give an absolute path; "
			       "here it would be read from the package directory)", which);
		goto out;
	}
	if (profile_load(which, &search, &vars, &pol, err, sizeof(err)) != 0) {
		log_fail_plain(EINVAL, "%s", err);
		goto out;
	}
	if (add_extra_paths(&o, pol) != 0 || git_hidden_expand(&pol->hidden) != 0)
		goto out;
	if (pd.fd >= 0)
		pol->pkg_dir_fd = pd.fd; /* bound by this fd, not by its path */
	policy_for_project_script(pol);
	if (o.check_profile) {
		policy_print(pol, stdout);
		status = fflush(stdout) == 0 ? 0 : SANDBOX_EXIT_SETUP;
		goto out;
	}
	if (pol->override_refused)
		log_warn("%s: %s", package ? package : "(package)", pol->override_refused);
	if (o.verbose) {
		log_debug("profile %s (%s)%s%s", pol->name, pol->source,
			  pol->package ? ", override for " : "", pol->package ? pol->package : "");
	}

	if (o.shell_command) {
		/* npm runs `<script-shell> -c <cmd>`; extra words become $0 $1… */
		cmd_argv = calloc((size_t)o.argc + 4, sizeof(char *));
		if (!cmd_argv) {
			log_fail(ENOMEM, "arguments");
			goto out;
		}
		cmd_argv[0] = "/bin/sh";
		cmd_argv[1] = "-c";
		cmd_argv[2] = (char *)o.shell_command;
		for (int i = 0; i < o.argc; i++)
			cmd_argv[3 + i] = o.argv[i];
	}
	if (o.argv0 && !o.shell_command) {
		/* COMMAND is the file; argv[0] shows NAME. */
		cmd_argv = calloc((size_t)o.argc + 1, sizeof(char *));
		if (!cmd_argv) {
			log_fail(ENOMEM, "arguments");
			goto out;
		}
		cmd_argv[0] = (char *)o.argv0;
		for (int i = 1; i < o.argc; i++)
			cmd_argv[i] = o.argv[i];
	}
	struct sandbox_cmd cmd = {
		.argv = cmd_argv ? cmd_argv : o.argv,
		.file = o.argv0 && !o.shell_command ? o.argv[0] : NULL,
		.envp = environ,
		.cwd = cwd,
		.require_namespaces = o.require_namespaces,
		.record_dir = o.record_dir = record_dir(&o),
	};
	struct sandbox_outcome outcome = { 0 };
	struct timespec start;
	struct pip_output pip = { .control_fd = -1, .metadata_fd = -1, .egg_base_fd = -1 };
	bool pip_check = o.pip_hook || o.pip_egg_base;
	if ((o.pip_hook && pip_output_open(&pip, o.pip_hook, o.pip_control, err, sizeof(err)) != 0) ||
	    (!o.pip_hook && o.pip_egg_base && pip_output_open_egg_base(&pip, o.pip_egg_base, err, sizeof(err)) != 0)) {
		log_fail_plain(EINVAL, "%s", err);
		pip_output_close(&pip);
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	status = sandbox_run(pol, &cmd, &outcome);
	/* The hook's tree is gone: what it returns cannot change any more. */
	if (pip_check && status == 0 && pip_output_check(&pip, err, sizeof(err)) != 0) {
		log_fail_plain(EPERM, "%s", err);
		pip_output_discard(&pip);
		status = SANDBOX_EXIT_SETUP;
	}
	pip_output_close(&pip);
	write_record(&o, pol, NULL, &outcome, status, &start);
	tripwire_free(outcome.tripwire);
out:
	if (refused) {
		struct sandbox_outcome none = { .setup_failed = true };
		struct timespec now;

		clock_gettime(CLOCK_MONOTONIC, &now);
		write_record(&o, NULL, named, &none, status, &now);
	}
	pkg_dir_release(&pd);
	free(named);
	policy_free(pol);
	strlist_free(&search);
	strlist_free(&o.only_profiles);
	free(o.extra);
	free(cmd_argv);
	free(pkg_dir);
	free(project_dir);
	free(package);
	free(cwd);
	free(file_dir);
	return status;
}
