build-dev/guard/daemon/pending_exec.o: guard/daemon/pending_exec.c \
 guard/daemon/pending_exec.h guard/daemon/proc_info.h \
 guard/daemon/tracee_mem.h
guard/daemon/pending_exec.h:
guard/daemon/proc_info.h:
guard/daemon/tracee_mem.h:
