build-dev/guard/cli/main.o: guard/cli/main.c guard/cli/commands.h \
 common/array_size.h common/log.h common/version.h
guard/cli/commands.h:
common/array_size.h:
common/log.h:
common/version.h:
