/* commands.h — the subcommands of the `pkgguard` CLI, one file each; main.c
 * dispatches. Each returns the process exit status; only main() exits.
 * Exit statuses: the package manager's for `run`; otherwise 0 success,
 * 1 failure, 2 bad usage. Errors are one line on stderr. */
#ifndef PKGGUARD_COMMANDS_H
#define PKGGUARD_COMMANDS_H

enum {
	CMD_OK = 0,
	CMD_FAIL = 1,
	CMD_USAGE = 2,
	CMD_RUN_STRICT = 3,  /* run --strict: the package manager succeeded, a script did not */
};

int cmd_run(int argc, char **argv);        /* run.c */
int cmd_enable(int argc, char **argv);     /* enable.c: pkgguard enable npm|pnpm */
int cmd_disable(int argc, char **argv);    /* enable.c: pkgguard disable npm|pnpm */
int cmd_profile(int argc, char **argv);    /* profile_cmd.c: check FILE | show NAME */
int cmd_status(int argc, char **argv);     /* status.c: pkgguardd's state over its control socket */
int cmd_doctor(int argc, char **argv);     /* doctor.c: what holds on this machine, with fixes */
int cmd_records(int argc, char **argv);    /* records_cmd.c: the tripwire's kept records */
int cmd_report(int argc, char **argv);     /* records_cmd.c: render a saved report */

#endif
