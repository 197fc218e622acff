build-dev/common/self_path.o: common/self_path.c common/self_path.h
common/self_path.h:
