build-dev/guard/daemon/reparse/reparse.o: guard/daemon/reparse/reparse.c \
 guard/daemon/reparse/reparse_tracer.h guard/daemon/reparse/reparse.h \
 guard/daemon/daemon_stats.h sandbox/policy.h common/strlist.h \
 guard/daemon/reparse/reparse_plan.h \
 guard/daemon/reparse/reparse_layout.h \
 guard/daemon/reparse/reparse_regs.h guard/daemon/tracee_mem.h \
 common/array_size.h common/clock.h
guard/daemon/reparse/reparse_tracer.h:
guard/daemon/reparse/reparse.h:
guard/daemon/daemon_stats.h:
sandbox/policy.h:
common/strlist.h:
guard/daemon/reparse/reparse_plan.h:
guard/daemon/reparse/reparse_layout.h:
guard/daemon/reparse/reparse_regs.h:
guard/daemon/tracee_mem.h:
common/array_size.h:
common/clock.h:
