# CMake generated Testfile for 
# Source directory: /work/wt-lwm2m
# Build directory: /work/wt-lwm2m/build-scratch
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
subdirs("tests")
subdirs("fuzz")
