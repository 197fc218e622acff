build-dev/sandbox/record.o: sandbox/record.c sandbox/record.h \
 sandbox/findings.h common/atomic_file.h common/log.h
sandbox/record.h:
sandbox/findings.h:
common/atomic_file.h:
common/log.h:
