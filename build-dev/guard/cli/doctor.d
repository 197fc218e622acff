build-dev/guard/cli/doctor.o: guard/cli/doctor.c guard/cli/commands.h \
 guard/cli/control_client.h common/control_proto.h guard/cli/doctor.h \
 common/log.h common/self_path.h
guard/cli/commands.h:
guard/cli/control_client.h:
common/control_proto.h:
guard/cli/doctor.h:
common/log.h:
common/self_path.h:
