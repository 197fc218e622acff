build-dev/sandbox/main.o: sandbox/main.c sandbox/extra_paths.h \
 sandbox/policy.h common/strlist.h sandbox/git_hidden.h \
 common/array_size.h common/clock.h common/log.h common/package_name.h \
 sandbox/record.h sandbox/findings.h sandbox/profile.h sandbox/sandbox.h \
 common/version.h sandbox/tripwire.h sandbox/layers.h sandbox/journal.h \
 common/state_dir.h
sandbox/extra_paths.h:
sandbox/policy.h:
common/strlist.h:
sandbox/git_hidden.h:
common/array_size.h:
common/clock.h:
common/log.h:
common/package_name.h:
sandbox/record.h:
sandbox/findings.h:
sandbox/profile.h:
sandbox/sandbox.h:
common/version.h:
sandbox/tripwire.h:
sandbox/layers.h:
sandbox/journal.h:
common/state_dir.h:
