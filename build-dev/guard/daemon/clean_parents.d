build-dev/guard/daemon/clean_parents.o: guard/daemon/clean_parents.c \
 guard/daemon/clean_parents.h guard/daemon/classify.h sandbox/policy.h \
 common/strlist.h guard/daemon/proc_info.h guard/daemon/proc_cache.h
guard/daemon/clean_parents.h:
guard/daemon/classify.h:
sandbox/policy.h:
common/strlist.h:
guard/daemon/proc_info.h:
guard/daemon/proc_cache.h:
