build-dev/guard/daemon/reparse/reparse_plan.o: \
 guard/daemon/reparse/reparse_plan.c guard/daemon/reparse/reparse_plan.h \
 sandbox/policy.h common/strlist.h guard/daemon/reparse/reparse_layout.h \
 guard/daemon/reparse/reparse_regs.h guard/daemon/tracee_mem.h \
 guard/daemon/classify.h guard/daemon/proc_info.h \
 guard/daemon/daemon_log.h common/package_name.h \
 guard/daemon/reparse/reparse_scope.h
guard/daemon/reparse/reparse_plan.h:
sandbox/policy.h:
common/strlist.h:
guard/daemon/reparse/reparse_layout.h:
guard/daemon/reparse/reparse_regs.h:
guard/daemon/tracee_mem.h:
guard/daemon/classify.h:
guard/daemon/proc_info.h:
guard/daemon/daemon_log.h:
common/package_name.h:
guard/daemon/reparse/reparse_scope.h:
