build-dev/guard/cli/status.o: guard/cli/status.c guard/cli/commands.h \
 guard/cli/control_client.h common/control_proto.h common/log.h
guard/cli/commands.h:
guard/cli/control_client.h:
common/control_proto.h:
common/log.h:
