build-dev/guard/cli/adapter_yarn.o: guard/cli/adapter_yarn.c \
 guard/cli/adapter.h
guard/cli/adapter.h:
