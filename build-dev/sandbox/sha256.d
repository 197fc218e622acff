build-dev/sandbox/sha256.o: sandbox/sha256.c sandbox/sha256.h
sandbox/sha256.h:
