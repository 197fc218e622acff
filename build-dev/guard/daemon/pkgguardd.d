build-dev/guard/daemon/pkgguardd.o: guard/daemon/pkgguardd.c \
 common/control_proto.h guard/daemon/daemon_config.h sandbox/policy.h \
 common/strlist.h guard/daemon/fan_guard.h guard/daemon/classify.h \
 guard/daemon/proc_info.h guard/daemon/clean_parents.h \
 guard/daemon/proc_cache.h guard/daemon/control_server.h \
 guard/daemon/daemon_stats.h guard/daemon/daemon_policy.h \
 guard/daemon/reparse/reparse.h guard/daemon/daemon_stats.h common/log.h \
 common/self_path.h
common/control_proto.h:
guard/daemon/daemon_config.h:
sandbox/policy.h:
common/strlist.h:
guard/daemon/fan_guard.h:
guard/daemon/classify.h:
guard/daemon/proc_info.h:
guard/daemon/clean_parents.h:
guard/daemon/proc_cache.h:
guard/daemon/control_server.h:
guard/daemon/daemon_stats.h:
guard/daemon/daemon_policy.h:
guard/daemon/reparse/reparse.h:
guard/daemon/daemon_stats.h:
common/log.h:
common/self_path.h:
