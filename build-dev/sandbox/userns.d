build-dev/sandbox/userns.o: sandbox/userns.c sandbox/layers.h \
 sandbox/policy.h common/strlist.h common/log.h
sandbox/layers.h:
sandbox/policy.h:
common/strlist.h:
common/log.h:
