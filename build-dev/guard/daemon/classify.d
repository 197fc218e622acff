build-dev/guard/daemon/classify.o: guard/daemon/classify.c \
 guard/daemon/classify.h sandbox/policy.h common/strlist.h \
 guard/daemon/proc_info.h common/array_size.h
guard/daemon/classify.h:
sandbox/policy.h:
common/strlist.h:
guard/daemon/proc_info.h:
common/array_size.h:
