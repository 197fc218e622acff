build-dev/sandbox/seccomp_prebuilt.o: sandbox/seccomp_prebuilt.c \
 sandbox/layers.h sandbox/policy.h common/strlist.h common/array_size.h \
 common/log.h build-dev/gen/seccomp_prebuilt.inc
sandbox/layers.h:
sandbox/policy.h:
common/strlist.h:
common/array_size.h:
common/log.h:
build-dev/gen/seccomp_prebuilt.inc:
