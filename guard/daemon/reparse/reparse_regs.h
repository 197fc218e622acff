/* reparse_regs.h — the registers of a process stopped on its way back from
 * a failed execve, per architecture: what the call was, and how to make it
 * run again with other arguments. x86_64 only for now; elsewhere
 * regs_supported() is false and the daemon denies instead of reparsing. */
#ifndef PKGGUARD_REPARSE_REGS_H
#define PKGGUARD_REPARSE_REGS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#if defined(__x86_64__)
#include <sys/user.h>
#endif

struct tracee_regs {
#if defined(__x86_64__)
	struct user_regs_struct raw;
#endif
	long nr;           /* the syscall that was made (execve, execveat) */
	int64_t ret;       /* its return value (-EPERM after our deny) */
	uint64_t arg[6];
	uint64_t sp, pc;
	bool native;       /* the daemon's own syscall ABI (not ia32, not x32) */
};

bool regs_supported(void);
int regs_get(pid_t pid, struct tracee_regs *r);
int regs_set(pid_t pid, const struct tracee_regs *r);
/* Arranges for the process to make syscall nr with args when it resumes:
 * the program counter goes back onto the syscall instruction. */
void regs_prepare_syscall(struct tracee_regs *r, long nr, const uint64_t args[6]);
/* 0 when the bytes before pc are this architecture's syscall instruction
 * (so moving pc back re-issues the call), else -ENOEXEC. */
int regs_check_syscall_insn(pid_t pid, const struct tracee_regs *r);

#endif
