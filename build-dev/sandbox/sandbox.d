build-dev/sandbox/sandbox.o: sandbox/sandbox.c sandbox/sandbox.h \
 sandbox/policy.h common/strlist.h common/clock.h common/env_vec.h \
 sandbox/environ.h sandbox/layers.h common/log.h sandbox/pidns_init.h \
 sandbox/report.h sandbox/self_scrub.h sandbox/tripwire.h \
 sandbox/findings.h
sandbox/sandbox.h:
sandbox/policy.h:
common/strlist.h:
common/clock.h:
common/env_vec.h:
sandbox/environ.h:
sandbox/layers.h:
common/log.h:
sandbox/pidns_init.h:
sandbox/report.h:
sandbox/self_scrub.h:
sandbox/tripwire.h:
sandbox/findings.h:
