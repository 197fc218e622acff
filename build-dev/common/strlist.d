build-dev/common/strlist.o: common/strlist.c common/strlist.h
common/strlist.h:
