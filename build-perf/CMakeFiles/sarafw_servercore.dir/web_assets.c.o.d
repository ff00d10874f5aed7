CMakeFiles/sarafw_servercore.dir/web_assets.c.o: \
 /work/wt-fleetscale/build-perf/web_assets.c /usr/include/stdc-predef.h \
 /work/wt-fleetscale/server/web.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h
