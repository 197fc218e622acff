build-dev/common/state_dir.o: common/state_dir.c common/state_dir.h
common/state_dir.h:
