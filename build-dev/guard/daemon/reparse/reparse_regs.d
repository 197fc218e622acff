build-dev/guard/daemon/reparse/reparse_regs.o: \
 guard/daemon/reparse/reparse_regs.c guard/daemon/reparse/reparse_regs.h \
 guard/daemon/tracee_mem.h
guard/daemon/reparse/reparse_regs.h:
guard/daemon/tracee_mem.h:
