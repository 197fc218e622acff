build-dev/common/atomic_file.o: common/atomic_file.c common/atomic_file.h \
 common/log.h
common/atomic_file.h:
common/log.h:
