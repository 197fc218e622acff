build-dev/sandbox/seccomp_filter.o: sandbox/seccomp_filter.c \
 sandbox/layers.h sandbox/policy.h common/strlist.h common/array_size.h \
 common/log.h
sandbox/layers.h:
sandbox/policy.h:
common/strlist.h:
common/array_size.h:
common/log.h:
