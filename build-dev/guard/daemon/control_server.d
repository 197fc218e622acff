build-dev/guard/daemon/control_server.o: guard/daemon/control_server.c \
 guard/daemon/control_server.h common/control_proto.h \
 guard/daemon/daemon_stats.h sandbox/policy.h common/strlist.h \
 common/log.h
guard/daemon/control_server.h:
common/control_proto.h:
guard/daemon/daemon_stats.h:
sandbox/policy.h:
common/strlist.h:
common/log.h:
