build-dev/guard/cli/doctor_setup.o: guard/cli/doctor_setup.c \
 guard/cli/control_client.h guard/cli/doctor.h guard/cli/pm_query.h \
 sandbox/profile.h sandbox/policy.h common/strlist.h
guard/cli/control_client.h:
guard/cli/doctor.h:
guard/cli/pm_query.h:
sandbox/profile.h:
sandbox/policy.h:
common/strlist.h:
