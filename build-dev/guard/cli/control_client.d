build-dev/guard/cli/control_client.o: guard/cli/control_client.c \
 guard/cli/control_client.h common/control_proto.h
guard/cli/control_client.h:
common/control_proto.h:
