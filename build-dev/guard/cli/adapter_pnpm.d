build-dev/guard/cli/adapter_pnpm.o: guard/cli/adapter_pnpm.c \
 guard/cli/adapter.h common/env_vec.h
guard/cli/adapter.h:
common/env_vec.h:
