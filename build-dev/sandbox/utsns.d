build-dev/sandbox/utsns.o: sandbox/utsns.c sandbox/layers.h \
 sandbox/policy.h common/strlist.h common/log.h
sandbox/layers.h:
sandbox/policy.h:
common/strlist.h:
common/log.h:
