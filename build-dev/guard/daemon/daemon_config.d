build-dev/guard/daemon/daemon_config.o: guard/daemon/daemon_config.c \
 guard/daemon/daemon_config.h sandbox/policy.h common/strlist.h \
 common/array_size.h
guard/daemon/daemon_config.h:
sandbox/policy.h:
common/strlist.h:
common/array_size.h:
