CMakeFiles/sarafw.dir/lib/str.c.o: /work/wt-lwm2m/lib/str.c \
 /usr/include/stdc-predef.h /work/wt-lwm2m/lib/str.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/stdbool.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h
