build-dev/sandbox/caps.o: sandbox/caps.c sandbox/layers.h \
 sandbox/policy.h common/strlist.h common/log.h
sandbox/layers.h:
sandbox/policy.h:
common/strlist.h:
common/log.h:
