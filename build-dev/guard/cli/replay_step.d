build-dev/guard/cli/replay_step.o: guard/cli/replay_step.c \
 guard/cli/replay_step.h guard/cli/adapter.h guard/cli/report.h \
 guard/cli/records.h guard/cli/commands.h common/log.h \
 guard/cli/pkgtree.h guard/cli/replay.h
guard/cli/replay_step.h:
guard/cli/adapter.h:
guard/cli/report.h:
guard/cli/records.h:
guard/cli/commands.h:
common/log.h:
guard/cli/pkgtree.h:
guard/cli/replay.h:
