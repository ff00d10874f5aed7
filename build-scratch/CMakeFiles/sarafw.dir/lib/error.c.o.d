CMakeFiles/sarafw.dir/lib/error.c.o: /work/wt-lwm2m/lib/error.c \
 /usr/include/stdc-predef.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h \
 /work/wt-lwm2m/include/sarafw/error.h
