build-dev/guard/cli/records_cmd.o: guard/cli/records_cmd.c \
 guard/cli/commands.h common/log.h guard/cli/records.h guard/cli/report.h \
 common/state_dir.h
guard/cli/commands.h:
common/log.h:
guard/cli/records.h:
guard/cli/report.h:
common/state_dir.h:
