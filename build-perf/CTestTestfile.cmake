# CMake generated Testfile for 
# Source directory: /work/wt-fleetscale
# Build directory: /work/wt-fleetscale/build-perf
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
subdirs("tests")
subdirs("fuzz")
