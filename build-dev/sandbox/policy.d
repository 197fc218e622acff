build-dev/sandbox/policy.o: sandbox/policy.c sandbox/policy.h \
 common/strlist.h common/array_size.h
sandbox/policy.h:
common/strlist.h:
common/array_size.h:
