
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt-fleetscale/cli/cmd_campaign.c" "CMakeFiles/sarafw-cli.dir/cli/cmd_campaign.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/cmd_campaign.c.o.d"
  "/work/wt-fleetscale/cli/cmd_files.c" "CMakeFiles/sarafw-cli.dir/cli/cmd_files.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/cmd_files.c.o.d"
  "/work/wt-fleetscale/cli/cmd_flash.c" "CMakeFiles/sarafw-cli.dir/cli/cmd_flash.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/cmd_flash.c.o.d"
  "/work/wt-fleetscale/cli/cmd_info.c" "CMakeFiles/sarafw-cli.dir/cli/cmd_info.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/cmd_info.c.o.d"
  "/work/wt-fleetscale/cli/cmd_install.c" "CMakeFiles/sarafw-cli.dir/cli/cmd_install.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/cmd_install.c.o.d"
  "/work/wt-fleetscale/cli/cmd_net.c" "CMakeFiles/sarafw-cli.dir/cli/cmd_net.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/cmd_net.c.o.d"
  "/work/wt-fleetscale/cli/cmd_pkg.c" "CMakeFiles/sarafw-cli.dir/cli/cmd_pkg.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/cmd_pkg.c.o.d"
  "/work/wt-fleetscale/cli/cmd_profile.c" "CMakeFiles/sarafw-cli.dir/cli/cmd_profile.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/cmd_profile.c.o.d"
  "/work/wt-fleetscale/cli/cmd_ufota.c" "CMakeFiles/sarafw-cli.dir/cli/cmd_ufota.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/cmd_ufota.c.o.d"
  "/work/wt-fleetscale/cli/cmd_update.c" "CMakeFiles/sarafw-cli.dir/cli/cmd_update.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/cmd_update.c.o.d"
  "/work/wt-fleetscale/cli/connect.c" "CMakeFiles/sarafw-cli.dir/cli/connect.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/connect.c.o.d"
  "/work/wt-fleetscale/cli/flasher.c" "CMakeFiles/sarafw-cli.dir/cli/flasher.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/flasher.c.o.d"
  "/work/wt-fleetscale/cli/imei_list.c" "CMakeFiles/sarafw-cli.dir/cli/imei_list.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/imei_list.c.o.d"
  "/work/wt-fleetscale/cli/main.c" "CMakeFiles/sarafw-cli.dir/cli/main.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/main.c.o.d"
  "/work/wt-fleetscale/cli/options.c" "CMakeFiles/sarafw-cli.dir/cli/options.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/options.c.o.d"
  "/work/wt-fleetscale/cli/plan.c" "CMakeFiles/sarafw-cli.dir/cli/plan.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/plan.c.o.d"
  "/work/wt-fleetscale/cli/port_kind.c" "CMakeFiles/sarafw-cli.dir/cli/port_kind.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/port_kind.c.o.d"
  "/work/wt-fleetscale/cli/progress.c" "CMakeFiles/sarafw-cli.dir/cli/progress.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/progress.c.o.d"
  "/work/wt-fleetscale/cli/qbackup.c" "CMakeFiles/sarafw-cli.dir/cli/qbackup.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/qbackup.c.o.d"
  "/work/wt-fleetscale/cli/rest_client.c" "CMakeFiles/sarafw-cli.dir/cli/rest_client.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/rest_client.c.o.d"
  "/work/wt-fleetscale/cli/signals.c" "CMakeFiles/sarafw-cli.dir/cli/signals.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/signals.c.o.d"
  "/work/wt-fleetscale/cli/upload.c" "CMakeFiles/sarafw-cli.dir/cli/upload.c.o" "gcc" "CMakeFiles/sarafw-cli.dir/cli/upload.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/wt-fleetscale/build-perf/CMakeFiles/sarafw_posix.dir/DependInfo.cmake"
  "/work/wt-fleetscale/build-perf/CMakeFiles/sarafw_common.dir/DependInfo.cmake"
  "/work/wt-fleetscale/build-perf/CMakeFiles/sarafw.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
