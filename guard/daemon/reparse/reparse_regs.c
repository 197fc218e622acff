/* reparse_regs.c — see reparse_regs.h. */
#include "reparse_regs.h"

#include <errno.h>
#include <string.h>
#include <sys/ptrace.h>

#include "tracee_mem.h"

#if defined(__x86_64__)

#define X86_64_USER_CS 0x33     /* 64-bit user code segment; ia32 runs with 0x23 */
#define X32_SYSCALL_BIT 0x40000000L

bool regs_supported(void)
{
	return true;
}

int regs_get(pid_t pid, struct tracee_regs *r)
{
	memset(r, 0, sizeof(*r));
	if (ptrace(PTRACE_GETREGS, pid, NULL, &r->raw) != 0)
		return -errno;
	r->nr = (long)r->raw.orig_rax;
	r->ret = (int64_t)r->raw.rax;
	r->arg[0] = r->raw.rdi;
	r->arg[1] = r->raw.rsi;
	r->arg[2] = r->raw.rdx;
	r->arg[3] = r->raw.r10;
	r->arg[4] = r->raw.r8;
	r->arg[5] = r->raw.r9;
	r->sp = r->raw.rsp;
	r->pc = r->raw.rip;
	r->native = r->raw.cs == X86_64_USER_CS && !(r->nr & X32_SYSCALL_BIT);
	return 0;
}

int regs_set(pid_t pid, const struct tracee_regs *r)
{
	return ptrace(PTRACE_SETREGS, pid, NULL, &r->raw) == 0 ? 0 : -errno;
}

void regs_prepare_syscall(struct tracee_regs *r, long nr, const uint64_t args[6])
{
	r->raw.rax = (unsigned long long)nr;
	r->raw.orig_rax = (unsigned long long)nr;
	r->raw.rdi = args[0];
	r->raw.rsi = args[1];
	r->raw.rdx = args[2];
	r->raw.r10 = args[3];
	r->raw.r8 = args[4];
	r->raw.r9 = args[5];
	r->raw.rip -= 2; /* `syscall` is 0f 05 */
	r->pc = r->raw.rip;
}

int regs_check_syscall_insn(pid_t pid, const struct tracee_regs *r)
{
	unsigned char insn[2];

	if (r->pc < 2 || tracee_read(pid, r->pc - 2, insn, 2) != 0)
		return -EFAULT;
	return insn[0] == 0x0f && insn[1] == 0x05 ? 0 : -ENOEXEC;
}

#else

bool regs_supported(void)
{
	return false;
}

int regs_get(pid_t pid, struct tracee_regs *r)
{
	(void)pid;
	memset(r, 0, sizeof(*r));
	return -ENOSYS;
}

int regs_set(pid_t pid, const struct tracee_regs *r)
{
	(void)pid;
	(void)r;
	return -ENOSYS;
}

void regs_prepare_syscall(struct tracee_regs *r, long nr, const uint64_t args[6])
{
	(void)r;
	(void)nr;
	(void)args;
}

int regs_check_syscall_insn(pid_t pid, const struct tracee_regs *r)
{
	(void)pid;
	(void)r;
	return -ENOSYS;
}

#endif
