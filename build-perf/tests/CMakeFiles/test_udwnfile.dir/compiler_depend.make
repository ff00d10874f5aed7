# Empty compiler generated dependencies file for test_udwnfile.
# This may be replaced when dependencies are built.
