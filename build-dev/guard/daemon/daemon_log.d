build-dev/guard/daemon/daemon_log.o: guard/daemon/daemon_log.c \
 guard/daemon/daemon_log.h
guard/daemon/daemon_log.h:
