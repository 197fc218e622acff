build-dev/guard/cli/report.o: guard/cli/report.c guard/cli/report.h \
 guard/cli/records.h common/atomic_file.h common/log.h
guard/cli/report.h:
guard/cli/records.h:
common/atomic_file.h:
common/log.h:
