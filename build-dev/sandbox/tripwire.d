build-dev/sandbox/tripwire.o: sandbox/tripwire.c sandbox/tripwire.h \
 sandbox/findings.h sandbox/layers.h sandbox/policy.h common/strlist.h \
 sandbox/decoys.h sandbox/dns_stub.h sandbox/leftovers.h common/log.h \
 sandbox/notify_supervisor.h sandbox/record.h
sandbox/tripwire.h:
sandbox/findings.h:
sandbox/layers.h:
sandbox/policy.h:
common/strlist.h:
sandbox/decoys.h:
sandbox/dns_stub.h:
sandbox/leftovers.h:
common/log.h:
sandbox/notify_supervisor.h:
sandbox/record.h:
