# Empty dependencies file for test_persist.
# This may be replaced when dependencies are built.
