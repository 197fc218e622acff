build-dev/common/root_path.o: common/root_path.c common/root_path.h
common/root_path.h:
