/* run.c — `pkgguard run [--report FILE.json] [--strict] [--profile NAME]
 * [--profiles DIR] [--all-scripts] -- <pm> <args…>`: the install wrapper.
 * The package manager runs normally (its network, cache and auth are its
 * own); every lifecycle script it runs goes through pkgguard-sandbox,
 * routed by its adapter, or replayed by us after an install with scripts
 * disabled. Each sandboxed script leaves a record in a private directory;
 * the report is made from those. */
#include "adapter.h"
#include "commands.h"
#include "env_vec.h"
#include "log.h"
#include "pkgtree.h"
#include "pnpm_approvals.h"
#include "profile.h"
#include "profile_args.h"
#include "records.h"
#include "replay_step.h"
#include "report.h"
#include "run_keep.h"
#include "self_path.h"

#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

struct run_opts {
	const char *report;
	const char *profile;
	const char *profiles_dir;
	bool strict;
	bool all_scripts;
	char **pm_argv;
};

static void run_usage(FILE *out)
{
	fputs("usage: pkgguard run [--report FILE.json] [--strict] [--profile NAME] [--profiles DIR]\n"
	      "                    [--all-scripts] -- <npm|npx|pnpm|yarn> ARGS...\n", out);
}

static int parse_run_args(int argc, char **argv, struct run_opts *o)
{
	enum { O_REPORT = 256, O_STRICT, O_PROFILE, O_PROFILES, O_ALL };
	static const struct option longopts[] = {
		{ "report", required_argument, NULL, O_REPORT },
		{ "strict", no_argument, NULL, O_STRICT },
		{ "profile", required_argument, NULL, O_PROFILE },
		{ "profiles", required_argument, NULL, O_PROFILES },
		{ "all-scripts", no_argument, NULL, O_ALL },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case O_REPORT: o->report = optarg; break;
		case O_STRICT: o->strict = true; break;
		case O_PROFILE: o->profile = optarg; break;
		case O_PROFILES: o->profiles_dir = optarg; break;
		case O_ALL: o->all_scripts = true; break;
		case 'h': run_usage(stdout); return 1;
		default: run_usage(stderr); return -EINVAL;
		}
	}
	/* The package manager's own flags must never be read as ours. */
	if (optind < 2 || strcmp(argv[optind - 1], "--") != 0) {
		log_fail_plain(EINVAL, "run: put -- before the package manager command (pkgguard run -- npm install)");
		return -EINVAL;
	}
	if (optind >= argc) {
		log_fail_plain(EINVAL, "run: no package manager command after --");
		return -EINVAL;
	}
	o->pm_argv = argv + optind;
	return 0;
}

/* The first argument that is not an option: the package manager's command. */
static const char *pm_subcommand(char **pm_argv)
{
	for (char **a = pm_argv + 1; *a; a++)
		if ((*a)[0] != '-')
			return *a;
	return "";
}

static bool is_install(const struct pm_adapter *a, char **pm_argv)
{
	const char *sub = pm_subcommand(pm_argv);
	for (const char *const *c = a->install_commands; *c; c++)
		if (strcmp(sub, *c) == 0)
			return true;
	return false;
}

static bool in_path(const char *cmd)
{
	if (strchr(cmd, '/'))
		return access(cmd, X_OK) == 0;
	const char *path = getenv("PATH");
	char full[4096];
	for (const char *s = path ? path : "/usr/bin:/bin"; *s;) {
		const char *end = strchrnul(s, ':');
		snprintf(full, sizeof(full), "%.*s/%s", (int)(end - s), s, cmd);
		if (end > s && access(full, X_OK) == 0)
			return true;
		s = *end ? end + 1 : end;
	}
	return false;
}

/* The report file must be writable before anything runs: an install is
 * not repeated because its report could not be saved. */
static int check_report_path(const char *path)
{
	char dir[4096];
	struct stat st;
	snprintf(dir, sizeof(dir), "%s", path);
	const char *d = dirname(dir);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return log_fail(EISDIR, "run: --report %s", path);
	if (access(d, W_OK | X_OK) != 0)
		return log_fail(errno, "run: --report %s: directory %s is not writable", path, d);
	return 0;
}

/* Runs argv with env and waits; the terminal's SIGINT/SIGQUIT reach the
 * child by themselves, SIGTERM/SIGHUP sent to us are passed on. */
static pid_t child_pid;
static void pass_on(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

static int spawn_wait(char **argv, char **env)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, fwd = { .sa_handler = pass_on }, old[4];
	int status = 0;

	sigaction(SIGINT, &ign, &old[0]);
	sigaction(SIGQUIT, &ign, &old[1]);
	sigaction(SIGTERM, &fwd, &old[2]);
	sigaction(SIGHUP, &fwd, &old[3]);
	child_pid = fork();
	if (child_pid == 0) {
		sigaction(SIGINT, &old[0], NULL);
		sigaction(SIGQUIT, &old[1], NULL);
		sigaction(SIGTERM, &old[2], NULL);
		sigaction(SIGHUP, &old[3], NULL);
		execvpe(argv[0], argv, env);
		fprintf(stderr, "pkgguard: run: %s: %s\n", argv[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	if (child_pid < 0) {
		status = log_fail(errno, "run: fork");
	} else {
		while (waitpid(child_pid, &status, 0) < 0 && errno == EINTR)
			;
		status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	child_pid = 0;
	sigaction(SIGINT, &old[0], NULL);
	sigaction(SIGQUIT, &old[1], NULL);
	sigaction(SIGTERM, &old[2], NULL);
	sigaction(SIGHUP, &old[3], NULL);
	return status;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

/* The package manager's argv, with the adapter's no-scripts flags in
 * replay mode. */
static char **pm_command(const struct run_opts *o, const struct pm_adapter *a, bool replay)
{
	size_t n = 0, extra = 0;
	while (o->pm_argv[n])
		n++;
	while (replay && a->no_scripts_args[extra])
		extra++;
	char **argv = calloc(n + extra + 1, sizeof(char *));
	if (!argv)
		return NULL;
	memcpy(argv, o->pm_argv, n * sizeof(char *));
	for (size_t i = 0; i < extra; i++)
		argv[n + i] = (char *)a->no_scripts_args[i];
	return argv;
}

static int prepare_env(char ***env, const struct run_opts *o, const struct pm_adapter *a,
		       const char *sandbox, const char *record_dir)
{
	char *entry = NULL;
	int r = 0;

	if (asprintf(&entry, "PKGGUARD_RECORD_DIR=%s", record_dir) < 0 || env_set(env, entry))
		r = -ENOMEM;
	free(entry);
	entry = NULL;
	if (!r && o->profile && (asprintf(&entry, "PKGGUARD_PROFILE=%s", o->profile) < 0 || env_set(env, entry)))
		r = -ENOMEM;
	free(entry);
	entry = NULL;
	if (!r && o->profiles_dir) {
		const char *old = getenv("PKGGUARD_PROFILE_PATH");
		if (asprintf(&entry, "PKGGUARD_PROFILE_PATH=%s%s%s", o->profiles_dir, old ? ":" : "",
			     old ? old : "") < 0 || env_set(env, entry))
			r = -ENOMEM;
		free(entry);
		entry = NULL;
	}
	/* A --registry on the command line is the package manager's registry;
	 * npm exports it to scripts as npm_config_registry, replayed scripts
	 * see it the same way (an override's identity is checked against it,
	 * pkg_identity.h). */
	for (char **arg = o->pm_argv + 1; !r && *arg; arg++) {
		const char *reg = strncmp(*arg, "--registry=", 11) == 0 ? *arg + 11
				  : strcmp(*arg, "--registry") == 0 && arg[1] ? arg[1] : NULL;

		if (reg && (asprintf(&entry, "npm_config_registry=%s", reg) < 0 || env_set(env, entry)))
			r = -ENOMEM;
		if (reg)
			free(entry);
		entry = NULL;
	}
	/* Routed even in replay mode: scripts the package manager still runs
	 * (a project's own, `npm run`) must not escape either. */
	if (!r && a->route)
		r = a->route(env, sandbox);
	return r ? log_fail(-r, "run: environment") : 0;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = { 0 };
	struct run_report rep = { 0 };
	struct pkgtree before = { 0 };
	char record_dir[4096], *sandbox = NULL, **env = NULL, **pm_argv = NULL, *cwd = NULL;
	char **approved = NULL, *abs_profiles = NULL, *abs_profile = NULL;
	int status = CMD_FAIL, r = parse_run_args(argc, argv, &o);

	if (r)
		return r > 0 ? CMD_OK : CMD_USAGE;
	const struct pm_adapter *a = pm_adapter_find(o.pm_argv[0]);
	if (!a) {
		const char *pm = o.pm_argv[0];
		bool pip = strncmp(pm, "pip", 3) == 0 || strncmp(pm, "python", 6) == 0;
		log_fail_plain(EINVAL, "run: unknown package manager \"%s\" (known: npm, npx, pnpm, yarn)%s", pm,
			       pip ? "; pip has no script shell: pkgguardd sandboxes its builds (systemctl enable --now "
				     "pkgguardd, then a plain pip install)"
				   : "; give one of those after --");
		return CMD_USAGE;
	}
	if (!in_path(o.pm_argv[0])) {
		log_fail_plain(ENOENT, "run: %s is not installed (not found in PATH): install it, or add its "
			       "directory to PATH", o.pm_argv[0]);
		return 127;
	}
	bool install = is_install(a, o.pm_argv);
	bool routable = a->route && (!a->routable || a->routable(o.pm_argv));
	bool replay = install && (o.all_scripts || !routable);
	if (!routable && !install) {
		log_fail_plain(EINVAL, "run: %s %s cannot be routed to the sandbox (only installs are replayed)",
			       a->name, pm_subcommand(o.pm_argv));
		return CMD_USAGE;
	}
	if (o.report && check_report_path(o.report) != 0)
		return CMD_FAIL;
	/* Profile paths are made absolute here, where the user typed them: the
	 * sandbox runs in each package's directory and refuses relative ones. */
	if (!(cwd = getcwd(NULL, 0))) {
		log_fail(errno, "run: getcwd");
		return CMD_FAIL;
	}
	if (profile_env_make_absolute(cwd) != 0 ||
	    profile_arg_make_absolute(&o.profiles_dir, true, cwd, &abs_profiles) != 0 ||
	    profile_arg_make_absolute(&o.profile, o.profile && profile_is_file_arg(o.profile), cwd, &abs_profile) != 0) {
		free(cwd);
		free(abs_profiles);
		return CMD_FAIL;
	}
	if (replay && a->route && !o.all_scripts && a != &pm_pnpm) {
		log_fail_plain(EINVAL, "run: %s cannot be routed here and its approval list is not known; "
			       "use --all-scripts", a->name);
		return CMD_USAGE;
	}
	if (!(sandbox = self_sibling("pkgguard-sandbox"))) {
		log_fail(errno, "run: pkgguard-sandbox next to pkgguard");
		goto early;
	}
	/* Records go to a temporary directory; what the tripwire found worth
	 * keeping moves to the user's state directory at the end (run_keep.h). */
	char kept[4096] = "";
	snprintf(record_dir, sizeof(record_dir), "%s/pkgguard-run-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(record_dir)) {
		log_fail(errno, "run: mkdtemp %s", record_dir);
		goto early;
	}
	if (!(env = env_copy(environ)) || prepare_env(&env, &o, a, sandbox, record_dir) != 0 ||
	    !(pm_argv = pm_command(&o, a, replay)))
		goto out;
	/* A routable package manager bypassed by this command (pnpm's
	 * --shell-emulator) keeps its approval list: only the builds it would
	 * have run are replayed. Read before anything runs; a list that cannot
	 * be read stops the run. --all-scripts replays every package. */
	if (replay && a->route && !o.all_scripts) {
		if (pnpm_approvals_load(cwd, &approved) != 0)
			goto out;
		pnpm_approvals_apply_args(approved, o.pm_argv);
	}

	/* What was installed before, so that packages this run did not touch
	 * are not reported as skipped. */
	if (install && pkgtree_load(cwd, &before) != 0)
		goto out;
	rep.package_manager = a->name;
	rep.command = o.pm_argv;
	rep.mode = replay ? "replayed" : "routed";
	rep.pm_status = spawn_wait(pm_argv, env);
	if (rep.pm_status == 0 && replay)
		rep.replay_status = replay_step(cwd, a, sandbox, o.profile ? o.profile : a->profile, env,
					       (const char *const *)approved);
	if (records_load(record_dir, &rep.scripts) != 0)
		goto out;
	if (run_keep_wanted(&rep.scripts) && run_keep_move(record_dir, &rep.scripts, kept, sizeof(kept)) == 0)
		log_info("run: the records are kept in %s (pkgguard records)", kept);
	if (install && skipped_step(cwd, &before, &rep) != 0)
		goto out;
	report_print(stderr, &rep);
	if (o.report && report_write_json(o.report, &rep) != 0)
		goto out;
	status = rep.pm_status ? rep.pm_status : rep.replay_status ? rep.replay_status : 0;
	if (status == 0 && o.strict && report_count(&rep, "ok") != rep.scripts.n) {
		log_info("run: --strict: a script failed or was stopped in the sandbox");
		status = CMD_RUN_STRICT;
	} else if (status == 0 && o.strict && report_suspicious(&rep)) {
		log_info("run: --strict: the tripwire found a script suspicious");
		status = CMD_RUN_STRICT;
	}
out:
	/* Gone when it was moved whole; else what is left of it. */
	nftw(record_dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	records_free(&rep.scripts);
	pkgtree_free(&before);
	report_free_skipped(&rep);
	env_free(env);
	free(pm_argv);
	pnpm_approvals_free(approved);
early:
	free(sandbox);
	free(cwd);
	free(abs_profiles);
	free(abs_profile);
	return status;
}
