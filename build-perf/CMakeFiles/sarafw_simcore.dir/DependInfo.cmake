
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt-fleetscale/sim/atcmd.c" "CMakeFiles/sarafw_simcore.dir/sim/atcmd.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/atcmd.c.o.d"
  "/work/wt-fleetscale/sim/audit.c" "CMakeFiles/sarafw_simcore.dir/sim/audit.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/audit.c.o.d"
  "/work/wt-fleetscale/sim/clock.c" "CMakeFiles/sarafw_simcore.dir/sim/clock.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/clock.c.o.d"
  "/work/wt-fleetscale/sim/cmd_fota.c" "CMakeFiles/sarafw_simcore.dir/sim/cmd_fota.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/cmd_fota.c.o.d"
  "/work/wt-fleetscale/sim/cmd_ftp.c" "CMakeFiles/sarafw_simcore.dir/sim/cmd_ftp.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/cmd_ftp.c.o.d"
  "/work/wt-fleetscale/sim/cmd_general.c" "CMakeFiles/sarafw_simcore.dir/sim/cmd_general.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/cmd_general.c.o.d"
  "/work/wt-fleetscale/sim/cmd_http.c" "CMakeFiles/sarafw_simcore.dir/sim/cmd_http.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/cmd_http.c.o.d"
  "/work/wt-fleetscale/sim/cmd_info.c" "CMakeFiles/sarafw_simcore.dir/sim/cmd_info.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/cmd_info.c.o.d"
  "/work/wt-fleetscale/sim/cmd_lwm2m.c" "CMakeFiles/sarafw_simcore.dir/sim/cmd_lwm2m.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/cmd_lwm2m.c.o.d"
  "/work/wt-fleetscale/sim/cmd_network.c" "CMakeFiles/sarafw_simcore.dir/sim/cmd_network.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/cmd_network.c.o.d"
  "/work/wt-fleetscale/sim/cmd_udwnfile.c" "CMakeFiles/sarafw_simcore.dir/sim/cmd_udwnfile.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/cmd_udwnfile.c.o.d"
  "/work/wt-fleetscale/sim/cmd_ufwinstall.c" "CMakeFiles/sarafw_simcore.dir/sim/cmd_ufwinstall.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/cmd_ufwinstall.c.o.d"
  "/work/wt-fleetscale/sim/cmd_ufwupd.c" "CMakeFiles/sarafw_simcore.dir/sim/cmd_ufwupd.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/cmd_ufwupd.c.o.d"
  "/work/wt-fleetscale/sim/commands.c" "CMakeFiles/sarafw_simcore.dir/sim/commands.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/commands.c.o.d"
  "/work/wt-fleetscale/sim/download.c" "CMakeFiles/sarafw_simcore.dir/sim/download.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/download.c.o.d"
  "/work/wt-fleetscale/sim/factory.c" "CMakeFiles/sarafw_simcore.dir/sim/factory.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/factory.c.o.d"
  "/work/wt-fleetscale/sim/fault.c" "CMakeFiles/sarafw_simcore.dir/sim/fault.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/fault.c.o.d"
  "/work/wt-fleetscale/sim/features.c" "CMakeFiles/sarafw_simcore.dir/sim/features.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/features.c.o.d"
  "/work/wt-fleetscale/sim/files.c" "CMakeFiles/sarafw_simcore.dir/sim/files.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/files.c.o.d"
  "/work/wt-fleetscale/sim/flash.c" "CMakeFiles/sarafw_simcore.dir/sim/flash.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/flash.c.o.d"
  "/work/wt-fleetscale/sim/flashmode.c" "CMakeFiles/sarafw_simcore.dir/sim/flashmode.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/flashmode.c.o.d"
  "/work/wt-fleetscale/sim/flashparts.c" "CMakeFiles/sarafw_simcore.dir/sim/flashparts.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/flashparts.c.o.d"
  "/work/wt-fleetscale/sim/fleet.c" "CMakeFiles/sarafw_simcore.dir/sim/fleet.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/fleet.c.o.d"
  "/work/wt-fleetscale/sim/fota.c" "CMakeFiles/sarafw_simcore.dir/sim/fota.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/fota.c.o.d"
  "/work/wt-fleetscale/sim/installer.c" "CMakeFiles/sarafw_simcore.dir/sim/installer.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/installer.c.o.d"
  "/work/wt-fleetscale/sim/line.c" "CMakeFiles/sarafw_simcore.dir/sim/line.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/line.c.o.d"
  "/work/wt-fleetscale/sim/lwm2m.c" "CMakeFiles/sarafw_simcore.dir/sim/lwm2m.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/lwm2m.c.o.d"
  "/work/wt-fleetscale/sim/lwm2m_coapdl.c" "CMakeFiles/sarafw_simcore.dir/sim/lwm2m_coapdl.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/lwm2m_coapdl.c.o.d"
  "/work/wt-fleetscale/sim/lwm2m_codec.c" "CMakeFiles/sarafw_simcore.dir/sim/lwm2m_codec.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/lwm2m_codec.c.o.d"
  "/work/wt-fleetscale/sim/lwm2m_objects.c" "CMakeFiles/sarafw_simcore.dir/sim/lwm2m_objects.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/lwm2m_objects.c.o.d"
  "/work/wt-fleetscale/sim/modem.c" "CMakeFiles/sarafw_simcore.dir/sim/modem.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/modem.c.o.d"
  "/work/wt-fleetscale/sim/modes.c" "CMakeFiles/sarafw_simcore.dir/sim/modes.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/modes.c.o.d"
  "/work/wt-fleetscale/sim/netdl.c" "CMakeFiles/sarafw_simcore.dir/sim/netdl.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/netdl.c.o.d"
  "/work/wt-fleetscale/sim/netparam.c" "CMakeFiles/sarafw_simcore.dir/sim/netparam.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/netparam.c.o.d"
  "/work/wt-fleetscale/sim/profiles.c" "CMakeFiles/sarafw_simcore.dir/sim/profiles.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/profiles.c.o.d"
  "/work/wt-fleetscale/sim/timer.c" "CMakeFiles/sarafw_simcore.dir/sim/timer.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/timer.c.o.d"
  "/work/wt-fleetscale/sim/ufota.c" "CMakeFiles/sarafw_simcore.dir/sim/ufota.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/ufota.c.o.d"
  "/work/wt-fleetscale/sim/variants.c" "CMakeFiles/sarafw_simcore.dir/sim/variants.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/variants.c.o.d"
  "/work/wt-fleetscale/sim/xmodem_recv.c" "CMakeFiles/sarafw_simcore.dir/sim/xmodem_recv.c.o" "gcc" "CMakeFiles/sarafw_simcore.dir/sim/xmodem_recv.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/wt-fleetscale/build-perf/CMakeFiles/sarafw.dir/DependInfo.cmake"
  "/work/wt-fleetscale/build-perf/CMakeFiles/sarafw_common.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
