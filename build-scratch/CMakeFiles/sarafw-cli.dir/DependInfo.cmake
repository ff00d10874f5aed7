
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt-lwm2m/cli/cmd_files.c" "CMakeFiles/sarafw-cli.dir/cli/cmd_files.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/cmd_files.c.o.d"
  "/work/wt-lwm2m/cli/cmd_info.c" "CMakeFiles/sarafw-cli.dir/cli/cmd_info.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/cmd_info.c.o.d"
  "/work/wt-lwm2m/cli/cmd_install.c" "CMakeFiles/sarafw-cli.dir/cli/cmd_install.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/cmd_install.c.o.d"
  "/work/wt-lwm2m/cli/cmd_net.c" "CMakeFiles/sarafw-cli.dir/cli/cmd_net.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/cmd_net.c.o.d"
  "/work/wt-lwm2m/cli/cmd_pkg.c" "CMakeFiles/sarafw-cli.dir/cli/cmd_pkg.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/cmd_pkg.c.o.d"
  "/work/wt-lwm2m/cli/cmd_profile.c" "CMakeFiles/sarafw-cli.dir/cli/cmd_profile.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/cmd_profile.c.o.d"
  "/work/wt-lwm2m/cli/cmd_update.c" "CMakeFiles/sarafw-cli.dir/cli/cmd_update.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/cmd_update.c.o.d"
  "/work/wt-lwm2m/cli/connect.c" "CMakeFiles/sarafw-cli.dir/cli/connect.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/connect.c.o.d"
  "/work/wt-lwm2m/cli/main.c" "CMakeFiles/sarafw-cli.dir/cli/main.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/main.c.o.d"
  "/work/wt-lwm2m/cli/options.c" "CMakeFiles/sarafw-cli.dir/cli/options.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/options.c.o.d"
  "/work/wt-lwm2m/cli/plan.c" "CMakeFiles/sarafw-cli.dir/cli/plan.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/plan.c.o.d"
  "/work/wt-lwm2m/cli/port_kind.c" "CMakeFiles/sarafw-cli.dir/cli/port_kind.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/port_kind.c.o.d"
  "/work/wt-lwm2m/cli/progress.c" "CMakeFiles/sarafw-cli.dir/cli/progress.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/progress.c.o.d"
  "/work/wt-lwm2m/cli/signals.c" "CMakeFiles/sarafw-cli.dir/cli/signals.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/signals.c.o.d"
  "/work/wt-lwm2m/cli/upload.c" "CMakeFiles/sarafw-cli.dir/cli/upload.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/upload.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/wt-lwm2m/build-scratch/CMakeFiles/sarafw_posix.dir/DependInfo.cmake"
  "/work/wt-lwm2m/build-scratch/CMakeFiles/sarafw_common.dir/DependInfo.cmake"
  "/work/wt-lwm2m/build-scratch/CMakeFiles/sarafw.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
