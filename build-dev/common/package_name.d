build-dev/common/package_name.o: common/package_name.c \
 common/package_name.h
common/package_name.h:
