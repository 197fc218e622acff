build-dev/sandbox/extra_paths.o: sandbox/extra_paths.c \
 sandbox/extra_paths.h sandbox/policy.h common/strlist.h \
 common/array_size.h sandbox/profile_paths.h sandbox/profile.h
sandbox/extra_paths.h:
sandbox/policy.h:
common/strlist.h:
common/array_size.h:
sandbox/profile_paths.h:
sandbox/profile.h:
