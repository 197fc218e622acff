build-dev/sandbox/profile_paths.o: sandbox/profile_paths.c \
 sandbox/profile.h sandbox/policy.h common/strlist.h common/array_size.h \
 sandbox/profile_paths.h
sandbox/profile.h:
sandbox/policy.h:
common/strlist.h:
common/array_size.h:
sandbox/profile_paths.h:
