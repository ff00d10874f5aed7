CMakeFiles/sarafw.dir/lib/dev.c.o: /work/wt-fleetscale/lib/dev.c \
 /usr/include/stdc-predef.h /usr/include/string.h \
 /usr/include/x86_64-linux-gnu/bits/libc-header-start.h \
 /usr/include/features.h /usr/include/features-time64.h \
 /usr/include/x86_64-linux-gnu/bits/wordsize.h \
 /usr/include/x86_64-linux-gnu/bits/timesize.h \
 /usr/include/x86_64-linux-gnu/sys/cdefs.h \
 /usr/include/x86_64-linux-gnu/bits/long-double.h \
 /usr/include/x86_64-linux-gnu/gnu/stubs.h \
 /usr/include/x86_64-linux-gnu/gnu/stubs-64.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h \
 /work/wt-fleetscale/include/sarafw/dev.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/stdbool.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/stdint.h /usr/include/stdint.h \
 /usr/include/x86_64-linux-gnu/bits/types.h \
 /usr/include/x86_64-linux-gnu/bits/typesizes.h \
 /usr/include/x86_64-linux-gnu/bits/time64.h \
 /usr/include/x86_64-linux-gnu/bits/wchar.h \
 /usr/include/x86_64-linux-gnu/bits/stdint-intn.h \
 /usr/include/x86_64-linux-gnu/bits/stdint-uintn.h \
 /work/wt-fleetscale/include/sarafw/at.h \
 /work/wt-fleetscale/include/sarafw/port.h \
 /work/wt-fleetscale/include/sarafw/variant.h \
 /work/wt-fleetscale/include/sarafw/error.h \
 /work/wt-fleetscale/include/sarafw/net.h \
 /work/wt-fleetscale/include/sarafw/persist.h \
 /work/wt-fleetscale/include/sarafw/timeouts.h \
 /work/wt-fleetscale/lib/note.h /work/wt-fleetscale/lib/str.h
