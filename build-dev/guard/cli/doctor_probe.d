build-dev/guard/cli/doctor_probe.o: guard/cli/doctor_probe.c \
 guard/cli/doctor_probe.h guard/cli/doctor.h guard/cli/pm_query.h
guard/cli/doctor_probe.h:
guard/cli/doctor.h:
guard/cli/pm_query.h:
