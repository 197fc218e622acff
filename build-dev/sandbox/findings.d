build-dev/sandbox/findings.o: sandbox/findings.c sandbox/findings.h \
 sandbox/record.h
sandbox/findings.h:
sandbox/record.h:
