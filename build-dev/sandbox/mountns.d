build-dev/sandbox/mountns.o: sandbox/mountns.c sandbox/layers.h \
 sandbox/policy.h common/strlist.h common/array_size.h common/log.h \
 common/root_path.h
sandbox/layers.h:
sandbox/policy.h:
common/strlist.h:
common/array_size.h:
common/log.h:
common/root_path.h:
