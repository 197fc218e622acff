build-dev/guard/daemon/reparse/reparse_scope.o: \
 guard/daemon/reparse/reparse_scope.c \
 guard/daemon/reparse/reparse_scope.h sandbox/policy.h common/strlist.h \
 guard/daemon/tracee_mem.h guard/daemon/reparse/pip_hook.h
guard/daemon/reparse/reparse_scope.h:
sandbox/policy.h:
common/strlist.h:
guard/daemon/tracee_mem.h:
guard/daemon/reparse/pip_hook.h:
