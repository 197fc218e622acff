build-dev/sandbox/git_hidden.o: sandbox/git_hidden.c sandbox/git_hidden.h \
 common/strlist.h common/log.h
sandbox/git_hidden.h:
common/strlist.h:
common/log.h:
