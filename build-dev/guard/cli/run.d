build-dev/guard/cli/run.o: guard/cli/run.c guard/cli/adapter.h \
 guard/cli/commands.h common/env_vec.h common/log.h guard/cli/pkgtree.h \
 guard/cli/pnpm_approvals.h guard/cli/records.h guard/cli/replay_step.h \
 guard/cli/report.h common/state_dir.h common/self_path.h
guard/cli/adapter.h:
guard/cli/commands.h:
common/env_vec.h:
common/log.h:
guard/cli/pkgtree.h:
guard/cli/pnpm_approvals.h:
guard/cli/records.h:
guard/cli/replay_step.h:
guard/cli/report.h:
common/state_dir.h:
common/self_path.h:
