build-dev/sandbox/netns.o: sandbox/netns.c sandbox/layers.h \
 sandbox/policy.h common/strlist.h common/log.h
sandbox/layers.h:
sandbox/policy.h:
common/strlist.h:
common/log.h:
