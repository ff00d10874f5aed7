CMakeFiles/sarafw.dir/lib/error.c.o: /work/wt-fleetscale/lib/error.c \
 /usr/include/stdc-predef.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h \
 /work/wt-fleetscale/include/sarafw/error.h
