
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt-fleetscale/lib/at.c" "CMakeFiles/sarafw.dir/lib/at.c.o" "gcc" "CMakeFiles/sarafw.dir/lib/at.c.o.d"
  "/work/wt-fleetscale/lib/cmdbuf.c" "CMakeFiles/sarafw.dir/lib/cmdbuf.c.o" "gcc" "CMakeFiles/sarafw.dir/lib/cmdbuf.c.o.d"
  "/work/wt-fleetscale/lib/dev.c" "CMakeFiles/sarafw.dir/lib/dev.c.o" "gcc" "CMakeFiles/sarafw.dir/lib/dev.c.o.d"
  "/work/wt-fleetscale/lib/download_ftp.c" "CMakeFiles/sarafw.dir/lib/download_ftp.c.o" "gcc" "CMakeFiles/sarafw.dir/lib/download_ftp.c.o.d"
  "/work/wt-fleetscale/lib/download_http.c" "CMakeFiles/sarafw.dir/lib/download_http.c.o" "gcc" "CMakeFiles/sarafw.dir/lib/download_http.c.o.d"
  "/work/wt-fleetscale/lib/download_net.c" "CMakeFiles/sarafw.dir/lib/download_net.c.o" "gcc" "CMakeFiles/sarafw.dir/lib/download_net.c.o.d"
  "/work/wt-fleetscale/lib/error.c" "CMakeFiles/sarafw.dir/lib/error.c.o" "gcc" "CMakeFiles/sarafw.dir/lib/error.c.o.d"
  "/work/wt-fleetscale/lib/files.c" "CMakeFiles/sarafw.dir/lib/files.c.o" "gcc" "CMakeFiles/sarafw.dir/lib/files.c.o.d"
  "/work/wt-fleetscale/lib/guard.c" "CMakeFiles/sarafw.dir/lib/guard.c.o" "gcc" "CMakeFiles/sarafw.dir/lib/guard.c.o.d"
  "/work/wt-fleetscale/lib/identify.c" "CMakeFiles/sarafw.dir/lib/identify.c.o" "gcc" "CMakeFiles/sarafw.dir/lib/identify.c.o.d"
  "/work/wt-fleetscale/lib/install.c" "CMakeFiles/sarafw.dir/lib/install.c.o" "gcc" "CMakeFiles/sarafw.dir/lib/install.c.o.d"
  "/work/wt-fleetscale/lib/net.c" "CMakeFiles/sarafw.dir/lib/net.c.o" "gcc" "CMakeFiles/sarafw.dir/lib/net.c.o.d"
  "/work/wt-fleetscale/lib/persist.c" "CMakeFiles/sarafw.dir/lib/persist.c.o" "gcc" "CMakeFiles/sarafw.dir/lib/persist.c.o.d"
  "/work/wt-fleetscale/lib/probe.c" "CMakeFiles/sarafw.dir/lib/probe.c.o" "gcc" "CMakeFiles/sarafw.dir/lib/probe.c.o.d"
  "/work/wt-fleetscale/lib/rate_switch.c" "CMakeFiles/sarafw.dir/lib/rate_switch.c.o" "gcc" "CMakeFiles/sarafw.dir/lib/rate_switch.c.o.d"
  "/work/wt-fleetscale/lib/str.c" "CMakeFiles/sarafw.dir/lib/str.c.o" "gcc" "CMakeFiles/sarafw.dir/lib/str.c.o.d"
  "/work/wt-fleetscale/lib/ufota.c" "CMakeFiles/sarafw.dir/lib/ufota.c.o" "gcc" "CMakeFiles/sarafw.dir/lib/ufota.c.o.d"
  "/work/wt-fleetscale/lib/ufota_ctl.c" "CMakeFiles/sarafw.dir/lib/ufota_ctl.c.o" "gcc" "CMakeFiles/sarafw.dir/lib/ufota_ctl.c.o.d"
  "/work/wt-fleetscale/lib/update_udwnfile.c" "CMakeFiles/sarafw.dir/lib/update_udwnfile.c.o" "gcc" "CMakeFiles/sarafw.dir/lib/update_udwnfile.c.o.d"
  "/work/wt-fleetscale/lib/update_xmodem.c" "CMakeFiles/sarafw.dir/lib/update_xmodem.c.o" "gcc" "CMakeFiles/sarafw.dir/lib/update_xmodem.c.o.d"
  "/work/wt-fleetscale/lib/variant.c" "CMakeFiles/sarafw.dir/lib/variant.c.o" "gcc" "CMakeFiles/sarafw.dir/lib/variant.c.o.d"
  "/work/wt-fleetscale/lib/xmodem.c" "CMakeFiles/sarafw.dir/lib/xmodem.c.o" "gcc" "CMakeFiles/sarafw.dir/lib/xmodem.c.o.d"
  "/work/wt-fleetscale/lib/xmodem_frame.c" "CMakeFiles/sarafw.dir/lib/xmodem_frame.c.o" "gcc" "CMakeFiles/sarafw.dir/lib/xmodem_frame.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
