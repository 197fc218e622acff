build-dev/guard/daemon/proc_cache.o: guard/daemon/proc_cache.c \
 guard/daemon/proc_cache.h guard/daemon/proc_info.h
guard/daemon/proc_cache.h:
guard/daemon/proc_info.h:
