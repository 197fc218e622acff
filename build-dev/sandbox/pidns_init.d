build-dev/sandbox/pidns_init.o: sandbox/pidns_init.c sandbox/pidns_init.h \
 sandbox/policy.h common/strlist.h common/log.h sandbox/report.h \
 sandbox/tripwire.h sandbox/findings.h sandbox/layers.h
sandbox/pidns_init.h:
sandbox/policy.h:
common/strlist.h:
common/log.h:
sandbox/report.h:
sandbox/tripwire.h:
sandbox/findings.h:
sandbox/layers.h:
