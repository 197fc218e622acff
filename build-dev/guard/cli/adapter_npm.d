build-dev/guard/cli/adapter_npm.o: guard/cli/adapter_npm.c \
 guard/cli/adapter.h common/env_vec.h
guard/cli/adapter.h:
common/env_vec.h:
