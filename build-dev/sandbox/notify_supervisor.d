build-dev/sandbox/notify_supervisor.o: sandbox/notify_supervisor.c \
 sandbox/notify_supervisor.h sandbox/layers.h sandbox/policy.h \
 common/strlist.h common/log.h
sandbox/notify_supervisor.h:
sandbox/layers.h:
sandbox/policy.h:
common/strlist.h:
common/log.h:
