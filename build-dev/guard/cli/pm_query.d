build-dev/guard/cli/pm_query.o: guard/cli/pm_query.c guard/cli/pm_query.h \
 common/log.h
guard/cli/pm_query.h:
common/log.h:
