build-dev/guard/daemon/reparse/pip_hook.o: \
 guard/daemon/reparse/pip_hook.c guard/daemon/reparse/pip_hook.h \
 sandbox/policy.h common/strlist.h sandbox/profile_paths.h \
 sandbox/profile.h sandbox/policy.h common/root_path.h
guard/daemon/reparse/pip_hook.h:
sandbox/policy.h:
common/strlist.h:
sandbox/profile_paths.h:
sandbox/profile.h:
sandbox/policy.h:
common/root_path.h:
