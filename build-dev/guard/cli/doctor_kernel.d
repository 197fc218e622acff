build-dev/guard/cli/doctor_kernel.o: guard/cli/doctor_kernel.c \
 guard/cli/doctor.h guard/cli/doctor_probe.h
guard/cli/doctor.h:
guard/cli/doctor_probe.h:
