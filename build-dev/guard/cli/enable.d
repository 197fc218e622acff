build-dev/guard/cli/enable.o: guard/cli/enable.c common/atomic_file.h \
 common/array_size.h guard/cli/commands.h common/log.h \
 guard/cli/pm_query.h common/self_path.h
common/atomic_file.h:
common/array_size.h:
guard/cli/commands.h:
common/log.h:
guard/cli/pm_query.h:
common/self_path.h:
