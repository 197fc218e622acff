build-dev/sandbox/decoys.o: sandbox/decoys.c sandbox/decoys.h \
 common/log.h
sandbox/decoys.h:
common/log.h:
