build-dev/sandbox/rlimits.o: sandbox/rlimits.c sandbox/layers.h \
 sandbox/policy.h common/strlist.h common/log.h
sandbox/layers.h:
sandbox/policy.h:
common/strlist.h:
common/log.h:
