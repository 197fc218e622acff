build-dev/guard/daemon/daemon_stats.o: guard/daemon/daemon_stats.c \
 guard/daemon/daemon_stats.h
guard/daemon/daemon_stats.h:
