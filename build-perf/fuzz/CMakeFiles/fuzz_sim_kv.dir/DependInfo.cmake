
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt-fleetscale/fuzz/driver.c" "fuzz/CMakeFiles/fuzz_sim_kv.dir/driver.c.o" "gcc" "fuzz/CMakeFiles/fuzz_sim_kv.dir/driver.c.o.d"
  "/work/wt-fleetscale/fuzz/fuzz_sim_kv.c" "fuzz/CMakeFiles/fuzz_sim_kv.dir/fuzz_sim_kv.c.o" "gcc" "fuzz/CMakeFiles/fuzz_sim_kv.dir/fuzz_sim_kv.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/wt-fleetscale/build-perf/CMakeFiles/sarafw_simcore.dir/DependInfo.cmake"
  "/work/wt-fleetscale/build-perf/CMakeFiles/sarafw.dir/DependInfo.cmake"
  "/work/wt-fleetscale/build-perf/CMakeFiles/sarafw_common.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
