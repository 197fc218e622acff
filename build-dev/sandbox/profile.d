build-dev/sandbox/profile.o: sandbox/profile.c sandbox/profile.h \
 sandbox/policy.h common/strlist.h common/array_size.h \
 sandbox/profile_paths.h
sandbox/profile.h:
sandbox/policy.h:
common/strlist.h:
common/array_size.h:
sandbox/profile_paths.h:
