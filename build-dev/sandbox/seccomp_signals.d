build-dev/sandbox/seccomp_signals.o: sandbox/seccomp_signals.c \
 sandbox/layers.h sandbox/policy.h common/strlist.h common/log.h
sandbox/layers.h:
sandbox/policy.h:
common/strlist.h:
common/log.h:
