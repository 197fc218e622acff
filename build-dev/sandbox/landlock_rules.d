build-dev/sandbox/landlock_rules.o: sandbox/landlock_rules.c \
 sandbox/landlock_rules.h sandbox/policy.h common/strlist.h \
 common/array_size.h sandbox/layers.h common/log.h
sandbox/landlock_rules.h:
sandbox/policy.h:
common/strlist.h:
common/array_size.h:
sandbox/layers.h:
common/log.h:
