build-dev/sandbox/dns_stub.o: sandbox/dns_stub.c sandbox/dns_stub.h \
 common/log.h
sandbox/dns_stub.h:
common/log.h:
