
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt-lwm2m/common/baud.c" "CMakeFiles/sarafw_common.dir/common/baud.c.o" "gcc" "CMakeFiles/sarafw_common.dir/common/baud.c.o.d"
  "/work/wt-lwm2m/common/blob.c" "CMakeFiles/sarafw_common.dir/common/blob.c.o" "gcc" "CMakeFiles/sarafw_common.dir/common/blob.c.o.d"
  "/work/wt-lwm2m/common/delta.c" "CMakeFiles/sarafw_common.dir/common/delta.c.o" "gcc" "CMakeFiles/sarafw_common.dir/common/delta.c.o.d"
  "/work/wt-lwm2m/common/escape.c" "CMakeFiles/sarafw_common.dir/common/escape.c.o" "gcc" "CMakeFiles/sarafw_common.dir/common/escape.c.o.d"
  "/work/wt-lwm2m/common/pkg.c" "CMakeFiles/sarafw_common.dir/common/pkg.c.o" "gcc" "CMakeFiles/sarafw_common.dir/common/pkg.c.o.d"
  "/work/wt-lwm2m/common/pkg_demokey.c" "CMakeFiles/sarafw_common.dir/common/pkg_demokey.c.o" "gcc" "CMakeFiles/sarafw_common.dir/common/pkg_demokey.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
