build-dev/sandbox/journal.o: sandbox/journal.c sandbox/journal.h \
 sandbox/findings.h
sandbox/journal.h:
sandbox/findings.h:
