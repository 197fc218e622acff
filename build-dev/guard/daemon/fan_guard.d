build-dev/guard/daemon/fan_guard.o: guard/daemon/fan_guard.c \
 guard/daemon/fan_guard.h guard/daemon/classify.h sandbox/policy.h \
 common/strlist.h guard/daemon/proc_info.h guard/daemon/clean_parents.h \
 guard/daemon/proc_cache.h guard/daemon/control_server.h \
 common/control_proto.h guard/daemon/daemon_stats.h \
 guard/daemon/daemon_policy.h guard/daemon/daemon_config.h \
 guard/daemon/reparse/reparse.h guard/daemon/daemon_stats.h \
 common/array_size.h common/clock.h guard/daemon/daemon_log.h \
 common/package_name.h common/log.h guard/daemon/pending_exec.h \
 guard/daemon/reparse/reparse_regs.h
guard/daemon/fan_guard.h:
guard/daemon/classify.h:
sandbox/policy.h:
common/strlist.h:
guard/daemon/proc_info.h:
guard/daemon/clean_parents.h:
guard/daemon/proc_cache.h:
guard/daemon/control_server.h:
common/control_proto.h:
guard/daemon/daemon_stats.h:
guard/daemon/daemon_policy.h:
guard/daemon/daemon_config.h:
guard/daemon/reparse/reparse.h:
guard/daemon/daemon_stats.h:
common/array_size.h:
common/clock.h:
guard/daemon/daemon_log.h:
common/package_name.h:
common/log.h:
guard/daemon/pending_exec.h:
guard/daemon/reparse/reparse_regs.h:
