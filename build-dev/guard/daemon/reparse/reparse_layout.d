build-dev/guard/daemon/reparse/reparse_layout.o: \
 guard/daemon/reparse/reparse_layout.c \
 guard/daemon/reparse/reparse_layout.h
guard/daemon/reparse/reparse_layout.h:
