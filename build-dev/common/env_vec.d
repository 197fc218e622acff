build-dev/common/env_vec.o: common/env_vec.c common/env_vec.h
common/env_vec.h:
