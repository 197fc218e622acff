build-dev/sandbox/leftovers.o: sandbox/leftovers.c sandbox/leftovers.h \
 sandbox/decoys.h sandbox/findings.h common/log.h sandbox/sha256.h
sandbox/leftovers.h:
sandbox/decoys.h:
sandbox/findings.h:
common/log.h:
sandbox/sha256.h:
