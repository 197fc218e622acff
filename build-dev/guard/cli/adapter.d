build-dev/guard/cli/adapter.o: guard/cli/adapter.c guard/cli/adapter.h \
 common/array_size.h
guard/cli/adapter.h:
common/array_size.h:
