
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt-fleetscale/common/baud.c" "CMakeFiles/sarafw_common.dir/common/baud.c.o" "gcc" "CMakeFiles/sarafw_common.dir/common/baud.c.o.d"
  "/work/wt-fleetscale/common/blob.c" "CMakeFiles/sarafw_common.dir/common/blob.c.o" "gcc" "CMakeFiles/sarafw_common.dir/common/blob.c.o.d"
  "/work/wt-fleetscale/common/bundle.c" "CMakeFiles/sarafw_common.dir/common/bundle.c.o" "gcc" "CMakeFiles/sarafw_common.dir/common/bundle.c.o.d"
  "/work/wt-fleetscale/common/delta.c" "CMakeFiles/sarafw_common.dir/common/delta.c.o" "gcc" "CMakeFiles/sarafw_common.dir/common/delta.c.o.d"
  "/work/wt-fleetscale/common/escape.c" "CMakeFiles/sarafw_common.dir/common/escape.c.o" "gcc" "CMakeFiles/sarafw_common.dir/common/escape.c.o.d"
  "/work/wt-fleetscale/common/firehose.c" "CMakeFiles/sarafw_common.dir/common/firehose.c.o" "gcc" "CMakeFiles/sarafw_common.dir/common/firehose.c.o.d"
  "/work/wt-fleetscale/common/json.c" "CMakeFiles/sarafw_common.dir/common/json.c.o" "gcc" "CMakeFiles/sarafw_common.dir/common/json.c.o.d"
  "/work/wt-fleetscale/common/pkg.c" "CMakeFiles/sarafw_common.dir/common/pkg.c.o" "gcc" "CMakeFiles/sarafw_common.dir/common/pkg.c.o.d"
  "/work/wt-fleetscale/common/pkg_demokey.c" "CMakeFiles/sarafw_common.dir/common/pkg_demokey.c.o" "gcc" "CMakeFiles/sarafw_common.dir/common/pkg_demokey.c.o.d"
  "/work/wt-fleetscale/common/rat.c" "CMakeFiles/sarafw_common.dir/common/rat.c.o" "gcc" "CMakeFiles/sarafw_common.dir/common/rat.c.o.d"
  "/work/wt-fleetscale/common/sahara.c" "CMakeFiles/sarafw_common.dir/common/sahara.c.o" "gcc" "CMakeFiles/sarafw_common.dir/common/sahara.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
