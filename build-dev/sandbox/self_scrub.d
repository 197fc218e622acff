build-dev/sandbox/self_scrub.o: sandbox/self_scrub.c sandbox/self_scrub.h \
 common/env_vec.h common/log.h
sandbox/self_scrub.h:
common/env_vec.h:
common/log.h:
