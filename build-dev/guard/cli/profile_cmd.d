build-dev/guard/cli/profile_cmd.o: guard/cli/profile_cmd.c \
 guard/cli/commands.h common/log.h sandbox/profile.h sandbox/policy.h \
 common/strlist.h
guard/cli/commands.h:
common/log.h:
sandbox/profile.h:
sandbox/policy.h:
common/strlist.h:
