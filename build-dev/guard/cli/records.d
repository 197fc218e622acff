build-dev/guard/cli/records.o: guard/cli/records.c guard/cli/records.h \
 common/log.h common/package_name.h
guard/cli/records.h:
common/log.h:
common/package_name.h:
