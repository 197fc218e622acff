build-dev/guard/cli/pkgtree.o: guard/cli/pkgtree.c guard/cli/pkgtree.h \
 common/array_size.h common/log.h common/package_name.h
guard/cli/pkgtree.h:
common/array_size.h:
common/log.h:
common/package_name.h:
