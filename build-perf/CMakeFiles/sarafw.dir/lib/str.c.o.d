CMakeFiles/sarafw.dir/lib/str.c.o: /work/wt-fleetscale/lib/str.c \
 /usr/include/stdc-predef.h /work/wt-fleetscale/lib/str.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/stdbool.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h
