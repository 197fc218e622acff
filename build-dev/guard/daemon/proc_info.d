build-dev/guard/daemon/proc_info.o: guard/daemon/proc_info.c \
 guard/daemon/proc_info.h common/array_size.h
guard/daemon/proc_info.h:
common/array_size.h:
