
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt-fleetscale/tests/unit/test_firehose.c" "tests/CMakeFiles/test_firehose.dir/unit/test_firehose.c.o" "gcc" "tests/CMakeFiles/test_firehose.dir/unit/test_firehose.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/wt-fleetscale/build-perf/CMakeFiles/sarafw_simcore.dir/DependInfo.cmake"
  "/work/wt-fleetscale/build-perf/CMakeFiles/sarafw_posix.dir/DependInfo.cmake"
  "/work/wt-fleetscale/build-perf/CMakeFiles/sarafw.dir/DependInfo.cmake"
  "/work/wt-fleetscale/build-perf/CMakeFiles/sarafw_common.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
