/* reparse_tracer.h — inside exec reparse (reparse.h): the state shared by
 * the answering thread's API (reparse.c) and the tracer thread
 * (reparse_tracer.c), and the tracer's entry points. Not for other files:
 * the daemon uses reparse.h. */
#ifndef PKGGUARD_REPARSE_TRACER_H
#define PKGGUARD_REPARSE_TRACER_H

#include <limits.h>
#include <pthread.h>

#include "reparse.h"
#include "reparse_plan.h"
#include "reparse_regs.h"

#define MAX_JOBS 64


enum job_state { JOB_FREE = 0, JOB_WAIT_STOP, JOB_WAIT_MMAP_ENTRY, JOB_WAIT_MMAP_EXIT };

struct job {
	enum job_state state;
	pid_t pid;
	uint64_t start, t0, deadline;
	bool abandoned;         /* detach unchanged at the next stop */
	bool regs_changed;      /* set for the injected mmap: restore before a release */
	struct reparse_request req;
	struct strlist commands;
	struct tracee_regs regs;  /* at the first stop: the failed execve */
	struct reparse_plan plan;
	char event[64];           /* npm_lifecycle_event of its envp, for the log */
};

enum slot_state { SLOT_FREE, SLOT_SUBMITTED, SLOT_DONE, SLOT_CANCELLED };

struct reparse {
	pthread_t thread;
	bool thread_started;
	pthread_mutex_t mu;
	int req_fd, ack_fd, quit_fd, chld_fd;
	char *sandbox_path;
	dev_t sandbox_dev;        /* under mu: SIGHUP may re-stat it */
	ino_t sandbox_ino;
	struct strlist profile_dirs; /* under mu: SIGHUP may change them */
	bool force_mmap;

	/* Main → tracer, one request at a time (under mu). */
	enum slot_state slot;
	struct reparse_request req;
	char req_pm[64], req_file[PATH_MAX], req_cwd[PATH_MAX];
	struct strlist req_commands;
	int ack_err;

	/* Tracer → main (under mu). */
	struct { pid_t pid; uint64_t start; } allowance[16];
	struct reparse_stats stats;

	/* Tracer only. */
	struct job jobs[MAX_JOBS];
};


/* The tracer thread's body (pthread_create); returns when quit_fd is
 * written, having let go of every process it held. */
void *reparse_tracer_main(void *arg);
/* One waitpid() status of a traced process: the step of its job's state
 * machine (exposed for the unit tests, which drive it with made-up stops). */
void reparse_tracer_on_wait(struct reparse *r, pid_t pid, int status);
/* Frees what jobs still hold (after the thread has ended). */
void reparse_tracer_free_jobs(struct reparse *r);
/* Empties an eventfd. */
void reparse_drain(int fd);

#endif
