build-dev/guard/cli/replay.o: guard/cli/replay.c guard/cli/replay.h \
 common/array_size.h common/env_vec.h common/log.h sandbox/policy.h \
 common/strlist.h guard/cli/pkgtree.h
guard/cli/replay.h:
common/array_size.h:
common/env_vec.h:
common/log.h:
sandbox/policy.h:
common/strlist.h:
guard/cli/pkgtree.h:
