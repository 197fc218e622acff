build-dev/guard/daemon/tracee_mem.o: guard/daemon/tracee_mem.c \
 guard/daemon/tracee_mem.h guard/daemon/proc_info.h
guard/daemon/tracee_mem.h:
guard/daemon/proc_info.h:
