# Empty compiler generated dependencies file for test_dev.
# This may be replaced when dependencies are built.
