
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt-fleetscale/server/campaign.c" "CMakeFiles/sarafw_servercore.dir/server/campaign.c.o" "gcc" "CMakeFiles/sarafw_servercore.dir/server/campaign.c.o.d"
  "/work/wt-fleetscale/server/cluster.c" "CMakeFiles/sarafw_servercore.dir/server/cluster.c.o" "gcc" "CMakeFiles/sarafw_servercore.dir/server/cluster.c.o.d"
  "/work/wt-fleetscale/server/db.c" "CMakeFiles/sarafw_servercore.dir/server/db.c.o" "gcc" "CMakeFiles/sarafw_servercore.dir/server/db.c.o.d"
  "/work/wt-fleetscale/server/db_cluster.c" "CMakeFiles/sarafw_servercore.dir/server/db_cluster.c.o" "gcc" "CMakeFiles/sarafw_servercore.dir/server/db_cluster.c.o.d"
  "/work/wt-fleetscale/server/db_pg.c" "CMakeFiles/sarafw_servercore.dir/server/db_pg.c.o" "gcc" "CMakeFiles/sarafw_servercore.dir/server/db_pg.c.o.d"
  "/work/wt-fleetscale/server/db_sqlite.c" "CMakeFiles/sarafw_servercore.dir/server/db_sqlite.c.o" "gcc" "CMakeFiles/sarafw_servercore.dir/server/db_sqlite.c.o.d"
  "/work/wt-fleetscale/server/hostport.c" "CMakeFiles/sarafw_servercore.dir/server/hostport.c.o" "gcc" "CMakeFiles/sarafw_servercore.dir/server/hostport.c.o.d"
  "/work/wt-fleetscale/server/httprange.c" "CMakeFiles/sarafw_servercore.dir/server/httprange.c.o" "gcc" "CMakeFiles/sarafw_servercore.dir/server/httprange.c.o.d"
  "/work/wt-fleetscale/server/linkformat.c" "CMakeFiles/sarafw_servercore.dir/server/linkformat.c.o" "gcc" "CMakeFiles/sarafw_servercore.dir/server/linkformat.c.o.d"
  "/work/wt-fleetscale/server/lwm2m.c" "CMakeFiles/sarafw_servercore.dir/server/lwm2m.c.o" "gcc" "CMakeFiles/sarafw_servercore.dir/server/lwm2m.c.o.d"
  "/work/wt-fleetscale/server/rest.c" "CMakeFiles/sarafw_servercore.dir/server/rest.c.o" "gcc" "CMakeFiles/sarafw_servercore.dir/server/rest.c.o.d"
  "/work/wt-fleetscale/server/routemsg.c" "CMakeFiles/sarafw_servercore.dir/server/routemsg.c.o" "gcc" "CMakeFiles/sarafw_servercore.dir/server/routemsg.c.o.d"
  "/work/wt-fleetscale/server/web.c" "CMakeFiles/sarafw_servercore.dir/server/web.c.o" "gcc" "CMakeFiles/sarafw_servercore.dir/server/web.c.o.d"
  "/work/wt-fleetscale/build-perf/web_assets.c" "CMakeFiles/sarafw_servercore.dir/web_assets.c.o" "gcc" "CMakeFiles/sarafw_servercore.dir/web_assets.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/wt-fleetscale/build-perf/CMakeFiles/sarafw_common.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
