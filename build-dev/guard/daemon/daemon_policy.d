build-dev/guard/daemon/daemon_policy.o: guard/daemon/daemon_policy.c \
 guard/daemon/daemon_policy.h guard/daemon/classify.h sandbox/policy.h \
 common/strlist.h guard/daemon/proc_info.h guard/daemon/daemon_config.h \
 common/log.h sandbox/profile.h sandbox/policy.h
guard/daemon/daemon_policy.h:
guard/daemon/classify.h:
sandbox/policy.h:
common/strlist.h:
guard/daemon/proc_info.h:
guard/daemon/daemon_config.h:
common/log.h:
sandbox/profile.h:
sandbox/policy.h:
