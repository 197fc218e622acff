build-dev/guard/cli/pnpm_approvals.o: guard/cli/pnpm_approvals.c \
 guard/cli/pnpm_approvals.h common/log.h guard/cli/pkgtree.h
guard/cli/pnpm_approvals.h:
common/log.h:
guard/cli/pkgtree.h:
