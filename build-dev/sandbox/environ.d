build-dev/sandbox/environ.o: sandbox/environ.c sandbox/environ.h \
 sandbox/policy.h common/strlist.h common/env_vec.h
sandbox/environ.h:
sandbox/policy.h:
common/strlist.h:
common/env_vec.h:
